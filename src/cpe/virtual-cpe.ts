import { CwmpFault } from '../cwmp/faults.js';
import type { ChangeDuStateRequest, CwmpVersion, DuOperation, DuOpResult, ParameterValue, ScheduleDownloadRequest } from '../cwmp/messages.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { DeviceModel } from '../datamodel/device-model.js';
import { diagnosticObjects, DIAGNOSTICS_STATE, NONE_STATE, REQUESTED } from '../datamodel/diagnostic-objects.js';
import { CpesimError } from '../errors.js';
import type { ConnectionRequestTransport } from '../metrics/counters.js';
import type { CpeState, ErrorKind, SessionObserver } from '../metrics/observer.js';
import type { AcsEndpoint } from '../transport/acs-http-session.js';
import { TransportError } from '../transport/transport-error.js';
import { CpeRequestQueue, NO_CPE_REQUESTS, type QueuedCpeRequest } from './cpe-request-queue.js';
import type { CpeSnapshot } from './cpe-snapshot.js';
import { checkDiagnosticsRequest, Diagnostics, DIAGNOSTICS_COMPLETE_EVENT, touchesDiagnostics, type DiagnosticsHost } from './diagnostics.js';
import { EventQueue } from './event-queue.js';
import { DEFAULT_RETRY_MIN_WAIT_S, DEFAULT_RETRY_MULTIPLIER, retryWaitMs } from './retry-policy.js';
import type { DeviceActions } from './rpc-dispatch.js';
import { cpeInitiatedEvent, firmwareApplied, type CpeInitiatedRequest } from './cpe-initiated.js';
import { DuStateQueue } from './du-state.js';
import { DEFAULT_SESSION_LIMITS, errorKindOf, runCwmpSession, type SessionLimits } from './session.js';
import {
  DEFAULT_TRANSFER_LIMITS,
  FIRMWARE_UPGRADE_IMAGE,
  queuedTransferInfo,
  TransferQueue,
  validateUpload,
  type DownloadRequest,
  type QueuedTransferInfo,
  type TransferRequest,
  type TransferLimits,
  type TransferOutcome,
  type UploadContent,
  type UploadRequest,
} from './transfers.js';

export type { AcsEndpoint } from '../transport/acs-http-session.js';

export interface VirtualCpeOptions extends CpeSharedOptions {
  index: number;
  acs: AcsEndpoint;
  connectionRequestUrl: string;
  /**
   * The CPE asks its scheduler for a session `delayMs` from now, for work that finished between sessions
   * (a transfer completed). Never called while a session runs: then the SessionResult carries the wish.
   */
  requestSession?: (delayMs: number) => void;
}

/** What every CPE of a fleet group has in common: given once to cpeEnvironment(), shared by the CPEs. */
export interface CpeSharedOptions {
  profile: CompiledProfile;
  observer: SessionObserver;
  /** [0, 1) source for the retry jitter; Math.random by default. */
  random?: () => number;
  /** Overrides of the hostile-ACS guards (DEFAULT_SESSION_LIMITS). */
  limits?: Partial<SessionLimits>;
  /** How long a reboot keeps the CPE offline (Reboot RPC, firmware upgrade); default 3000. */
  rebootDurationMs?: number;
  /** Overrides of the file-transfer bounds (DEFAULT_TRANSFER_LIMITS). */
  transferLimits?: Partial<TransferLimits>;
  /** Parameter values the CPEs have from power-on instead of the profile's (DeviceContext.initialValues). */
  initialValues?: ReadonlyMap<string, string>;
  /** Pace of the value generators (DeviceContext.valueChangeScale; scenario `valueChanges.rateScale`). */
  valueChangeScale?: number;
  /** A user confirms "4 Confirmation Needed" ScheduleDownload windows (default: nobody does). */
  confirmDownloads?: boolean;
}

/**
 * The shared part of many CPEs, resolved once (defaults applied): a CPE holds one pointer to it instead of
 * a field per setting, which matters at a million CPEs per process.
 */
export interface CpeEnvironment {
  readonly profile: CompiledProfile;
  readonly observer: SessionObserver;
  readonly random: () => number;
  readonly limits: SessionLimits;
  readonly rebootDurationMs: number;
  readonly transferLimits: TransferLimits;
  readonly paths: ManagementPaths;
  readonly initialValues: ReadonlyMap<string, string> | undefined;
  readonly valueChangeScale: number;
  readonly confirmDownloads: boolean;
  /** As VirtualCpeOptions.requestSession, told which CPE asks (so one function serves a whole fleet). */
  readonly requestSession: ((delayMs: number, cpe: VirtualCpe) => void) | undefined;
}

