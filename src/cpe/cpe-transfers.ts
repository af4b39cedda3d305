/**
 * The file transfers of one CPE as the CPE sees them: Download / ScheduleDownload / Upload and its own downloads go
 * into its TransferQueue; each outcome is reported in the right session (TransferComplete + "7 TRANSFER COMPLETE" +
 * "M <Method>", or AutonomousTransferComplete + "10 AUTONOMOUS TRANSFER COMPLETE"), a firmware image is applied
 * (new SoftwareVersion, reboot), and the unfinished transfers are kept for a state file once the CPE stops.
 * Separate from transfers.ts (the HTTP transfers and their timing, which know nothing of a CPE) and from VirtualCpe
 * (the session loop): created on a CPE's first transfer, so a CPE that never had one holds nothing of this.
 */
import { CwmpFault } from '../cwmp/faults.js';
import { softwareVersionPath } from '../datamodel/firmware-rule.js';
import type { ScheduleDownloadRequest } from '../cwmp/messages.js';
import { fileServerAccess } from './cpe-environment.js';
import { firmwareApplied } from './cpe-initiated.js';
import type { PendingCpeRequests } from './cpe-request-queue.js';
import {
  FIRMWARE_UPGRADE_IMAGE,
  queuedTransferInfo,
  TransferQueue,
  type DownloadRequest,
  type QueuedTransferInfo,
  type TransferOutcome,
  type TransferRequest,
  type UploadContent,
  type UploadRequest,
} from './transfers.js';
import type { VirtualCpe } from './virtual-cpe.js';

/** TR-069 §3.7.1.5: a session carrying a TransferComplete has "7 TRANSFER COMPLETE" in its Inform. */
const TRANSFER_COMPLETE_EVENT = '7 TRANSFER COMPLETE';
/** TR-069 §3.7.1.5: a transfer the ACS did not request finished. */
const AUTONOMOUS_TRANSFER_COMPLETE_EVENT = '10 AUTONOMOUS TRANSFER COMPLETE';

export class CpeTransfers {
  private readonly cpe: VirtualCpe;
  private readonly queue: TransferQueue;
  /** Transfers that finished while a session ran: applied when it ends (their events belong to the next Inform). */
  private finishedInSession: TransferOutcome[] | undefined;
  /** Transfers not yet complete when the CPE was stopped (stopping forgets them; a state file still wants them). */
  private unfinishedAtStop: TransferRequest[] | undefined;

  constructor(cpe: VirtualCpe) {
    this.cpe = cpe;
    this.queue = new TransferQueue({
      ...fileServerAccess(cpe.env, cpe.acs),
      userConfirms: cpe.env.confirmDownloads,
      onDone: (outcome) => this.transferDone(outcome),
    });
  }

  /** Accepted transfers not yet complete. */
  get size(): number {
    return this.queue.size;
  }

  download(req: DownloadRequest): void {
    this.queue.accept(req);
  }

  scheduleDownload(req: ScheduleDownloadRequest): void {
    this.queue.acceptScheduled(req);
  }

  /** An Upload already validated (validateUpload): its file is made when it starts. */
  upload(req: UploadRequest, content: UploadContent): void {
    this.queue.acceptUpload(req, () => uploadBody(this.cpe, content));
  }

  autonomousDownload(req: DownloadRequest, delayMs: number): void {
    this.queue.startAutonomous(req, delayMs);
  }

  /** The session ended: the transfers accepted in it may start. */
  sessionEnded(): void {
    this.queue.sessionEnded();
  }

  /** Reports the transfers that finished during the session that just ended; true when there were any (a session for them). */
  applyFinishedInSession(): boolean {
    const finished = this.finishedInSession;
    if (finished === undefined) return false;
    this.finishedInSession = undefined;
    for (const outcome of finished) this.applyOutcome(outcome);
    return true;
  }

  /** A factory reset forgets the transfers not yet started. */
  dropWaiting(): void {
    this.queue.dropWaiting();
  }

  /** The requests of the transfers not yet complete (after stop(): those not complete when it stopped). */
  requests(): TransferRequest[] {
    return this.unfinishedAtStop ?? this.queue.requests();
  }

  list(): QueuedTransferInfo[] {
    return this.queue.list();
  }

  cancel(commandKey: string): void {
    this.queue.cancel(commandKey);
  }

  async stop(): Promise<void> {
    const unfinished = this.queue.requests();
    if (unfinished.length > 0) this.unfinishedAtStop = unfinished;
    await this.queue.stop();
  }

  private transferDone(outcome: TransferOutcome): void {
    const { cpe } = this;
    if (cpe.stopped) return;
    if (cpe.inSession) {
      (this.finishedInSession ??= []).push(outcome);
      return;
    }
    this.applyOutcome(outcome);
    cpe.env.requestSession?.(cpe.offlineForMs(), cpe);
  }

