import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { DeviceModel } from '../datamodel/device-model.js';
import { CpesimError } from '../errors.js';
import type { CpeState, ErrorKind, SessionObserver } from '../metrics/observer.js';
import type { AcsEndpoint } from '../transport/acs-http-session.js';
import { TransportError } from '../transport/transport-error.js';
import { CpeRequestQueue, type QueuedCpeRequest } from './cpe-request-queue.js';
import { EventQueue } from './event-queue.js';
import { DEFAULT_RETRY_MIN_WAIT_S, DEFAULT_RETRY_MULTIPLIER, retryWaitMs } from './retry-policy.js';
import type { DeviceActions } from './rpc-dispatch.js';
import { DEFAULT_SESSION_LIMITS, errorKindOf, runCwmpSession, type SessionLimits } from './session.js';
import {
  DEFAULT_TRANSFER_LIMITS,
  FIRMWARE_UPGRADE_IMAGE,
  TransferQueue,
  type DownloadRequest,
  type TransferLimits,
  type TransferOutcome,
} from './transfers.js';

export type { AcsEndpoint } from '../transport/acs-http-session.js';

export interface VirtualCpeOptions {
  index: number;
  profile: CompiledProfile;
  acs: AcsEndpoint;
  observer: SessionObserver;
  connectionRequestUrl: string;
  /** [0, 1) source for the retry jitter; Math.random by default. */
  random?: () => number;
  /** Overrides of the hostile-ACS guards (DEFAULT_SESSION_LIMITS). */
  limits?: Partial<SessionLimits>;
  /** How long a reboot keeps the CPE offline (Reboot RPC, firmware upgrade); default 3000. */
  rebootDurationMs?: number;
  /** Overrides of the file-transfer bounds (DEFAULT_TRANSFER_LIMITS). */
  transferLimits?: Partial<TransferLimits>;
  /**
   * The CPE asks its scheduler for a session `delayMs` from now, for work that finished between sessions
   * (a transfer completed). Never called while a session runs: then the SessionResult carries the wish.
   */
  requestSession?: (delayMs: number) => void;
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
}

/** The reason a power cut aborts the running session with (counted as a failed session of kind power_cut). */
function powerCut(index: number): TransportError {
  return new TransportError('power_cut', `CPE ${index} lost power during the session (power cycle)`);
}

/** TR-069 §3.7.1.5: a session carrying a TransferComplete has "7 TRANSFER COMPLETE" in its Inform. */
const TRANSFER_COMPLETE_EVENT = '7 TRANSFER COMPLETE';
export const DEFAULT_REBOOT_DURATION_MS = 3000;

/** Used when the model has no (valid) PeriodicInformInterval; TR-069 leaves the default to the device. */
export const DEFAULT_PERIODIC_INFORM_INTERVAL_S = 86_400;

/** ManagementServer parameter paths, per data-model root (only two roots exist). */
interface ManagementPaths {
  retryMinWait: string;
  retryMultiplier: string;
  periodicInterval: string;
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

/**
 * One simulated CPE: its data model, pending events, queued CPE requests and retry state. The
 * fleet scheduler decides when to call runSession; this class only knows how a session goes and
 * what it changes (TR-069 §3.2.1.1 RetryCount, bootstrap state, event delivery).
 */
export class VirtualCpe implements DeviceActions {
  readonly index: number;
  readonly model: DeviceModel;
  private readonly acs: AcsEndpoint;
  private readonly observer: SessionObserver;
  private readonly random: () => number;
  private readonly limits: SessionLimits;
  private readonly cwmpVersion: CompiledProfile['cwmpVersion'];
  private readonly paths: ManagementPaths;
  private readonly events = new EventQueue();
  private readonly cpeRequests = new CpeRequestQueue();
  private readonly rebootDurationMs: number;
  private readonly requestSession: ((delayMs: number) => void) | undefined;
  private readonly transferLimits: TransferLimits;
  private retries = 0;
  private everBootstrapped = false;
  private running = false;
  private sessionsStarted = 0;
  /** CommandKeys of the Reboots answered in the running session (undefined: no reboot wanted). */
  private rebootKeys: string[] | undefined;
  /** performance.now() until which the CPE is rebooting (no session can run). */
  private offlineUntil = 0;
  /** For the gauges; `offline` ends with powerOnTimer (only armed while the CPE is offline). */
  private state: CpeState = 'booting';
  private powerOnTimer: NodeJS.Timeout | undefined;
  /** The running session's abort (deadline, power cut). */
  private sessionAbort: AbortController | undefined;
  /** The power went off while the session ran: it failed because of the simulator, not the ACS. */
  private powerCutInSession = false;
  /** Created on the first Download: most CPEs never hold one. */
  private transfers: TransferQueue | undefined;
  /** Transfers that finished while a session ran: applied when it ends (their events belong to the next Inform). */
  private finishedInSession: TransferOutcome[] | undefined;
  private stopped = false;