/** Throws CPESIM_DATAMODEL_PATH when an initial value names no parameter of the profile. */
export function cpeEnvironment(opts: CpeSharedOptions & { requestSession?: (delayMs: number, cpe: VirtualCpe) => void }): CpeEnvironment {
  if (opts.initialValues) DeviceModel.checkInitialValues(opts.profile, opts.initialValues);
  return Object.freeze({
    profile: opts.profile,
    observer: opts.observer,
    random: opts.random ?? Math.random,
    limits: opts.limits ? { ...DEFAULT_SESSION_LIMITS, ...opts.limits } : DEFAULT_SESSION_LIMITS,
    rebootDurationMs: opts.rebootDurationMs ?? DEFAULT_REBOOT_DURATION_MS,
    transferLimits: opts.transferLimits ? { ...DEFAULT_TRANSFER_LIMITS, ...opts.transferLimits } : DEFAULT_TRANSFER_LIMITS,
    paths: managementPaths(opts.profile.root),
    initialValues: opts.initialValues,
    valueChangeScale: opts.valueChangeScale ?? 1,
    confirmDownloads: opts.confirmDownloads ?? false,
    requestSession: opts.requestSession,
  });
}

/** A CPE of a fleet: its own identity, everything else from the group's shared environment. */
export interface FleetCpeOptions {
  index: number;
  connectionRequestUrl: string;
  acs: AcsEndpoint;
  environment: CpeEnvironment;
}

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

/** The reason a power cut aborts the running session with (counted as a failed session of kind power_cut). */
function powerCut(index: number): TransportError {
  return new TransportError('power_cut', `CPE ${index} lost power during the session (power cycle)`);
}

/** TR-069 §3.7.1.5: a session carrying a TransferComplete has "7 TRANSFER COMPLETE" in its Inform. */
const TRANSFER_COMPLETE_EVENT = '7 TRANSFER COMPLETE';
/** TR-069 §3.7.1.5: a transfer the ACS did not request finished. */
const AUTONOMOUS_TRANSFER_COMPLETE_EVENT = '10 AUTONOMOUS TRANSFER COMPLETE';
/** TR-069 §3.7.1.5 / A.3.2.x ScheduleInform: the session it asked for carries both. */
const SCHEDULED_EVENT = '3 SCHEDULED';
const SCHEDULE_INFORM_EVENT = 'M ScheduleInform';
/** TR-069 §3.2.1: a parameter with notification 1 or 2 changed (not by the ACS). */
const VALUE_CHANGE_EVENT = '4 VALUE CHANGE';
/** TR-069 Amendment 6 (Annex O): a heartbeat session's Inform carries this event and no other. */
export const HEARTBEAT_EVENT = '14 HEARTBEAT';
/** TR-181 HeartbeatPolicy.ReportingInterval: minInclusive 30 seconds. */
const MIN_HEARTBEAT_INTERVAL_S = 30;

/** The events of one heartbeat Inform: a queue of their own, so the CPE's pending events wait untouched. */
function heartbeatEvents(): EventQueue {
  const q = new EventQueue();
  q.add(HEARTBEAT_EVENT);
  return q;
}

/** TR-069 §3.2.2: the session a connection request asked for carries it. */
export const CONNECTION_REQUEST_EVENT = '6 CONNECTION REQUEST';

/** One accepted ScheduleInform: due at `at` (performance.now() ms). */
interface ScheduledInform {
  at: number;
  commandKey: string;
}

// Boolean state of a CPE, packed into one field (a million CPEs: one slot instead of four).
const BOOTSTRAPPED = 1;
const RUNNING = 2;
const POWER_CUT_IN_SESSION = 4;
const STOPPED = 8;
/** A FactoryReset was answered in the running session. */
const FACTORY_RESET = 16;
/** A CPE-initiated request was queued while the session ran: the CPE wants a session after it. */
const RAISED_IN_SESSION = 32;
export const DEFAULT_REBOOT_DURATION_MS = 3000;

/** Used when the model has no (valid) PeriodicInformInterval; TR-069 leaves the default to the device. */
export const DEFAULT_PERIODIC_INFORM_INTERVAL_S = 86_400;

/** ManagementServer parameter paths, per data-model root (only two roots exist). */
interface ManagementPaths {
  retryMinWait: string;
  retryMultiplier: string;
  periodicInterval: string;
  crUsername: string;
  crPassword: string;
  activeNotificationThrottle: string;
}
const MANAGEMENT_PATHS = new Map<string, ManagementPaths>();
function managementPaths(root: string): ManagementPaths {
  let paths = MANAGEMENT_PATHS.get(root);
  if (paths === undefined) {
    const ms = `${root}.ManagementServer.`;
    paths = {
      retryMinWait: `${ms}CWMPRetryMinimumWaitInterval`,
      retryMultiplier: `${ms}CWMPRetryIntervalMultiplier`,
      periodicInterval: `${ms}PeriodicInformInterval`,
      crUsername: `${ms}ConnectionRequestUsername`,
      crPassword: `${ms}ConnectionRequestPassword`,
      activeNotificationThrottle: `${ms}DefaultActiveNotificationThrottle`,
    };
    MANAGEMENT_PATHS.set(root, paths);
  }
  return paths;
}

/** A positive integer parameter value, or the fallback. */
function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n > 0 ? n : fallback;
}

const SESSION_OK: SessionResult = Object.freeze({ ok: true });

/** Transfers not yet complete when a CPE was stopped (for its snapshot): a side table, as few CPEs have any. */
const transfersAtStop = new WeakMap<VirtualCpe, TransferRequest[]>();
/** ChangeDUStates accepted but not yet reported when a CPE was stopped (for its snapshot), like transfersAtStop. */
const duChangesAtStop = new WeakMap<VirtualCpe, ChangeDuStateRequest[]>();

