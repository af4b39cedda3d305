import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { DeviceModel } from '../datamodel/device-model.js';
import type { ErrorKind, SessionObserver } from '../metrics/observer.js';
import type { AcsEndpoint } from '../transport/acs-http-session.js';
import { TransportError } from '../transport/transport-error.js';
import { CpeRequestQueue, type QueuedCpeRequest } from './cpe-request-queue.js';
import { EventQueue } from './event-queue.js';
import { DEFAULT_RETRY_MIN_WAIT_S, DEFAULT_RETRY_MULTIPLIER, retryWaitMs } from './retry-policy.js';
import { DEFAULT_SESSION_LIMITS, errorKindOf, runCwmpSession, type SessionLimits } from './session.js';

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
}

export interface SessionResult {
  ok: boolean;
  errorKind?: ErrorKind;
  /** From a 503's Retry-After. */
  retryAfterMs?: number;
}

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
export class VirtualCpe {
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
  private retries = 0;
  private everBootstrapped = false;
  private running = false;
  private sessionsStarted = 0;

  constructor(opts: VirtualCpeOptions) {
    this.index = opts.index;
    this.acs = opts.acs;
    this.observer = opts.observer;
    this.random = opts.random ?? Math.random;
    this.limits = opts.limits ? { ...DEFAULT_SESSION_LIMITS, ...opts.limits } : DEFAULT_SESSION_LIMITS;
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
    this.running = true;
    this.observer.sessionStarted();
    const startedAt = performance.now();
    try {
      await runCwmpSession({
        acs: this.acs,
        model: this.model,
        events: this.events,
        cpeRequests: this.cpeRequests,
        observer: this.observer,
        cwmpVersion: this.cwmpVersion,
        retryCount: this.retries,
        intendedStartMs,
        informId: `${this.index}.${++this.sessionsStarted}`,
        limits: this.limits,
      });
      const now = performance.now();
      this.observer.latency('session', now - intendedStartMs, now - startedAt);
      this.observer.sessionCompleted();
      this.retries = 0;
      this.everBootstrapped = true;
      return SESSION_OK;
    } catch (err) {
      const kind = errorKindOf(err);
      this.observer.sessionFailed(kind, err instanceof Error ? err.message : String(err));
      this.retries++;
      const retryAfterMs = err instanceof TransportError ? err.retryAfterMs : undefined;
      return retryAfterMs === undefined ? { ok: false, errorKind: kind } : { ok: false, errorKind: kind, retryAfterMs };
    } finally {
      this.running = false;
    }
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
