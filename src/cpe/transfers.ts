import { CwmpFault, faultString } from '../cwmp/faults.js';
import type { AcsRequest, CwmpVersion, ScheduleDownloadRequest, TransferCompleteRequest } from '../cwmp/messages.js';
import { downloadFile, FileDownloadError, type FileDownloadFailure } from '../transport/file-download.js';
import { FileUploadError, uploadFile, type FileUploadFailure } from '../transport/file-upload.js';
import { downloadSlots, lastWindowEndMs, validateTimeWindows, type DownloadSlot } from './time-windows.js';

export type DownloadRequest = Extract<AcsRequest, { method: 'Download' }>;
export type UploadRequest = Extract<AcsRequest, { method: 'Upload' }>;
export type { ScheduleDownloadRequest } from '../cwmp/messages.js';
export type TransferRequest = DownloadRequest | UploadRequest | ScheduleDownloadRequest;
/** The requests that fetch a file (the others upload one). */
export type FileFetchRequest = DownloadRequest | ScheduleDownloadRequest;

/** One row of Get(All)QueuedTransfersResponse (A.4.1.4 / A.4.1.7): 1 not yet started, 2 in progress, 3 completed. */
export interface QueuedTransferInfo {
  commandKey: string;
  state: 1 | 2 | 3;
  isDownload: boolean;
  fileType: string;
  fileSize: number;
  targetFileName: string;
}

/** The row of a transfer in a state; an Upload has no FileSize or TargetFileName (0 and ""). */
export function queuedTransferInfo(req: TransferRequest, state: 1 | 2 | 3): QueuedTransferInfo {
  const isDownload = req.method !== 'Upload';
  return {
    commandKey: req.commandKey,
    state,
    isDownload,
    fileType: req.fileType,
    fileSize: isDownload ? req.fileSize : 0,
    targetFileName: isDownload ? req.targetFileName : '',
  };
}

/** Bounds of the CPE's file transfers. */
export interface TransferLimits {
  /** Accepted transfers not yet complete; beyond, Download faults 9004. */
  maxQueued: number;
  /** Connect, response-headers and body-idle timeout of the file GET. */
  requestTimeoutMs: number;
  /** Largest file; counted while streaming, never stored. */
  maxBytes: number;
  /** Wait between two attempts of a ScheduleDownload within one time window (MaxRetries). */
  retryWaitMs: number;
}

export const DEFAULT_TRANSFER_LIMITS: Readonly<TransferLimits> = Object.freeze({
  maxQueued: 16,
  requestTimeoutMs: 30_000,
  maxBytes: 64 * 1024 * 1024,
  retryWaitMs: 10_000,
});

/** TR-069 A.3.2.8: the "unknown time" StartTime/CompleteTime of a DownloadResponse with Status 1. */
export const UNKNOWN_TIME = '0001-01-01T00:00:00Z';

export const FIRMWARE_UPGRADE_IMAGE = '1 Firmware Upgrade Image';

/** cwmp-1-x.xsd DownloadFileType: "<n> <words>" or a vendor "X <OUI|name> <words>", at most 64 characters. */
const FILE_TYPE_RE = /^(?:[1-9]\d*(?: \S+)+|X \S+ .+)$/;
/** cwmp-1-x.xsd: URL, Username, Password are at most 256 characters. */
const MAX_URL_LENGTH = 256;

/**
 * The synchronous checks of a Download (A.3.2.8) before it is accepted: argument format 9003,
 * non-HTTP(S) URL 9013, a FileSize beyond what the CPE can hold 9004.
 */
export function validateDownload(req: FileFetchRequest, limits: TransferLimits): void {
  if (req.fileType.length > 64 || !FILE_TYPE_RE.test(req.fileType)) throw new CwmpFault(9003, `FileType "${req.fileType}"`);
  if (!Number.isSafeInteger(req.fileSize) || req.fileSize < 0) throw new CwmpFault(9003, 'FileSize must be an unsigned integer');
  validateTransferTarget(req);
  // FileSize is the hint that lets the CPE refuse a file it has no room for (A.3.2.8).
  if (req.fileSize > limits.maxBytes) throw new CwmpFault(9004, `FileSize ${req.fileSize} exceeds ${limits.maxBytes} bytes`);
}

/** What an Upload sends: the device's configuration (its parameter values) or a log. */
export type UploadContent = 'config' | 'log';