  constructor(opts: VirtualCpeOptions) {
    this.index = opts.index;
    this.acs = opts.acs;
    this.observer = opts.observer;
    this.random = opts.random ?? Math.random;
    this.limits = opts.limits ? { ...DEFAULT_SESSION_LIMITS, ...opts.limits } : DEFAULT_SESSION_LIMITS;
    this.rebootDurationMs = opts.rebootDurationMs ?? DEFAULT_REBOOT_DURATION_MS;
    this.requestSession = opts.requestSession;
    this.transferLimits = opts.transferLimits ? { ...DEFAULT_TRANSFER_LIMITS, ...opts.transferLimits } : DEFAULT_TRANSFER_LIMITS;
    this.cwmpVersion = opts.profile.cwmpVersion;
    this.paths = managementPaths(opts.profile.root);
    this.model = new DeviceModel(opts.profile, {
      index: opts.index,
      connectionRequestUrl: opts.connectionRequestUrl,
      bootTimeMs: Date.now(),
    });
    // A new device: first contact ever, and it has just booted.
    this.events.add('0 BOOTSTRAP');
    this.events.add('1 BOOT');
    this.observer.cpeState(undefined, this.state);
  }

  /** booting (until a session completed after power-on), online, or offline (rebooting, power-cycled). */
  get powerState(): CpeState {
    return this.state;
  }

  /** Failed sessions since the last successful one: the Inform's RetryCount. */
  get retryCount(): number {
    return this.retries;
  }

  /** A session with this ACS has succeeded (so BOOTSTRAP was delivered). */
  get bootstrapped(): boolean {
    return this.everBootstrapped;
  }

  get inSession(): boolean {
    return this.running;
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
    this.stopped = true;
    clearTimeout(this.powerOnTimer);
    this.powerOnTimer = undefined;
    await this.transfers?.stop();
  }

  /** Raises an event; it is pending until an InformResponse confirms an Inform carrying it. */
  addEvent(code: string, commandKey: string = ''): void {
    this.events.add(code, commandKey);
  }

  /** Queues a CPE → ACS request for the next session(s), until the ACS acknowledges it. */
  queueCpeRequest(req: QueuedCpeRequest): void {
    this.cpeRequests.add(req);
  }

  /** Runs one session; never throws. `intendedStartMs` (performance.now() ms) is when it was due. */
  async runSession(intendedStartMs: number): Promise<SessionResult> {
    if (this.running) {
      // A scheduler bug, not an ACS problem: report it, leave the retry state alone.
      this.observer.sessionFailed('internal', `CPE ${this.index}: runSession while a session is running`);
      return { ok: false, errorKind: 'internal' };
    }
    const offlineMs = this.offlineForMs();
    if (offlineMs > 0) return { ok: false, offline: true, wakeAfterMs: offlineMs };
    this.running = true;
    if (this.cpeRequests.has('TransferComplete')) this.events.add(TRANSFER_COMPLETE_EVENT);
    this.observer.sessionStarted();
    const startedAt = performance.now();
    const abort = new AbortController();
    this.sessionAbort = abort;
    try {
      await runCwmpSession({
        acs: this.acs,
        model: this.model,
        actions: this,
        events: this.events,
        cpeRequests: this.cpeRequests,
        observer: this.observer,
        cwmpVersion: this.cwmpVersion,
        retryCount: this.retries,
        intendedStartMs,
        informId: `${this.index}.${++this.sessionsStarted}`,
        limits: this.limits,
        abort,
      });
      const now = performance.now();
      this.observer.latency('session', now - intendedStartMs, now - startedAt);
      this.observer.sessionCompleted();
      this.retries = 0;
      this.everBootstrapped = true;
      // Still booting unless the power went off meanwhile (then it is offline).
      if (this.state === 'booting') this.enter('online');
      return this.afterSession(SESSION_OK);
    } catch (err) {
      if (this.powerCutInSession) {
        // Whatever the abort surfaced as, the simulator cut the session: no ACS error, no retry wait.
        const cut = powerCut(this.index);
        this.observer.sessionFailed(cut.kind, cut.message);
        return this.afterSession({ ok: false, errorKind: cut.kind });
      }
      const kind = errorKindOf(err);
      this.observer.sessionFailed(kind, err instanceof Error ? err.message : String(err));
      this.retries++;
      const retryAfterMs = err instanceof TransportError ? err.retryAfterMs : undefined;
      return this.afterSession(retryAfterMs === undefined ? { ok: false, errorKind: kind } : { ok: false, errorKind: kind, retryAfterMs });
    } finally {
      this.running = false;
      this.sessionAbort = undefined;
      this.powerCutInSession = false;
    }
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
    if (this.stopped) return;
    this.restart([], offlineMs);
    if (this.running) {
      this.powerCutInSession = true;
      this.sessionAbort?.abort(powerCut(this.index));
    } else {
      this.requestSession?.(offlineMs);
    }
  }