/**
 * AbortControllers of sessions that ended without being aborted, for the next session of any CPE on this thread:
 * creating one (its AbortSignal) costs more CPU than a plain session's XML work, and holding one per CPE would
 * cost memory. Every request's abort listener is removed when its response ends, so a returned signal carries
 * none; an aborted controller is never returned. Bounded by the sessions that ever ran at once.
 */
const idleAbortControllers: AbortController[] = [];
const MAX_IDLE_ABORT_CONTROLLERS = 4096;

function takeAbortController(): AbortController {
  return idleAbortControllers.pop() ?? new AbortController();
}

function returnAbortController(controller: AbortController): void {
  if (!controller.signal.aborted && idleAbortControllers.length < MAX_IDLE_ABORT_CONTROLLERS) idleAbortControllers.push(controller);
}

/**
 * One simulated CPE: its data model, pending events, queued CPE requests and retry state. The
 * fleet scheduler decides when to call runSession; this class only knows how a session goes and
 * what it changes (TR-069 §3.2.1.1 RetryCount, bootstrap state, event delivery).
 * Memory: a fleet holds up to a million of these per process, so the settings shared by a group live in one
 * CpeEnvironment, rarely used parts (request queue, transfers, scheduled informs) are created on first use, and
 * no per-CPE timer exists (the power-on after a reboot or power cut is noticed when the CPE is next looked at).
 */
export class VirtualCpe implements DeviceActions, DiagnosticsHost {
  readonly index: number;
  readonly model: DeviceModel;
  private readonly env: CpeEnvironment;
  private readonly acs: AcsEndpoint;
  private readonly events = new EventQueue();
  /** Created by the first queued request: most CPEs never hold one. */
  private cpeRequests: CpeRequestQueue | undefined;
  private retries = 0;
  /** BOOTSTRAPPED | RUNNING | POWER_CUT_IN_SESSION | STOPPED | FACTORY_RESET. */
  private flags = 0;
  private sessionsStarted = 0;
  /** CommandKeys of the Reboots answered in the running session (undefined: no reboot wanted). */
  private rebootKeys: string[] | undefined;
  /** performance.now() until which the CPE is rebooting (no session can run). */
  private offlineUntil = 0;
  /** For the gauges; `offline` ends (lazily, see settlePower) once offlineUntil has passed. */
  private state: CpeState = 'booting';
  /** The running session's abort (deadline, power cut). */
  private sessionAbort: AbortController | undefined;
  /** Created on the first Download: most CPEs never hold one. */
  private transfers: TransferQueue | undefined;
  /** Transfers that finished while a session ran: applied when it ends (their events belong to the next Inform). */
  private finishedInSession: TransferOutcome[] | undefined;
  /** Created on the first ChangeDUState: most CPEs never hold one. */
  private duChanges: DuStateQueue | undefined;
  /** Accepted ScheduleInforms not yet due. */
  private scheduledInforms: ScheduledInform[] | undefined;
  /** performance.now() ms of the earliest connection request whose event is pending (NaN: none). */
  private connectionRequestAt = Number.NaN;
  /** Created by the first diagnostics request, dropped when idle: most CPEs never hold one. */
  private diagnostics: Diagnostics | undefined;
  /** How that request arrived (its latencies are also recorded per transport). */
  private connectionRequestVia: ConnectionRequestTransport = 'http';

  constructor(opts: VirtualCpeOptions | FleetCpeOptions) {
    this.index = opts.index;
    this.acs = opts.acs;
    this.env = 'environment' in opts ? opts.environment : standaloneEnvironment(opts);
    this.model = new DeviceModel(this.env.profile, {
      index: opts.index,
      connectionRequestUrl: opts.connectionRequestUrl,
      bootTimeMs: Date.now(),
      ...(this.env.initialValues !== undefined ? { initialValues: this.env.initialValues } : {}),
      valueChangeScale: this.env.valueChangeScale,
    });
    // A new device: first contact ever, and it has just booted.
    this.events.add('0 BOOTSTRAP');
    this.events.add('1 BOOT');
    this.env.observer.cpeState(undefined, this.state);
  }

  /** booting (until a session completed after power-on), online, or offline (rebooting, power-cycled). */
  get powerState(): CpeState {
    return this.settlePower();
  }

  /**
   * Brings the gauge up to date: a CPE whose reboot or power cut is over counts as booting from now on. Called
   * whenever the CPE is looked at (its scheduler wakes it when the power is back, and settles every CPE when a
   * run ends), instead of one Node timer per offline CPE (a boot storm over a million CPEs would create as many).
   */
  settlePower(): CpeState {
    if (this.state === 'offline' && this.offlineUntil <= performance.now()) this.enter('booting');
    return this.state;
  }

  /** Failed sessions since the last successful one: the Inform's RetryCount. */
  get retryCount(): number {
    return this.retries;
  }

  /** A session with this ACS has succeeded (so BOOTSTRAP was delivered). */
  get bootstrapped(): boolean {
    return (this.flags & BOOTSTRAPPED) !== 0;
  }