/**
 * The Upload FileTypes each schema allows (A.4.1.5): cwmp-1-0/1-1 list "1 Vendor Configuration File",
 * "2 Vendor Log File" and "X <OUI> <words>"; cwmp-1-2 added the per-instance "3 Vendor Configuration File <n>" /
 * "4 Vendor Log File <n>" (its vendor form is any "X <word> <words>"). A vendor file is uploaded as a log.
 */
export function uploadContentOf(fileType: string, version: CwmpVersion): UploadContent | undefined {
  if (fileType.length > 64) return undefined;
  if (fileType === '1 Vendor Configuration File') return 'config';
  if (fileType === '2 Vendor Log File') return 'log';
  if (version >= 2) {
    if (/^3 Vendor Configuration File [1-9]\d*$/.test(fileType)) return 'config';
    if (/^4 Vendor Log File [1-9]\d*$/.test(fileType)) return 'log';
    if (/^X \S+ .+$/.test(fileType)) return 'log';
  } else if (/^X [0-9A-F]{6} .*$/.test(fileType)) {
    return 'log';
  }
  return undefined;
}

/** The synchronous checks of an Upload (A.4.1.5): FileType and argument format 9003, non-HTTP(S) URL 9013. */
export function validateUpload(req: UploadRequest, version: CwmpVersion): UploadContent {
  const content = uploadContentOf(req.fileType, version);
  if (content === undefined) throw new CwmpFault(9003, `FileType "${req.fileType}" is not an Upload file type of cwmp-1-${version}`);
  validateTransferTarget(req);
  return content;
}