  /**
   * What the session left to do once it ended (clean or not: a CPE that answered Reboot reboots either way):
   * the reboot, starting the transfers it accepted, applying transfers that finished meanwhile.
   */
  private afterSession(result: SessionResult): SessionResult {
    this.running = false;
    // A power cut during the session: come back when the power is.
    let wake = this.powerCutInSession;
    const keys = this.rebootKeys;
    if (keys !== undefined) {
      this.rebootKeys = undefined;
      this.restart(keys);
      wake = true;
    }
    this.transfers?.sessionEnded();
    const finished = this.finishedInSession;
    if (finished !== undefined) {
      this.finishedInSession = undefined;
      for (const outcome of finished) this.applyTransferOutcome(outcome);
      wake = true;
    }
    return wake && !this.stopped ? { ...result, wakeAfterMs: this.offlineForMs() } : result;
  }

  /**
   * Reboots: offline for the reboot duration, UpTime restarts when it is back, the next Inform carries
   * "1 BOOT" and one "M Reboot" per Reboot CommandKey. The configuration (the model's overlay), pending
   * events and queued requests survive.
   */
  private restart(commandKeys: readonly string[], offlineMs: number = this.rebootDurationMs): void {
    this.offlineUntil = performance.now() + offlineMs;
    this.model.restartedAt(Date.now() + offlineMs);
    this.events.add('1 BOOT');
    for (const key of commandKeys) this.events.add('M Reboot', key);
    this.enter('offline');
    clearTimeout(this.powerOnTimer);
    // Only for the gauges (the scheduler wakes the CPE itself); must not keep a finished run alive.
    this.powerOnTimer = setTimeout(() => this.poweredOn(), offlineMs).unref();
  }

  private poweredOn(): void {
    this.powerOnTimer = undefined;
    this.enter('booting');
  }

  private enter(to: CpeState): void {
    if (this.state === to) return;
    this.observer.cpeState(this.state, to);
    this.state = to;
  }

  // DeviceActions: the session's RPC dispatch calls these (methods, not per-CPE closures: a fleet holds many CPEs).

  /** A Reboot answered in the running session: carried out when it ends. */
  reboot(commandKey: string): void {
    (this.rebootKeys ??= []).push(commandKey);
  }

  /** A Download received in the running session: validated now (CwmpFault), started after the session. */
  download(req: DownloadRequest): void {
    this.transfers ??= new TransferQueue({
      limits: this.transferLimits,
      ...(this.acs.insecure !== undefined ? { insecure: this.acs.insecure } : {}),
      ...(this.acs.ca !== undefined ? { ca: this.acs.ca } : {}),
      ...(this.acs.localAddress !== undefined ? { localAddress: this.acs.localAddress } : {}),
      onDone: (outcome) => this.transferDone(outcome),
    });
    this.transfers.accept(req);
  }

  private transferDone(outcome: TransferOutcome): void {
    if (this.stopped) return;
    if (this.running) {
      (this.finishedInSession ??= []).push(outcome);
      return;
    }
    this.applyTransferOutcome(outcome);
    this.requestSession?.(this.offlineForMs());
  }

  /** Queues the TransferComplete with its events; a successful firmware image reboots the CPE (version unchanged for now). */
  private applyTransferOutcome(o: TransferOutcome): void {
    this.cpeRequests.add({
      method: 'TransferComplete',
      commandKey: o.req.commandKey,
      fault: { faultCode: o.faultCode, faultString: o.faultString },
      startTime: o.startTime,
      completeTime: o.completeTime,
    });
    this.events.add(TRANSFER_COMPLETE_EVENT);
    this.events.add('M Download', o.req.commandKey);
    if (o.faultCode === 0 && o.req.fileType === FIRMWARE_UPGRADE_IMAGE) this.restart([]);
  }

  /** The wait before the next retry for the current retryCount (0 when the last session succeeded). */
  retryDelayMs(): number {
    const m = positiveInt(this.model.get(this.paths.retryMinWait), DEFAULT_RETRY_MIN_WAIT_S);
    const k = positiveInt(this.model.get(this.paths.retryMultiplier), DEFAULT_RETRY_MULTIPLIER);
    return retryWaitMs(this.retries, this.random, m, k);
  }

  /** ManagementServer.PeriodicInformInterval in seconds. */
  periodicInformIntervalS(): number {
    return positiveInt(this.model.get(this.paths.periodicInterval), DEFAULT_PERIODIC_INFORM_INTERVAL_S);
  }
}