  get inSession(): boolean {
    return (this.flags & RUNNING) !== 0;
  }

  /** Milliseconds until the CPE is back from a reboot; 0 when it is up. */
  offlineForMs(): number {
    return Math.max(0, this.offlineUntil - performance.now());
  }

  /** Accepted file transfers not yet reported. */
  get queuedTransfers(): number {
    return this.transfers?.size ?? 0;
  }

  /** Ends the CPE's background work (transfers and their timers) so a run ends promptly; no more session requests. */
  async stop(): Promise<void> {
    this.flags |= STOPPED;
    this.diagnostics?.stop();
    // Stopping forgets the transfers; a state file still wants the ones not yet complete.
    const unfinished = this.transfers?.requests() ?? [];
    if (unfinished.length > 0) transfersAtStop.set(this, unfinished);
    const duUnfinished = this.duChanges?.requests() ?? [];
    if (duUnfinished.length > 0) duChangesAtStop.set(this, duUnfinished);
    await Promise.all([this.transfers?.stop(), this.duChanges?.stop()]);
  }

  /** Raises an event; it is pending until an InformResponse confirms an Inform carrying it. */
  addEvent(code: string, commandKey: string = ''): void {
    this.events.add(code, commandKey);
  }

  /** ManagementServer.ConnectionRequestUsername/Password as they are now (the ACS may have set them). */
  connectionRequestCredentials(): { username: string; password: string } {
    const { paths } = this.env;
    return { username: this.model.get(paths.crUsername) ?? '', password: this.model.get(paths.crPassword) ?? '' };
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
        informId: `${this.index}.${++this.sessionsStarted}`,
        limits: this.env.limits,
        abort,
        connectionRequestAt: Number.isNaN(crAt) ? undefined : crAt,
        quirks: this.env.profile.quirks,
        connectionRequestTransport: this.connectionRequestVia,
      });
      const now = performance.now();
      observer.latency('session', now - intendedStartMs, now - startedAt);
      observer.sessionCompleted();
      if (!heartbeat) {
        this.retries = 0;
        this.flags |= BOOTSTRAPPED;
      }
      // Still booting unless the power went off meanwhile (then it is offline).
      if (this.state === 'booting') this.enter('online');
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
    // A report still waiting (its session failed after the Inform) goes with its event again.
    for (const r of this.cpeRequests?.snapshot() ?? []) {
      const event = cpeInitiatedEvent(r);
      if (event !== undefined) this.events.add(event);
    }
    this.raiseDueScheduledInforms();
    // Diagnostic results are device changes: written first, so they count for "4 VALUE CHANGE" too.
    this.settleDiagnostics();
    this.model.recordGeneratedChanges(Date.now());
    if (this.model.pendingValueChange() > 0) this.events.add(VALUE_CHANGE_EVENT);
  }

  /**
   * ManagementServer.HeartbeatPolicy (TR-181 2.12+, TR-069 Annex O) when Enable is true: its ReportingInterval
   * (seconds, at least 30) and InitiationTime; undefined when disabled or the profile has no such object.
   */
  heartbeatPolicy(): { reportingIntervalS: number; initiationTime: string } | undefined {
    const enable = this.model.get(`${this.env.profile.root}.ManagementServer.HeartbeatPolicy.Enable`);
    if (enable !== 'true' && enable !== '1') return undefined;
    const interval = positiveInt(this.model.get(`${this.env.profile.root}.ManagementServer.HeartbeatPolicy.ReportingInterval`), MIN_HEARTBEAT_INTERVAL_S);
    return {
      reportingIntervalS: Math.max(MIN_HEARTBEAT_INTERVAL_S, interval),
      initiationTime: this.model.get(`${this.env.profile.root}.ManagementServer.HeartbeatPolicy.InitiationTime`) ?? '',
    };
  }

  /**
   * Cuts the power for `offlineMs` (a boot storm): a running session is aborted (failed, kind power_cut);
   * runSession answers `offline` until the power is back; then the next Inform carries "1 BOOT" and UpTime
   * restarts. Unlike a Reboot RPC there is no "M Reboot"; the configuration, pending events, queued requests
   * and accepted transfers survive. The CPE asks its scheduler for a session when the power is back.
   */
  powerCycle(offlineMs: number): void {
    if (!Number.isFinite(offlineMs) || offlineMs < 0) {
      throw new CpesimError('CPESIM_INVALID_ARGUMENT', `powerCycle: offlineMs must be a finite number >= 0, got ${offlineMs}`);
    }
    if (this.flags & STOPPED) return;
    this.restart([], offlineMs);
    if (this.flags & RUNNING) {
      this.flags |= POWER_CUT_IN_SESSION;
      this.sessionAbort?.abort(powerCut(this.index));
    } else {
      this.env.requestSession?.(offlineMs, this);
    }
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
    if (this.flags & FACTORY_RESET) {
      this.flags &= ~FACTORY_RESET;
      this.resetToFactory();
    }
    const keys = this.rebootKeys;
    if (keys !== undefined) {
      this.rebootKeys = undefined;
      this.restart(keys);
      wake = true;
    }
    this.transfers?.sessionEnded();
    this.duChanges?.sessionEnded();
    // Tests requested in the session start now (not when the run is ending).
    if (!(this.flags & STOPPED)) this.diagnostics?.sessionEnded();
    if (this.flags & RAISED_IN_SESSION) {
      this.flags &= ~RAISED_IN_SESSION;
      wake ||= this.cpeRequests !== undefined && this.cpeRequests.size > 0;
    }
    const finished = this.finishedInSession;
    if (finished !== undefined) {
      this.finishedInSession = undefined;
      for (const outcome of finished) this.applyTransferOutcome(outcome);
      wake = true;
    }
    if (this.flags & STOPPED) return result;
    const scheduledMs = this.nextScheduledInformMs();
    if (!wake && scheduledMs === undefined) return result;
    return {
      ...result,
      ...(wake ? { wakeAfterMs: this.offlineForMs() } : {}),
      ...(scheduledMs !== undefined ? { scheduledInformMs: scheduledMs } : {}),
    };
  }

  /**
   * Reboots: offline for the reboot duration, UpTime restarts when it is back, the next Inform carries
   * "1 BOOT" and one "M Reboot" per Reboot CommandKey. The configuration (the model's overlay), pending
   * events and queued requests survive.
   */
  private restart(commandKeys: readonly string[], offlineMs: number = this.env.rebootDurationMs): void {
    this.offlineUntil = performance.now() + offlineMs;
    this.model.restartedAt(Date.now() + offlineMs);
    this.diagnostics?.interrupt();
    this.events.add('1 BOOT');
    for (const key of commandKeys) this.events.add('M Reboot', key);
    this.enter('offline');
  }

  private enter(to: CpeState): void {
    if (this.state === to) return;
    this.env.observer.cpeState(this.state, to);
    this.state = to;
  }

  /** The ScheduleInforms whose time has come go into this session's Inform (TR-069 A.3.2.x). */
  private raiseDueScheduledInforms(): void {
    const list = this.scheduledInforms;
    if (list === undefined) return;
    const now = performance.now();
    const later = list.filter((s) => s.at > now);
    if (later.length === list.length) return;
    this.events.add(SCHEDULED_EVENT);
    for (const s of list) if (s.at <= now) this.events.add(SCHEDULE_INFORM_EVENT, s.commandKey);
    this.scheduledInforms = later.length > 0 ? later : undefined;
  }

  /**
   * Ms until the earliest pending ScheduleInform or diagnostic result is due (0 when overdue); undefined when
   * none is pending. Both are sessions of their own that do not replace the periodic informs.
   */
  private nextScheduledInformMs(): number | undefined {
    const diagnosticMs = this.diagnostics?.nextDueMs();
    const list = this.scheduledInforms;
    if (list === undefined) return diagnosticMs;
    let at = Infinity;
    for (const s of list) at = Math.min(at, s.at);
    return Math.min(Math.max(0, at - performance.now()), diagnosticMs ?? Infinity);
  }

  /** Diagnostics whose results are due write them now; this session's Inform then carries "8 DIAGNOSTICS COMPLETE". */
  private settleDiagnostics(): void {
    const diagnostics = this.diagnostics;
    if (diagnostics === undefined) return;
    if (diagnostics.settle() > 0) this.events.add(DIAGNOSTICS_COMPLETE_EVENT);
    if (diagnostics.idle) this.diagnostics = undefined;
  }

  // DiagnosticsHost: what the CPE's diagnostics need from it.

  /** The CPE's HTTP settings for the Download/Upload diagnostics (its file-transfer bounds and trust). */
  get http(): DiagnosticsHost['http'] {
    const { transferLimits } = this.env;
    return {
      timeoutMs: transferLimits.requestTimeoutMs,
      maxBytes: transferLimits.maxBytes,
      ...(this.acs.insecure !== undefined ? { insecure: this.acs.insecure } : {}),
      ...(this.acs.ca !== undefined ? { ca: this.acs.ca } : {}),
      ...(this.acs.localAddress !== undefined ? { localAddress: this.acs.localAddress } : {}),
    };
  }

  /** A diagnostic's results are due: a session then (during a session, afterSession reports it instead). */
  diagnosticReady(): void {
    if (this.flags & (STOPPED | RUNNING)) return;
    const dueMs = this.diagnostics?.nextDueMs();
    if (dueMs !== undefined) this.env.requestSession?.(Math.max(dueMs, this.offlineForMs()), this);
  }

  diagnosticFailed(message: string): void {
    this.env.observer.error('internal', `CPE ${this.index}: ${message}`);
  }

  /** SetParameterValues checks of the diagnostics objects (DiagnosticsState values, the inputs of a request). */
  checkParameterValues(list: readonly ParameterValue[]): void {
    checkDiagnosticsRequest(this.model, this.env.profile.root, list);
  }

  /** An applied SetParameterValues that requested, canceled or changed a diagnostic. */
  parameterValuesSet(list: readonly ParameterValue[]): void {
    const { root } = this.env.profile;
    if (!touchesDiagnostics(root, list)) return;
    (this.diagnostics ??= new Diagnostics(this, root)).acsSet(list);
  }

  // DeviceActions: the session's RPC dispatch calls these (methods, not per-CPE closures: a fleet holds many CPEs).

  /** A Reboot answered in the running session: carried out when it ends. */
  reboot(commandKey: string): void {
    (this.rebootKeys ??= []).push(commandKey);
  }

  /** A FactoryReset answered in the running session: carried out when it ends (with the reboot it implies). */
  factoryReset(): void {
    this.flags |= FACTORY_RESET;
    this.rebootKeys ??= [];
  }

  /**
   * Back to the profile (TR-069 A.4.1.6): the model's overlay (values, attributes, added/deleted instances and
   * instance counters) is gone, and so are the transfers and ScheduleInforms not yet started; the device has
   * never met the ACS, so its next Inform carries "0 BOOTSTRAP" (the reboot adds "1 BOOT"). Pending events and
   * unreported TransferCompletes stay: they describe what happened before the reset.
   */
  private resetToFactory(): void {
    // The firmware stays what it is: a factory reset restores the configuration, not an older image.
    const softwareVersion = this.env.profile.firmwareVersion === undefined ? undefined : this.model.get(this.softwareVersionPath());
    this.model.factoryReset();
    // Not a value change: a factory-fresh device has nothing to notify (its Inform carries 0 BOOTSTRAP).
    if (softwareVersion !== undefined) this.model.setInternal(this.softwareVersionPath(), softwareVersion, false);
    this.diagnostics?.stop();
    this.diagnostics = undefined;
    this.transfers?.dropWaiting();
    this.scheduledInforms = undefined;
    this.flags &= ~BOOTSTRAPPED;
    this.events.add('0 BOOTSTRAP');
  }

  /** An Upload received in the running session: validated now under the session's version, PUT after the session. */
  upload(req: UploadRequest, version: CwmpVersion): void {
    const content = validateUpload(req, version);
    this.transferQueue().acceptUpload(req, () => this.uploadBody(content));
  }

  /** Transfers not yet complete (1 waiting, 2 running), then completed ones whose TransferComplete waits (3). */
  listTransfers(): QueuedTransferInfo[] {
    const list = this.transfers?.list() ?? [];
    for (const r of this.cpeRequests?.snapshot() ?? []) {
      if (r.method === 'TransferComplete' && r.transfer !== undefined) list.push(queuedTransferInfo(r.transfer, 3));
    }
    return list;
  }

  /** CancelTransfer: a completed transfer whose report waits cannot be canceled (9021); see TransferQueue.cancel. */
  cancelTransfer(commandKey: string): void {
    if (this.listTransfers().some((t) => t.state === 3 && t.commandKey === commandKey)) {
      throw new CwmpFault(9021, `the transfer with CommandKey "${commandKey}" has completed`);
    }
    if (this.transfers === undefined) throw new CwmpFault(9003, `no queued transfer has CommandKey "${commandKey}"`);
    this.transfers.cancel(commandKey);
  }

  /**
   * The file an Upload sends, made when it starts: a configuration file is the device's parameter values, one
   * "Name=Value" line each; a log file a few generated lines (the simulator keeps no real log).
   */
  private uploadBody(content: UploadContent): string {
    if (content === 'config') {
      const values = this.model.getParameterValues([`${this.env.profile.root}.`]);
      return values.map((p) => `${p.name}=${p.value}\n`).join('');
    }
    const now = new Date().toISOString();
    const { serialNumber } = this.model.deviceId();
    return (
      `${now} cpesim[${this.index}]: device ${serialNumber} up, ${this.sessionsStarted} sessions started\n` +
      `${now} cpesim[${this.index}]: ${this.retries} session retries pending, ${this.queuedTransfers} transfers queued\n` +
      `${now} cpesim[${this.index}]: log uploaded on the ACS's request\n`
    );
  }

  /** A ScheduleInform (DelaySeconds > 0, checked by the dispatch): a session with "3 SCHEDULED" that much later. */
  scheduleInform(delaySeconds: number, commandKey: string): void {
    (this.scheduledInforms ??= []).push({ at: performance.now() + delaySeconds * 1000, commandKey });
  }

  /** A Download received in the running session: validated now (CwmpFault), started after the session. */
  download(req: DownloadRequest): void {
    this.transferQueue().accept(req);
  }

  /** A ScheduleDownload received in the running session: validated now (9003 for bad time windows), run in its windows. */
  scheduleDownload(req: ScheduleDownloadRequest): void {
    this.transferQueue().acceptScheduled(req);
  }

  /** A ChangeDUState received in the running session: validated now, carried out after the session. */
  changeDuState(req: ChangeDuStateRequest): void {
    this.duQueue().accept(req);
  }

  /** Created on the first ChangeDUState or autonomous change: most CPEs never hold one. */
  private duQueue(): DuStateQueue {
    return (this.duChanges ??= new DuStateQueue({
      model: this.model,
      root: this.env.profile.root,
      access: this.fileServerAccess(),
      onDone: (done, results, autonomous) => (autonomous ? this.autonomousDuStateChanged(done, results) : this.duStateChanged(done, results)),
    }));
  }

  /**
   * A deployment unit change the CPE makes on its own (a user or local policy; scenario `autonomousDuChanges`),
   * now: carried out like a ChangeDUState operation (real fetch), reported with AutonomousDUStateChangeComplete.
   * A device without a SoftwareModules table cannot: counted as an error, nothing changes.
   */
  autonomousDuChange(op: DuOperation): void {
    if (this.flags & STOPPED) return;
    try {
      this.duQueue().startAutonomous({ method: 'ChangeDUState', operations: [op] });
    } catch (err) {
      if (!(err instanceof CwmpFault)) throw err;
      this.env.observer.error('internal', `CPE ${this.index}: autonomous ${op.op} not possible: ${err.message}`);
    }
  }

  /**
   * An autonomous change was carried out: AutonomousDUStateChangeComplete with "12 AUTONOMOUS DU STATE CHANGE
   * COMPLETE" (cwmp-1-2+, where the message exists; an older CPE changes its units and says nothing).
   */
  private autonomousDuStateChanged(req: ChangeDuStateRequest, results: DuOpResult[]): void {
    if (this.flags & STOPPED || this.env.profile.cwmpVersion < 2) return;
    const op = req.operations[0]!.op;
    this.raiseCpeInitiated({ method: 'AutonomousDUStateChangeComplete', results: results.map((r) => ({ ...r, operationPerformed: op })) });
  }

  /**
   * A download the CPE makes on its own (a user or local policy started it) `delayMs` from now: reported with
   * AutonomousTransferComplete and "10 AUTONOMOUS TRANSFER COMPLETE" (cwmp-1-1+: a cwmp-1-0 CPE has no such
   * message, so it downloads and says nothing); a firmware image is applied like a requested one.
   */
  autonomousDownload(req: DownloadRequest, delayMs: number): void {
    if (this.flags & STOPPED) return;
    this.transferQueue().startAutonomous(req, delayMs);
  }

  /**
   * The CPE asks the ACS for a file (RequestDownload, A.4.2.2): queued with "9 REQUEST DOWNLOAD" for a session
   * the CPE asks for now.
   */
  requestDownload(fileType: string, fileTypeArg: { name: string; value: string }[]): void {
    if (this.flags & STOPPED) return;
    this.raiseCpeInitiated({ method: 'RequestDownload', fileType, fileTypeArg });
  }

  /** Queues a CPE-initiated request with its events and asks for a session (unless one runs: it will carry it). */
  private raiseCpeInitiated(req: CpeInitiatedRequest, commandKeyEvent?: { code: string; commandKey: string }): void {
    this.queueCpeRequest(req);
    this.events.add(cpeInitiatedEvent(req)!);
    if (commandKeyEvent) this.events.add(commandKeyEvent.code, commandKeyEvent.commandKey);
    // During a session the report may miss it (its Inform is gone): a session of its own follows (afterSession).
    if (this.flags & RUNNING) this.flags |= RAISED_IN_SESSION;
    else this.env.requestSession?.(this.offlineForMs(), this);
  }

  /** A ChangeDUState was carried out: DUStateChangeComplete with "11 DU STATE CHANGE COMPLETE" + "M ChangeDUState". */
  private duStateChanged(req: ChangeDuStateRequest, results: DuOpResult[]): void {
    if (this.flags & STOPPED) return;
    this.raiseCpeInitiated(
      { method: 'DUStateChangeComplete', results, ...(req.commandKey !== undefined ? { commandKey: req.commandKey } : {}) },
      { code: 'M ChangeDUState', commandKey: req.commandKey ?? '' },
    );
  }

  private fileServerAccess() {
    return {
      limits: this.env.transferLimits,
      ...(this.acs.insecure !== undefined ? { insecure: this.acs.insecure } : {}),
      ...(this.acs.ca !== undefined ? { ca: this.acs.ca } : {}),
      ...(this.acs.localAddress !== undefined ? { localAddress: this.acs.localAddress } : {}),
    };
  }

  private softwareVersionPath(): string {
    return `${this.env.profile.root}.DeviceInfo.SoftwareVersion`;
  }

  /** Created on the first transfer: most CPEs never hold one. */
  private transferQueue(): TransferQueue {
    return (this.transfers ??= new TransferQueue({
      ...this.fileServerAccess(),
      userConfirms: this.env.confirmDownloads,
      onDone: (outcome) => this.transferDone(outcome),
    }));
  }

  private transferDone(outcome: TransferOutcome): void {
    if (this.flags & STOPPED) return;
    if (this.flags & RUNNING) {
      (this.finishedInSession ??= []).push(outcome);
      return;
    }
    this.applyTransferOutcome(outcome);
    this.env.requestSession?.(this.offlineForMs(), this);
  }

  /**
   * Queues the report with its events (TransferComplete + "7 TRANSFER COMPLETE" + "M <Method>", or for a transfer
   * of its own AutonomousTransferComplete + "10 AUTONOMOUS TRANSFER COMPLETE"); a successful firmware image takes the
   * profile's new SoftwareVersion and reboots the CPE (the next Inform also carries "1 BOOT").
   */
  private applyTransferOutcome(o: TransferOutcome): void {
    const fault = { faultCode: o.faultCode, faultString: o.faultString };
    if (o.autonomous) {
      // cwmp-1-0 has no AutonomousTransferComplete: such a CPE keeps the transfer to itself.
      if (this.env.profile.cwmpVersion >= 1 && o.req.method !== 'Upload') {
        this.queueCpeRequest({
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
        this.events.add(AUTONOMOUS_TRANSFER_COMPLETE_EVENT);
      }
    } else {
      this.queueCpeRequest({ method: 'TransferComplete', commandKey: o.req.commandKey, fault, startTime: o.startTime, completeTime: o.completeTime, transfer: o.req });
      this.events.add(TRANSFER_COMPLETE_EVENT);
      this.events.add(`M ${o.req.method}`, o.req.commandKey);
    }
    if (o.faultCode === 0 && o.req.fileType === FIRMWARE_UPGRADE_IMAGE && o.req.method !== 'Upload') {
      const version = firmwareApplied(this.env.profile.firmwareVersion, o.req);
      if (version !== undefined && this.model.get(this.softwareVersionPath()) !== undefined) this.model.setInternal(this.softwareVersionPath(), version);
      this.restart([]);
    }
  }

  /**
   * What a state file keeps of this CPE (see CpeSnapshot). Taken when the run is over: a "6 CONNECTION
   * REQUEST" is not kept (the request was for that run), and running transfers are kept as not yet started.
   */
  snapshotState(): CpeSnapshot {
    const events = this.events.snapshot().filter((e) => e.code !== CONNECTION_REQUEST_EVENT);
    const cpeRequests = this.cpeRequests?.snapshot() ?? [];
    const transfers = transfersAtStop.get(this) ?? this.transfers?.requests() ?? [];
    const duChanges = duChangesAtStop.get(this) ?? this.duChanges?.requests() ?? [];
    const now = performance.now();
    const epoch = Date.now();
    return {
      bootstrapped: this.bootstrapped,
      model: this.model.snapshotState(),
      ...(events.length > 0 ? { events } : {}),
      ...(cpeRequests.length > 0 ? { cpeRequests } : {}),
      ...(transfers.length > 0 ? { transfers } : {}),
      ...(duChanges.length > 0 ? { duChanges } : {}),
      ...(this.scheduledInforms ? { scheduledInforms: this.scheduledInforms.map((x) => ({ commandKey: x.commandKey, atEpochMs: epoch + x.at - now })) } : {}),
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
    for (const req of s.transfers ?? []) {
      try {
        if (req.method === 'Download') this.download(req);
        // Its time windows count again from the restore (they were relative to the request).
        else if (req.method === 'ScheduleDownload') this.scheduleDownload(req);
        // Validated when the ACS sent it; the newest version's FileTypes include every older one's.
        else this.upload(req, 4);
      } catch (err) {
        this.env.observer.error('internal', `CPE ${this.index}: saved ${req.method} "${req.commandKey}" not restored: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const req of s.duChanges ?? []) {
      try {
        // Carried out (again) after the first session: a change cut off halfway may then fault on what it already did.
        this.changeDuState(req);
      } catch (err) {
        this.env.observer.error('internal', `CPE ${this.index}: saved ChangeDUState "${req.commandKey ?? ''}" not restored: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const now = performance.now();
    const epoch = Date.now();
    for (const x of s.scheduledInforms ?? []) (this.scheduledInforms ??= []).push({ at: now + x.atEpochMs - epoch, commandKey: x.commandKey });
    for (const o of diagnosticObjects(this.env.profile.root)) {
      if (this.model.get(o.path + DIAGNOSTICS_STATE) === REQUESTED) this.model.setInternal(o.path + DIAGNOSTICS_STATE, NONE_STATE);
    }
  }

  /** The wait before the next retry for the current retryCount (0 when the last session succeeded). */
  retryDelayMs(): number {
    const { paths, random } = this.env;
    const m = positiveInt(this.model.get(paths.retryMinWait), DEFAULT_RETRY_MIN_WAIT_S);
    const k = positiveInt(this.model.get(paths.retryMultiplier), DEFAULT_RETRY_MULTIPLIER);
    return retryWaitMs(this.retries, random, m, k);
  }

  /**
   * ManagementServer.DefaultActiveNotificationThrottle in ms: the least time from the end of the last
   * successful session to a session made only to deliver an active notification (0: none, or no such parameter).
   */
  activeNotificationThrottleMs(): number {
    return positiveInt(this.model.get(this.env.paths.activeNotificationThrottle), 0) * 1000;
  }

  /** ManagementServer.PeriodicInformInterval in seconds. */
  periodicInformIntervalS(): number {
    return positiveInt(this.model.get(this.env.paths.periodicInterval), DEFAULT_PERIODIC_INFORM_INTERVAL_S);
  }
}

/** The environment of a CPE built from its own options (tests, single CPEs): nothing shared with others. */
function standaloneEnvironment(opts: VirtualCpeOptions): CpeEnvironment {
  const ask = opts.requestSession;
  // The caller's callback gets the delay alone, as VirtualCpeOptions promises.
  return cpeEnvironment({ ...opts, ...(ask !== undefined ? { requestSession: (delayMs: number) => ask(delayMs) } : {}) });
}
