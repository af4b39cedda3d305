import type { ChangeDuStateRequest, CwmpVersion, DuOperation, ParameterValue, ScheduleDownloadRequest } from '../cwmp/messages.js';
import type { ConnectionRequestTransport } from '../metrics/counters.js';
import type { ErrorKind } from '../metrics/observer.js';
import type { AcsEndpoint } from '../transport/acs-http-session.js';
import { TransportError } from '../transport/transport-error.js';
import { returnAbortController, takeAbortController } from './abort-controller-pool.js';
import { diagnosticsSet, settleDiagnostics } from './cpe-diagnostics.js';
import { CpeDuChanges } from './cpe-du-changes.js';
import { standaloneEnvironment, type FleetCpeOptions, type VirtualCpeOptions } from './cpe-environment.js';
import { cpeInitiatedEvent, reannounceWaitingRequests, type CpeInitiatedRequest } from './cpe-initiated.js';
import { BOOTSTRAPPED, POWER_CUT_IN_SESSION, powerCut, PoweredCpe, RAISED_IN_SESSION, RUNNING, STOPPED } from './cpe-power.js';
import { CpeRequestQueue, NO_CPE_REQUESTS, type QueuedCpeRequest } from './cpe-request-queue.js';
import { reacceptSaved, type CpeSnapshot } from './cpe-snapshot.js';
import { cancelTransfer, CpeTransfers, listTransfers, reacceptTransfer } from './cpe-transfers.js';
import { checkDiagnosticsRequest, forgetRequestedDiagnostics, type Diagnostics } from './diagnostics.js';
import { EventQueue } from './event-queue.js';
import * as management from './management-server.js';
import type { DeviceActions } from './rpc-dispatch.js';
import { nextScheduledInformMs, raiseDueScheduledInforms, restoreScheduledInforms, scheduledInformsSnapshot, type ScheduledInform } from './scheduled-informs.js';
import { errorKindOf, runCwmpSession } from './session.js';
import { sessionQuirkRandom } from '../quirks/quirk-random.js';
import { cpeDraw, DRAW_STREAM } from '../random.js';
import { validateUpload, type DownloadRequest, type QueuedTransferInfo, type UploadRequest } from './transfers.js';
import { CONNECTION_REQUEST_EVENT } from '../cwmp/event-codes.js';

export type { AcsEndpoint } from '../transport/acs-http-session.js';
// Declared here before the CPE's concerns got modules of their own: importers keep these names.
export {
  cpeEnvironment,
  DEFAULT_REBOOT_DURATION_MS,
  type CpeEnvironment,
  type CpeSharedOptions,
  type FleetCpeOptions,
  type VirtualCpeOptions,
} from './cpe-environment.js';
export { DEFAULT_PERIODIC_INFORM_INTERVAL_S } from './management-server.js';

export interface SessionResult {
  ok: boolean;
  errorKind?: ErrorKind;
  /** From a 503's Retry-After. */
  retryAfterMs?: number;
  /**
   * The CPE wants its next session this many ms from now, instead of the periodic one: it rebooted (the
   * wait is the reboot), or a transfer finished during the session.
   */
  wakeAfterMs?: number;
  /** No session ran: the CPE is offline (rebooting, power-cycled) for wakeAfterMs more. Nothing was counted. */
  offline?: true;
  /**
   * A ScheduleInform is pending: its session is due this many ms from now (the earliest one). Unlike
   * wakeAfterMs it does not replace the periodic informs: the scheduler runs whichever comes first.
   */
  scheduledInformMs?: number;
}

/** TR-069 §3.2.1: a parameter with notification 1 or 2 changed (not by the ACS). */
const VALUE_CHANGE_EVENT = '4 VALUE CHANGE';
/** TR-069 Amendment 6 (Annex O): a heartbeat session's Inform carries this event and no other. */
export const HEARTBEAT_EVENT = '14 HEARTBEAT';

/** The events of one heartbeat Inform: a queue of their own, so the CPE's pending events wait untouched. */
function heartbeatEvents(): EventQueue {
  const q = new EventQueue();
  q.add(HEARTBEAT_EVENT);
  return q;
}

const SESSION_OK: SessionResult = Object.freeze({ ok: true });