/** The URL and delay checks Download and Upload share. */
function validateTransferTarget(req: TransferRequest): void {
  if (req.url.length > MAX_URL_LENGTH || req.username.length > 256 || req.password.length > 256) {
    throw new CwmpFault(9003, 'URL, Username or Password longer than 256 characters');
  }
  if ('delaySeconds' in req && (!Number.isSafeInteger(req.delaySeconds) || req.delaySeconds < 0)) {
    throw new CwmpFault(9003, 'DelaySeconds must be an unsigned integer');
  }
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new CwmpFault(9003, `URL "${req.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CwmpFault(9013, `${url.protocol} (only http and https)`);
}

/** What a finished transfer reports in its TransferComplete. */
export interface TransferOutcome {
  req: TransferRequest;
  /** A transfer the CPE made on its own (no ACS request): reported by AutonomousTransferComplete. */
  autonomous?: true;
  /** 0 and "" on success. */
  faultCode: number;
  faultString: string;
  startTime: string;
  completeTime: string;
}

/**
 * TransferComplete fault code per download failure (TR-069 A.3.3.1 / the TransferComplete fault table;
 * 9013 is not allowed there, it is answered to the Download itself):
 * - 9015 unable to contact file server: nothing answered
 * - 9012 file transfer server authentication failure: credentials refused, and also a server certificate
 *   the CPE cannot authenticate (the server failed authentication)
 * - 9016 unable to access file: the server refuses the file (403/404/410)
 * - 9017 unable to complete download: the transfer started but the body broke off
 * - 9010 download failure: the rest (other statuses, timeouts before a response, a file over the CPE's
 *   byte cap: the CPE ran out of room, which no narrower code describes)
 */
const FAULT_BY_FAILURE: Readonly<Record<Exclude<FileDownloadFailure, 'aborted'>, number>> = {
  unreachable: 9015,
  tls: 9012,
  auth_failed: 9012,
  not_accessible: 9016,
  incomplete: 9017,
  too_large: 9010,
  failed: 9010,
};

/**
 * TransferComplete fault code per upload failure: 9015 nothing answered, 9012 credentials or server certificate
 * refused, 9011 "Upload failure" for everything else (9016-9017 name downloads only).
 */
const UPLOAD_FAULT_BY_FAILURE: Readonly<Record<Exclude<FileUploadFailure, 'aborted'>, number>> = {
  unreachable: 9015,
  tls: 9012,
  auth_failed: 9012,
  failed: 9011,
};

/**
 * The TransferComplete as the session's cwmp version can say it: cwmp-1-0 (TR-069 Issue 1) allows only
 * 9001, 9002, 9010, 9011 and 9012 there; the specific faults 9014–9020 arrived with cwmp-1-1. Speaking 1-0,
 * they become the transfer's generic failure, 9010 "Download failure" or, for an Upload, 9011 "Upload failure"
 * (the FaultString keeps the specific reason).
 */
export function transferCompleteFor(req: TransferCompleteRequest & { transfer?: TransferRequest }, version: CwmpVersion): TransferCompleteRequest {
  const code = req.fault.faultCode;
  if (version !== 0 || code < 9014 || code > 9020) return req;
  const faultCode = req.transfer?.method === 'Upload' ? 9011 : 9010;
  return { ...req, fault: { faultCode, faultString: req.fault.faultString } };
}

/**
 * A whole HTTP body of another size than the Download's FileSize is not the file announced: 9018 "file
 * corrupted" (the transfer itself completed, so 9017 would be wrong; a body cut short shows as 9017 through
 * undici's Content-Length check instead).
 */
const FILE_SIZE_MISMATCH = 9018;

/** TransferComplete fault of a ScheduleDownload that could not complete within its time windows. */
const WINDOWS_MISSED = 9020;

/** When a transfer first starts, ms after it was received: DelaySeconds, or its first usable time window. */
function firstStartMs(t: Transfer): number {
  if (t.slots !== undefined) {
    const first = t.slots[0];
    // No usable window: it gives up when the last window closes.
    return first !== undefined ? first.startMs : lastWindowEndMs((t.req as ScheduleDownloadRequest).timeWindowList);
  }
  return t.req.method === 'ScheduleDownload' ? 0 : t.req.delaySeconds * 1000;
}

/** FaultString: the standard text plus the detail, within the schema's 256 characters. */
function transferFaultString(code: number, detail: string): string {
  return `${faultString(code)}: ${detail}`.slice(0, 256);
}

interface Transfer {
  readonly req: TransferRequest;
  /** An Upload's body, made when it starts (undefined for a Download). */
  readonly uploadBody: (() => string) | undefined;
  /** Not requested by the ACS (not listed by Get(All)QueuedTransfers, not cancelable). */
  readonly autonomous: boolean;
  /** A ScheduleDownload's windows, the one in use, attempts made in it, and the last failure. */
  readonly slots: DownloadSlot[] | undefined;
  slot: number;
  attempts: number;
  lastFault: { code: number; detail: string } | undefined;
  /** When the first attempt started (the TransferComplete's StartTime). */
  startTime: string | undefined;
  /** performance.now() when the request arrived; DelaySeconds counts from here. */
  readonly receivedAt: number;
  /** Armed: its DelaySeconds timer runs (set once the session that carried it ended). */
  timer: NodeJS.Timeout | undefined;
  armed: boolean;
  /** The HTTP transfer runs (state 2). */
  running: boolean;
}

/** How a CPE reaches file servers: its bounds, trust settings and source address. */
export interface FileServerAccess {
  limits: TransferLimits;
  /** The CPE's trust settings for HTTPS file servers. */
  insecure?: boolean;
  ca?: string;
  /** The CPE's source address (its ACS endpoint's localAddress). */
  localAddress?: string;
}

/** The options of one HTTP request to a file server (downloadFile / uploadFile) on behalf of a CPE. */
export function fileServerRequest(access: FileServerAccess, target: { url: string; username: string; password: string }, signal: AbortSignal) {
  return {
    url: target.url,
    username: target.username,
    password: target.password,
    timeoutMs: access.limits.requestTimeoutMs,
    signal,
    ...(access.insecure !== undefined ? { insecure: access.insecure } : {}),
    ...(access.ca !== undefined ? { ca: access.ca } : {}),
    ...(access.localAddress !== undefined ? { localAddress: access.localAddress } : {}),
  };
}

export interface TransferQueueOptions extends FileServerAccess {
  /** A user confirms "4 Confirmation Needed" ScheduleDownload windows (a simulated CPE has none by default). */
  userConfirms?: boolean;
  /** Called once per transfer that finished (success or fault); not after stop(). */
  onDone(outcome: TransferOutcome): void;
}

/**
 * The transfers one CPE accepted (Downloads and Uploads): each starts after the session that carried it
 * ended and its DelaySeconds passed, runs on its own timer/promise (never blocking other CPEs), and reports
 * through onDone. stop() aborts everything so a run ends promptly.
 */
export class TransferQueue {
  private readonly opts: TransferQueueOptions;
  private readonly transfers = new Set<Transfer>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(opts: TransferQueueOptions) {
    this.opts = opts;
  }

  /** Accepted transfers not yet complete. */
  get size(): number {
    return this.transfers.size;
  }

  /** Validates and accepts a Download (throws CwmpFault); it waits for sessionEnded(). */
  accept(req: DownloadRequest): void {
    validateDownload(req, this.opts.limits);
    this.enqueue(req, undefined);
  }

  /** Validates and accepts a ScheduleDownload (throws CwmpFault; 9003 for bad time windows); it waits for sessionEnded(). */
  acceptScheduled(req: ScheduleDownloadRequest): void {
    validateDownload(req, this.opts.limits);
    validateTimeWindows(req.timeWindowList);
    this.enqueue(req, undefined, downloadSlots(req.timeWindowList, this.opts.userConfirms === true));
  }

  /**
   * A download the CPE starts on its own (a user or local policy asked for it), `delayMs` from now; it reports
   * through onDone with `autonomous`. Not bounded by maxQueued (the ACS's queue), never listed or cancelable.
   */
  startAutonomous(req: DownloadRequest, delayMs: number): void {
    if (this.abort.signal.aborted) return;
    const t = this.newTransfer(req, undefined, undefined, true);
    this.transfers.add(t);
    t.armed = true;
    t.timer = setTimeout(() => this.start(t), delayMs);
  }

  /**
   * Accepts an Upload already validated (validateUpload); `body` makes the file when the upload starts, so
   * it carries the device's state of that moment.
   */
  acceptUpload(req: UploadRequest, body: () => string): void {
    this.enqueue(req, body);
  }

  /** The requests of the transfers not yet complete, in arrival order (a state file re-queues them). */
  requests(): TransferRequest[] {
    // Autonomous transfers are the device's own business: a restored device does not resume them.
    return [...this.transfers].filter((t) => !t.autonomous).map((t) => t.req);
  }

  /** The transfers not yet complete, in arrival order: state 1 (waiting) or 2 (running). */
  list(): QueuedTransferInfo[] {
    return [...this.transfers].filter((t) => !t.autonomous).map((t) => queuedTransferInfo(t.req, t.running ? 2 : 1));
  }

  /**
   * CancelTransfer (A.4.1.10): removes the not-yet-started transfers with this CommandKey, which then report
   * nothing. All or nothing: one of them running is 9021; no transfer with the key is 9003 (the argument
   * names nothing, and 9021 is reserved for a transfer whose state forbids it).
   */
  cancel(commandKey: string): void {
    const matching = [...this.transfers].filter((t) => !t.autonomous && t.req.commandKey === commandKey);
    if (matching.length === 0) throw new CwmpFault(9003, `no queued transfer has CommandKey "${commandKey}"`);
    if (matching.some((t) => t.running)) throw new CwmpFault(9021, `the transfer with CommandKey "${commandKey}" is in progress`);
    for (const t of matching) {
      clearTimeout(t.timer);
      this.transfers.delete(t);
    }
  }

  /** Drops every transfer not yet started (a factory reset forgets them); running ones finish and report. */
  dropWaiting(): void {
    for (const t of this.transfers) {
      if (t.running) continue;
      clearTimeout(t.timer);
      this.transfers.delete(t);
    }
  }

  /** The session ended: transfers accepted in it may start once their DelaySeconds passed (A.3.2.8). */
  sessionEnded(): void {
    if (this.abort.signal.aborted) return;
    const now = performance.now();
    for (const t of this.transfers) {
      if (t.armed) continue;
      t.armed = true;
      this.wakeAt(t, t.receivedAt + firstStartMs(t), now);
    }
  }

  /** Aborts waiting and running transfers; resolves when the running ones have settled. No onDone afterwards. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.transfers) clearTimeout(t.timer);
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.transfers.clear();
  }

  private enqueue(req: TransferRequest, uploadBody: (() => string) | undefined, slots?: DownloadSlot[]): void {
    if (this.abort.signal.aborted) throw new CwmpFault(9002, 'the CPE is shutting down');
    const queued = this.list().length;
    if (queued >= this.opts.limits.maxQueued) {
      throw new CwmpFault(9004, `${queued} transfers queued (at most ${this.opts.limits.maxQueued})`);
    }
    this.transfers.add(this.newTransfer(req, uploadBody, slots, false));
  }

  private newTransfer(req: TransferRequest, uploadBody: (() => string) | undefined, slots: DownloadSlot[] | undefined, autonomous: boolean): Transfer {
    return {
      req,
      uploadBody,
      autonomous,
      slots,
      slot: 0,
      attempts: 0,
      lastFault: undefined,
      startTime: undefined,
      receivedAt: performance.now(),
      timer: undefined,
      armed: false,
      running: false,
    };
  }

  /** (Re)arms the transfer's timer for `at` (performance.now() ms), at once when that has passed. */
  private wakeAt(t: Transfer, at: number, now: number = performance.now()): void {
    t.timer = setTimeout(() => this.start(t), Math.max(0, at - now));
  }

  private start(t: Transfer): void {
    t.timer = undefined;
    t.running = true;
    const run = this.transfer(t).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** The HTTP options every transfer of this CPE uses. */
  private httpOptions(req: TransferRequest) {
    return fileServerRequest(this.opts, req, this.abort.signal);
  }

  private async transfer(t: Transfer): Promise<void> {
    const { req } = t;
    const startTime = new Date().toISOString();
    t.startTime ??= startTime;
    // A ScheduleDownload attempt must finish inside its window: the window's end aborts it.
    const slot = t.slots?.[t.slot];
    const windowLeftMs = slot === undefined ? undefined : t.receivedAt + slot.endMs - performance.now();
    if (t.slots !== undefined && (slot === undefined || windowLeftMs! <= 0)) {
      this.nextWindow(t, undefined);
      return;
    }
    const signal = windowLeftMs === undefined ? this.abort.signal : AbortSignal.any([this.abort.signal, AbortSignal.timeout(Math.ceil(windowLeftMs))]);
    let faultCode = 0;
    let detail = '';
    try {
      if (req.method === 'Upload') {
        await uploadFile({ ...this.httpOptions(req), signal, body: t.uploadBody?.() ?? '' });
      } else {
        const { bytes } = await downloadFile({ ...this.httpOptions(req), signal, maxBytes: this.opts.limits.maxBytes });
        if (req.fileSize !== 0 && bytes !== req.fileSize) {
          faultCode = FILE_SIZE_MISMATCH;
          detail = `received ${bytes} bytes, FileSize is ${req.fileSize}`;
        }
      }
    } catch (err) {
      if (this.abort.signal.aborted) return;
      if (err instanceof FileDownloadError) {
        // Not the CPE stopping (checked above): the time window closed during the download.
        faultCode = err.reason === 'aborted' ? WINDOWS_MISSED : FAULT_BY_FAILURE[err.reason];
      } else if (err instanceof FileUploadError) {
        if (err.reason === 'aborted') return;
        faultCode = UPLOAD_FAULT_BY_FAILURE[err.reason];
      } else {
        // Not a transfer failure but a simulator bug: report it as the CPE's internal error, never crash the shard.
        faultCode = 9002;
      }
      detail = faultCode === WINDOWS_MISSED ? 'the time window closed during the download' : err instanceof Error ? err.message : String(err);
    }
    if (this.abort.signal.aborted) return;
    if (faultCode !== 0 && t.slots !== undefined) {
      this.retryScheduled(t, { code: faultCode, detail });
      return;
    }
    this.finish(t, faultCode, detail);
  }

  /** Reports a finished transfer (it leaves the queue). */
  private finish(t: Transfer, faultCode: number, detail: string): void {
    this.transfers.delete(t);
    this.opts.onDone({
      req: t.req,
      ...(t.autonomous ? { autonomous: true as const } : {}),
      faultCode,
      faultString: faultCode === 0 ? '' : transferFaultString(faultCode, detail),
      startTime: t.startTime ?? new Date().toISOString(),
      completeTime: new Date().toISOString(),
    });
  }

  /** A failed ScheduleDownload attempt: again in the same window while MaxRetries and time allow, else the next window. */
  private retryScheduled(t: Transfer, fault: { code: number; detail: string }): void {
    t.running = false;
    t.lastFault = fault;
    const slot = t.slots![t.slot]!;
    const now = performance.now();
    const retryAt = now + this.opts.limits.retryWaitMs;
    if (t.attempts < slot.retries && retryAt < t.receivedAt + slot.endMs) {
      t.attempts++;
      this.wakeAt(t, retryAt, now);
      return;
    }
    this.nextWindow(t, fault);
  }

  /**
   * On to the next usable window; after the last one the transfer fails: with the last attempt's fault, or 9020
   * when no attempt could run (every window passed, e.g. no user confirmed one).
   */
  private nextWindow(t: Transfer, fault: { code: number; detail: string } | undefined): void {
    t.running = false;
    t.slot++;
    t.attempts = 0;
    const next = t.slots![t.slot];
    if (next !== undefined) {
      this.wakeAt(t, t.receivedAt + next.startMs);
      return;
    }
    const last = fault ?? t.lastFault;
    if (last !== undefined) this.finish(t, last.code, last.detail);
    else this.finish(t, WINDOWS_MISSED, 'no time window allowed the download (no user confirmed a "4 Confirmation Needed" window)');
  }

}