  /**
   * Queues the report with its events (TransferComplete + "7 TRANSFER COMPLETE" + "M <Method>", or for a transfer
   * of its own AutonomousTransferComplete + "10 AUTONOMOUS TRANSFER COMPLETE"); a successful firmware image takes the
   * profile's new SoftwareVersion and reboots the CPE (the next Inform also carries "1 BOOT").
   */
  private applyOutcome(o: TransferOutcome): void {
    const { cpe } = this;
    const { profile } = cpe.env;
    const fault = { faultCode: o.faultCode, faultString: o.faultString };
    if (o.autonomous) {
      // cwmp-1-0 has no AutonomousTransferComplete: such a CPE keeps the transfer to itself.
      if (profile.cwmpVersion >= 1 && o.req.method !== 'Upload') {
        cpe.queueCpeRequest({
          method: 'AutonomousTransferComplete',
          announceUrl: '',
          transferUrl: o.req.url,
          isDownload: true,
          fileType: o.req.fileType,
          fileSize: o.req.fileSize,
          targetFileName: o.req.targetFileName,
          fault,
          startTime: o.startTime,
          completeTime: o.completeTime,
        });
        cpe.addEvent(AUTONOMOUS_TRANSFER_COMPLETE_EVENT);
      }
    } else {
      cpe.queueCpeRequest({ method: 'TransferComplete', commandKey: o.req.commandKey, fault, startTime: o.startTime, completeTime: o.completeTime, transfer: o.req });
      cpe.addEvent(TRANSFER_COMPLETE_EVENT);
      cpe.addEvent(`M ${o.req.method}`, o.req.commandKey);
    }
    if (o.faultCode === 0 && o.req.fileType === FIRMWARE_UPGRADE_IMAGE && o.req.method !== 'Upload') {
      const version = firmwareApplied(profile.firmwareVersion, o.req);
      const path = softwareVersionPath(profile.root);
      if (version !== undefined && cpe.model.get(path) !== undefined) cpe.model.setInternal(path, version);
      cpe.restart([]);
    }
  }
}

/** Transfers not yet complete (1 waiting, 2 running), then completed ones whose TransferComplete waits (3). */
export function listTransfers(transfers: CpeTransfers | undefined, pending: PendingCpeRequests | undefined): QueuedTransferInfo[] {
  const list = transfers?.list() ?? [];
  for (const r of pending?.snapshot() ?? []) {
    if (r.method === 'TransferComplete' && r.transfer !== undefined) list.push(queuedTransferInfo(r.transfer, 3));
  }
  return list;
}

/** CancelTransfer: a completed transfer whose report waits cannot be canceled (9021); see TransferQueue.cancel. */
export function cancelTransfer(transfers: CpeTransfers | undefined, pending: PendingCpeRequests | undefined, commandKey: string): void {
  if (listTransfers(transfers, pending).some((t) => t.state === 3 && t.commandKey === commandKey)) {
    throw new CwmpFault(9021, `the transfer with CommandKey "${commandKey}" has completed`);
  }
  if (transfers === undefined) throw new CwmpFault(9003, `no queued transfer has CommandKey "${commandKey}"`);
  transfers.cancel(commandKey);
}

/**
 * The file an Upload sends, made when it starts: a configuration file is the device's parameter values, one
 * "Name=Value" line each; a log file a few generated lines (the simulator keeps no real log).
 */
function uploadBody(cpe: VirtualCpe, content: UploadContent): string {
  if (content === 'config') {
    const values = cpe.model.getParameterValues([`${cpe.env.profile.root}.`]);
    return values.map((p) => `${p.name}=${p.value}\n`).join('');
  }
  const now = new Date().toISOString();
  const { serialNumber } = cpe.model.deviceId();
  return (
    `${now} cpesim[${cpe.index}]: device ${serialNumber} up, ${cpe.sessionCount} sessions started\n` +
    `${now} cpesim[${cpe.index}]: ${cpe.retryCount} session retries pending, ${cpe.queuedTransfers} transfers queued\n` +
    `${now} cpesim[${cpe.index}]: log uploaded on the ACS's request\n`
  );
}

/** A state file's transfer, accepted again like the ACS's request (CwmpFault when it no longer validates). */
export function reacceptTransfer(cpe: VirtualCpe, req: TransferRequest): void {
  if (req.method === 'Download') cpe.download(req);
  // Its time windows count again from the restore (they were relative to the request).
  else if (req.method === 'ScheduleDownload') cpe.scheduleDownload(req);
  // Validated when the ACS sent it; the newest version's FileTypes include every older one's.
  else cpe.upload(req, 4);
}