/**
 * One simulated CPE: its data model, pending events, queued CPE requests and retry state. The
 * fleet scheduler decides when to call runSession; this class only knows how a session goes and
 * what it changes (TR-069 §3.2.1.1 RetryCount, bootstrap state, event delivery).
 * Memory: a fleet holds up to a million of these per process, so the settings shared by a group live in one
 * CpeEnvironment, rarely used parts (request queue, transfers, scheduled informs) are created on first use, and
 * no per-CPE timer exists (the power-on after a reboot or power cut is noticed when the CPE is next looked at).
 * What each feature does lives in its own module (power in the PoweredCpe base class; cpe-transfers,
 * cpe-du-changes, cpe-diagnostics, scheduled-informs, management-server, cpe-snapshot): this class holds their
 * state, runs the sessions and delegates.
 */
export class VirtualCpe extends PoweredCpe implements DeviceActions {
  readonly acs: AcsEndpoint;
  /** Created by the first queued request: most CPEs never hold one. */
  private cpeRequests: CpeRequestQueue | undefined;
  private retries = 0;
  private sessionsStarted = 0;
  /** Created on the first transfer: most CPEs never hold one. */
  private transfers: CpeTransfers | undefined;
  /** Created on the first ChangeDUState or autonomous change: most CPEs never hold one. */
  private duChanges: CpeDuChanges | undefined;
  /** Accepted ScheduleInforms not yet due. */
  private scheduledInforms: ScheduledInform[] | undefined;
  /** performance.now() ms of the earliest connection request whose event is pending (NaN: none). */
  private connectionRequestAt = Number.NaN;
  /** Created by the first diagnostics request, dropped when idle: most CPEs never hold one. */
  private diagnostics: Diagnostics | undefined;
  /** How that request arrived (its latencies are also recorded per transport). */
  private connectionRequestVia: ConnectionRequestTransport = 'http';

  constructor(opts: VirtualCpeOptions | FleetCpeOptions) {
    super(opts.index, 'environment' in opts ? opts.environment : standaloneEnvironment(opts), opts.connectionRequestUrl);
    this.acs = opts.acs;
  }

  /** Through the environment, which tells the fleet's scheduler which CPE asks. */
  protected override requestSession(delayMs: number): void {
    this.env.requestSession?.(delayMs, this);
  }

  /** Failed sessions since the last successful one: the Inform's RetryCount. */
  get retryCount(): number {
    return this.retries;
  }

  /** Sessions started since this CPE was created (an uploaded log says so). */
  get sessionCount(): number {
    return this.sessionsStarted;
  }

  /** Accepted file transfers not yet reported. */
  get queuedTransfers(): number {
    return this.transfers?.size ?? 0;
  }

  /**
   * Ends the CPE's background work (transfers and their timers) so a run ends promptly; no more session requests.
   * A promise only when transfers or DU changes have work to wind down: a fleet stops all its CPEs at once, and a
   * promise each was ~60 MB of garbage per 50,000 CPEs at shutdown.
   */
  stop(): Promise<void> | undefined {
    this.flags |= STOPPED;
    this.diagnostics?.stop();
    if (this.transfers === undefined && this.duChanges === undefined) return undefined;
    // Stopping forgets the transfers and DU changes; each keeps the unfinished ones for a state file.
    return Promise.all([this.transfers?.stop(), this.duChanges?.stop()]).then(() => undefined);
  }

  /** Raises an event; it is pending until an InformResponse confirms an Inform carrying it. */
  addEvent(code: string, commandKey: string = ''): void {
    this.events.add(code, commandKey);
  }

  /** ManagementServer.ConnectionRequestUsername/Password as they are now (the ACS may have set them). */
  connectionRequestCredentials(): { username: string; password: string } {
    return management.connectionRequestCredentials(this.model, this.env.paths);
  }

  /**
   * An authenticated connection request (its scheduler decided it is accepted): "6 CONNECTION REQUEST" goes into
   * the next Inform, and that session reports its latencies from `receivedAt` (performance.now() ms). Several
   * requests before that Inform are one event, measured from the first.
   */
  connectionRequested(receivedAt: number, transport: ConnectionRequestTransport = 'http'): void {
    this.events.add(CONNECTION_REQUEST_EVENT);
    if (Number.isNaN(this.connectionRequestAt)) {
      this.connectionRequestAt = receivedAt;
      this.connectionRequestVia = transport;
    }
  }

  /** `<root>.ManagementServer.<name>` as it is now (e.g. ConnReqAllowedJabberIDs); undefined when the profile lacks it. */
  managementValue(name: string): string | undefined {
    return this.model.get(`${this.env.profile.root}.ManagementServer.${name}`);
  }

  /**
   * The device itself sets `<root>.ManagementServer.<name>` (ConnReqJabberID once its XMPP login is up): a device
   * change (DeviceModel.setInternal) that its notification reports in the next Inform; whoever made it asks the
   * fleet to look (Fleet.deviceChanged) for an active notification. `notify` false: a power-on value, no change.
   */
  setManagementValue(name: string, value: string, notify: boolean = true): void {
    this.model.setInternal(`${this.env.profile.root}.ManagementServer.${name}`, value, notify);
  }

  /** Queues a CPE → ACS request for the next session(s), until the ACS acknowledges it. */
  queueCpeRequest(req: QueuedCpeRequest): void {
    (this.cpeRequests ??= new CpeRequestQueue()).add(req);
  }

  /**
   * Runs one session; never throws. `intendedStartMs` (performance.now() ms) is when it was due. A `heartbeat`
   * session (TR-069 Annex O) informs "14 HEARTBEAT" alone with the forced parameters only: pending events, value
   * changes, queued requests and a connection request wait for a normal session; it neither resets nor counts
   * the retries (a heartbeat is not retried: the next one comes at the next interval).
   */
  async runSession(intendedStartMs: number, heartbeat: boolean = false): Promise<SessionResult> {
    const { observer } = this.env;
    if (this.flags & RUNNING) {
      // A scheduler bug, not an ACS problem: report it, leave the retry state alone.
      observer.sessionFailed('internal', `CPE ${this.index}: runSession while a session is running`);
      return { ok: false, errorKind: 'internal' };
    }
    const offlineMs = this.offlineForMs();
    if (offlineMs > 0) return { ok: false, offline: true, wakeAfterMs: offlineMs };
    this.settlePower();
    this.flags |= RUNNING;
    if (!heartbeat) this.prepareInformEvents();
    observer.sessionStarted();
    const startedAt = performance.now();
    const abort = takeAbortController();
    this.sessionAbort = abort;
    // This Inform carries the pending connection request; a request arriving during the session is the next one's.
    const crAt = heartbeat ? Number.NaN : this.connectionRequestAt;
    if (!heartbeat) this.connectionRequestAt = Number.NaN;
    const session = ++this.sessionsStarted;
    try {
      await runCwmpSession({
        acs: this.acs,
        model: this.model,
        actions: this,
        events: heartbeat ? heartbeatEvents() : this.events,
        cpeRequests: heartbeat ? NO_CPE_REQUESTS : (this.cpeRequests ?? NO_CPE_REQUESTS),
        forcedParametersOnly: heartbeat,
        observer,
        cwmpVersion: this.env.profile.cwmpVersion,
        retryCount: this.retries,
        intendedStartMs,
        informId: `${this.index}.${session}`,
        limits: this.env.limits,
        abort,
        connectionRequestAt: Number.isNaN(crAt) ? undefined : crAt,
        quirks: this.env.profile.quirks,
        quirkRandom: sessionQuirkRandom(this.env.profile.quirks, this.env.seed, this.index, session),
        connectionRequestTransport: this.connectionRequestVia,
        parser: this.env.acsMessages,
      });
      const now = performance.now();
      observer.latency('session', now - intendedStartMs, now - startedAt);
      observer.sessionCompleted();
      if (!heartbeat) {
        this.retries = 0;
        this.flags |= BOOTSTRAPPED;
      }
      this.reachedAcs();
      return this.afterSession(SESSION_OK);
    } catch (err) {
      if (this.flags & POWER_CUT_IN_SESSION) {
        // Whatever the abort surfaced as, the simulator cut the session: no ACS error, no retry wait.
        const cut = powerCut(this.index);
        observer.sessionFailed(cut.kind, cut.message);
        return this.afterSession({ ok: false, errorKind: cut.kind });
      }
      const kind = errorKindOf(err);
      observer.sessionFailed(kind, err instanceof Error ? err.message : String(err));
      if (!heartbeat) this.retries++;
      const retryAfterMs = err instanceof TransportError ? err.retryAfterMs : undefined;
      return this.afterSession(retryAfterMs === undefined ? { ok: false, errorKind: kind } : { ok: false, errorKind: kind, retryAfterMs });
    } finally {
      // Not delivered (no InformResponse): the event is pending again, so is the time it was received (unless a
      // newer request during the session set its own).
      if (!Number.isNaN(crAt) && Number.isNaN(this.connectionRequestAt) && this.events.has(CONNECTION_REQUEST_EVENT)) this.connectionRequestAt = crAt;
      this.flags &= ~(RUNNING | POWER_CUT_IN_SESSION);
      this.sessionAbort = undefined;
      returnAbortController(abort);
    }
  }

  /** The events a normal session's Inform carries besides the pending ones: reports waiting, ScheduleInforms and diagnostics due, value changes. */
  private prepareInformEvents(): void {
    reannounceWaitingRequests(this.cpeRequests, this.events);
    if (this.scheduledInforms !== undefined) this.scheduledInforms = raiseDueScheduledInforms(this.scheduledInforms, this.events);
    // Diagnostic results are device changes: written first, so they count for "4 VALUE CHANGE" too.
    if (this.diagnostics !== undefined) this.diagnostics = settleDiagnostics(this.diagnostics, this.events);
    this.model.recordGeneratedChanges(Date.now());
    if (this.model.pendingValueChange() > 0) this.events.add(VALUE_CHANGE_EVENT);
  }

  /** ManagementServer.HeartbeatPolicy when enabled (see management-server.ts heartbeatPolicy). */
  heartbeatPolicy(): { reportingIntervalS: number; initiationTime: string } | undefined {
    return management.heartbeatPolicy(this.model, this.env.profile.root);
  }

  /**
   * What the session left to do once it ended (clean or not: a CPE that answered Reboot reboots either way):
   * the reboot, starting the transfers it accepted, applying transfers that finished meanwhile; and when the
   * next ScheduleInform is due.
   */
  private afterSession(result: SessionResult): SessionResult {
    this.flags &= ~RUNNING;
    // A power cut during the session: come back when the power is.
    let wake = (this.flags & POWER_CUT_IN_SESSION) !== 0;
    if (this.restartAsAnswered()) wake = true;
    this.transfers?.sessionEnded();
    this.duChanges?.sessionEnded();
    // Tests requested in the session start now (not when the run is ending).
    if (!(this.flags & STOPPED)) this.diagnostics?.sessionEnded();
    if (this.flags & RAISED_IN_SESSION) {
      this.flags &= ~RAISED_IN_SESSION;
      wake ||= this.cpeRequests !== undefined && this.cpeRequests.size > 0;
    }
    // Transfers that finished during the session: their reports (and a firmware reboot) come now.
    if (this.transfers?.applyFinishedInSession()) wake = true;
    if (this.flags & STOPPED) return result;
    const scheduledMs = nextScheduledInformMs(this.scheduledInforms, this.diagnostics?.nextDueMs());
    if (!wake && scheduledMs === undefined) return result;
    return {
      ...result,
      ...(wake ? { wakeAfterMs: this.offlineForMs() } : {}),
      ...(scheduledMs !== undefined ? { scheduledInformMs: scheduledMs } : {}),
    };
  }

  /** A reboot (Reboot RPC, firmware, power cut) ends the diagnostics requested or running. */
  override restart(commandKeys: readonly string[], offlineMs?: number): void {
    super.restart(commandKeys, offlineMs);
    this.diagnostics?.interrupt();
  }

  /** A factory reset also forgets the diagnostics, the transfers not yet started and the ScheduleInforms. */
  protected override resetToFactory(): void {
    super.resetToFactory();
    this.diagnostics?.stop();
    this.diagnostics = undefined;
    this.transfers?.dropWaiting();
    this.scheduledInforms = undefined;
  }

  // DeviceActions: the session's RPC dispatch calls these (methods, not per-CPE closures: a fleet holds many CPEs).
  // Reboot and FactoryReset: PoweredCpe.

  /** SetParameterValues checks of the diagnostics objects (DiagnosticsState values, the inputs of a request). */
  checkParameterValues(list: readonly ParameterValue[]): void {
    checkDiagnosticsRequest(this.model, this.env.profile.root, list);
  }

  /** An applied SetParameterValues that requested, canceled or changed a diagnostic. */
  parameterValuesSet(list: readonly ParameterValue[]): void {
    this.diagnostics = diagnosticsSet(this, this.diagnostics, list);
  }

  /** A ScheduleInform (DelaySeconds > 0, checked by the dispatch): a session with "3 SCHEDULED" that much later. */
  scheduleInform(delaySeconds: number, commandKey: string): void {
    (this.scheduledInforms ??= []).push({ at: performance.now() + delaySeconds * 1000, commandKey });
  }

  /** A Download received in the running session: validated now (CwmpFault), started after the session. */
  download(req: DownloadRequest): void {
    this.fileTransfers().download(req);
  }

  /** A ScheduleDownload received in the running session: validated now (9003 for bad time windows), run in its windows. */
  scheduleDownload(req: ScheduleDownloadRequest): void {
    this.fileTransfers().scheduleDownload(req);
  }

  /** An Upload received in the running session: validated now under the session's version, PUT after the session. */
  upload(req: UploadRequest, version: CwmpVersion): void {
    const content = validateUpload(req, version);
    this.fileTransfers().upload(req, content);
  }

  /** Transfers not yet complete (1 waiting, 2 running), then completed ones whose TransferComplete waits (3). */
  listTransfers(): QueuedTransferInfo[] {
    return listTransfers(this.transfers, this.cpeRequests);
  }

  /** CancelTransfer: a completed transfer whose report waits cannot be canceled (9021); see TransferQueue.cancel. */
  cancelTransfer(commandKey: string): void {
    cancelTransfer(this.transfers, this.cpeRequests, commandKey);
  }

  /** A ChangeDUState received in the running session: validated now, carried out after the session. */
  changeDuState(req: ChangeDuStateRequest): void {
    this.duOperations().accept(req);
  }

  /**
   * A deployment unit change the CPE makes on its own (a user or local policy; scenario `autonomousDuChanges`),
   * now: carried out like a ChangeDUState operation (real fetch), reported with AutonomousDUStateChangeComplete.
   * A device without a SoftwareModules table cannot: counted as an error, nothing changes.
   */
  autonomousDuChange(op: DuOperation): void {
    if (!(this.flags & STOPPED)) this.duOperations().startAutonomous(op);
  }

  /**
   * A download the CPE makes on its own (a user or local policy started it) `delayMs` from now: reported with
   * AutonomousTransferComplete and "10 AUTONOMOUS TRANSFER COMPLETE" (cwmp-1-1+: a cwmp-1-0 CPE has no such
   * message, so it downloads and says nothing); a firmware image is applied like a requested one.
   */
  autonomousDownload(req: DownloadRequest, delayMs: number): void {
    if (!(this.flags & STOPPED)) this.fileTransfers().autonomousDownload(req, delayMs);
  }

  /** Created on the first transfer: most CPEs never hold one. */
  private fileTransfers(): CpeTransfers {
    return (this.transfers ??= new CpeTransfers(this));
  }

  private duOperations(): CpeDuChanges {
    return (this.duChanges ??= new CpeDuChanges(this));
  }

  /**
   * The CPE asks the ACS for a file (RequestDownload, A.4.2.2): queued with "9 REQUEST DOWNLOAD" for a session
   * the CPE asks for now.
   */
  requestDownload(fileType: string, fileTypeArg: { name: string; value: string }[]): void {
    if (this.flags & STOPPED) return;
    this.raiseCpeInitiated({ method: 'RequestDownload', fileType, fileTypeArg });
  }

  /**
   * Queues a CPE-initiated request with its events and asks for a session (unless one runs: it will carry it).
   * Also how CpeDuChanges reports a change carried out.
   */
  raiseCpeInitiated(req: CpeInitiatedRequest, commandKeyEvent?: { code: string; commandKey: string }): void {
    this.queueCpeRequest(req);
    this.events.add(cpeInitiatedEvent(req)!);
    if (commandKeyEvent) this.events.add(commandKeyEvent.code, commandKeyEvent.commandKey);
    // During a session the report may miss it (its Inform is gone): a session of its own follows (afterSession).
    if (this.flags & RUNNING) this.flags |= RAISED_IN_SESSION;
    else this.requestSession(this.offlineForMs());
  }

  /**
   * What a state file keeps of this CPE (see CpeSnapshot). Taken when the run is over: a "6 CONNECTION
   * REQUEST" is not kept (the request was for that run), and running transfers are kept as not yet started.
   */
  snapshotState(): CpeSnapshot {
    const events = this.events.snapshot().filter((e) => e.code !== CONNECTION_REQUEST_EVENT);
    const cpeRequests = this.cpeRequests?.snapshot() ?? [];
    const transfers = this.transfers?.requests() ?? [];
    const duChanges = this.duChanges?.requests() ?? [];
    return {
      bootstrapped: this.bootstrapped,
      model: this.model.snapshotState(),
      ...(events.length > 0 ? { events } : {}),
      ...(cpeRequests.length > 0 ? { cpeRequests } : {}),
      ...(transfers.length > 0 ? { transfers } : {}),
      ...(duChanges.length > 0 ? { duChanges } : {}),
      ...(this.scheduledInforms ? { scheduledInforms: scheduledInformsSnapshot(this.scheduledInforms) } : {}),
    };
  }

  /**
   * Makes a new CPE (before its first session) the device a snapshot describes, powered on again: its overlay is
   * back, it informs "1 BOOT" with the events it had not delivered ("0 BOOTSTRAP" only if it never reached the
   * ACS), and its queued requests, transfers and ScheduleInforms are pending again. A diagnostic that was
   * requested or running is gone (DiagnosticsState None, as after a reboot). Throws CPESIM_STATE_MISMATCH
   * (the model's check) before changing anything when the snapshot does not fit the profile.
   */
  restoreState(s: CpeSnapshot): void {
    this.model.restoreState(s.model);
    this.events.take();
    this.events.confirm();
    for (const e of s.events ?? []) this.events.add(e.code, e.commandKey);
    if (!s.bootstrapped) this.events.add('0 BOOTSTRAP');
    this.events.add('1 BOOT');
    if (s.bootstrapped) this.flags |= BOOTSTRAPPED;
    for (const req of s.cpeRequests ?? []) this.queueCpeRequest(req);
    const { observer } = this.env;
    reacceptSaved(s.transfers, (req) => reacceptTransfer(this, req), (req) => `${req.method} "${req.commandKey}"`, observer, this.index);
    // Carried out (again) after the first session: a change cut off halfway may then fault on what it already did.
    reacceptSaved(s.duChanges, (req) => this.changeDuState(req), (req) => `ChangeDUState "${req.commandKey ?? ''}"`, observer, this.index);
    this.scheduledInforms = restoreScheduledInforms(this.scheduledInforms, s.scheduledInforms);
    forgetRequestedDiagnostics(this.model, this.env.profile.root);
  }

  /** The wait before the next retry for the current retryCount (0 when the last session succeeded). */
  retryDelayMs(): number {
    // This CPE's own draw for its latest session: the same seed waits the same, whatever the shard layout.
    const draw = cpeDraw(this.env.seed, DRAW_STREAM.retry, this.index, this.sessionsStarted);
    return management.retryDelayMs(this.model, this.env.paths, this.retries, draw);
  }

  /**
   * ManagementServer.DefaultActiveNotificationThrottle in ms: the least time from the end of the last
   * successful session to a session made only to deliver an active notification (0: none, or no such parameter).
   */
  activeNotificationThrottleMs(): number {
    return management.activeNotificationThrottleMs(this.model, this.env.paths);
  }

  /** ManagementServer.PeriodicInformInterval in seconds. */
  periodicInformIntervalS(): number {
    return management.periodicInformIntervalS(this.model, this.env.paths);
  }
}
