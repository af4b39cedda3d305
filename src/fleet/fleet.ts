import { setTimeout as sleep } from 'node:timers/promises';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { cpeEnvironment, VirtualCpe, type AcsEndpoint, type CpeEnvironment, type SessionResult } from '../cpe/virtual-cpe.js';
import type { CpeSnapshot } from '../cpe/cpe-snapshot.js';
import type { ConnectionRequestTransport } from '../metrics/counters.js';
import type { MetricsRegistry, ProfileMetrics } from '../metrics/registry.js';
import type { Credentials } from '../acs/auth.js';
import type { ConnectionRequestOutcome, ConnectionRequestTarget } from '../connreq/listener.js';
import { DEFAULT_CONNECTION_REQUEST_POLICY, type ConnectionRequestPolicy } from '../connreq/policy.js';
import { sourceAddressIndex } from '../scenario/source-addresses.js';
import { DEFAULT_GRACE_PERIOD_MS, DEFAULT_VALUE_CHANGE_SETTINGS, groupSchedule, hasOwnRamp, type ScheduleSettings, type Scenario } from '../scenario/scenario.js';
import { groupCpeBehaviour } from '../scenario/cpe-behaviour.js';
import { ClosableObserver } from './closable-observer.js';
import { actionDelayMs, cpeActionsOf, performCpeAction, type CpeAction } from './cpe-actions.js';
import { nextPhaseInstant, periodicPhaseEpochMs } from './periodic-phase.js';
import type { ShardSelector } from './protocol.js';
import { PowerOnRamp, RAMP_FEED_BATCH, RAMP_LOOKAHEAD_MS } from './power-on-ramp.js';
import { ScheduleDraws } from './schedule-draws.js';
import { TimerQueue } from './timer-queue.js';
import { ValueChangeTimers, type ValueChangeCheck } from './value-change-timers.js';
import { HeartbeatTimers, type HeartbeatDue } from './heartbeat-timers.js';

export interface FleetOptions {
  scenario: Scenario;
  /** The part of the fleet this instance runs (CPE global index modulo the shard count). */
  shard: ShardSelector;
  acs: AcsEndpoint;
  /** Compiled profiles by the name the scenario's fleet groups use (compiled once, shared by all CPEs). */
  profiles: ReadonlyMap<string, CompiledProfile>;
  /** Each CPE reports to `metrics.forProfile(its group's profile)`: the per-profile breakdown of mixed fleets. */
  metrics: MetricsRegistry;
  /** Each CPE's ConnectionRequestURL by global index (the shard's ConnectionRequestListener's urlOf). */
  connectionRequestUrl: (index: number) => string;
  /** How connection requests are answered (default DEFAULT_CONNECTION_REQUEST_POLICY). */
  connectionRequests?: Partial<ConnectionRequestPolicy> | undefined;
  /** Saved CPE states by global index (a state file): those CPEs come back as the same devices. */
  restored?: ReadonlyMap<number, CpeSnapshot> | undefined;
  /** More power-on values per data-model root (the UDP connection-request address, STUN settings). */
  initialValues?: ((profile: CompiledProfile) => ReadonlyMap<string, string>) | undefined;
  /** Told when a session of CPE `index` starts and after it ended (the ACS may change the CPE's settings in it). */
  sessionStarted?: ((index: number) => void) | undefined;
  sessionEnded?: ((index: number) => void) | undefined;
}

/** How a fleet's run went, from its own clock (what summary.json's durationS and drainS are made of). */
export interface FleetStopReport {
  /** Scheduling time: power-on (start) → stop of scheduling, paused time excluded. */
  activeMs: number;
  pausedMs: number;
  /** Stop of scheduling → every running session ended, or the grace period ran out. */
  drainMs: number;
  /** Sessions still running when the grace period ended, counted as failed ('timeout', "aborted at shutdown"). */
  aborted: number;
}

const PERIODIC = '2 PERIODIC';
/** Fleet.crState bits. */
const CR_WAKE = 1;
const CR_AFTER_SESSION = 2;
export const ABORTED_AT_SHUTDOWN = 'aborted at shutdown: still running when the grace period ended';

/**
 * Why a CPE is due: a periodic wake-up adds "2 PERIODIC"; power-on, retries and the CPE's own requests
 * (back from a reboot, a transfer done) resend what is pending. `generation` makes a replaced
 * wake-up stale: each CPE has at most one live wake-up or one running session.
 */
interface Wakeup {
  slot: number;
  periodic: boolean;
  generation: number;
}

/** Fleet-wide instants in the same timer heap, so a pause moves them with the CPEs' wake-ups. */
type Marker =
  | { marker: 'end' }
  | { marker: 'bootStorm'; group: number }
  | { marker: 'ramp' }
  /** A CPE-initiated action's instant (it picks its CPEs), then each picked CPE's own moment. */
  | { marker: 'cpeActions'; action: number }
  | { marker: 'cpeAction'; action: number; slot: number };
const RAMP_MARKER: Marker = { marker: 'ramp' };
/** The generation of every CPE's power-on wake-up: set for all at start, fed to the heap by the ramp when due. */
const POWER_ON_GENERATION = 1;

/**
 * Runs the CPEs of one shard on this thread's event loop (open model): every CPE's next session is due at its
 * own time whether or not the ACS kept up, and each session is measured from that due time. One timer heap
 * (one Node timer) holds every pending wake-up, the boot storms and the end of the run.
 */
export class Fleet implements ConnectionRequestTarget {
  private readonly cpes: VirtualCpe[] = [];
  private readonly queue: TimerQueue<Wakeup | Marker | ValueChangeCheck | HeartbeatDue>;
  /** Per fleet group: its schedule (scenario's with the group's overrides) and PeriodicInformTime path. */
  private readonly schedules: ScheduleSettings[];
  private readonly phasePaths: string[];
  /** Per local CPE (slot): its group, its power-on offset from start, the grid instant of its last periodic wake-up. */
  private readonly groupOf: Uint32Array;
  private readonly powerOnOffset: Float64Array;
  private readonly ramp: PowerOnRamp;
  private readonly periodicNominal: Float64Array;
  /** Per slot: a periodic inform instant set aside while an earlier ScheduleInform session goes first (NaN: none). */
  private readonly heldPeriodic: Float64Array;
  /** Per slot: the generation of its live wake-up, its due time, whether its session runs. */
  private readonly generation: Uint32Array;
  private readonly dueAt: Float64Array;
  private readonly running: Uint8Array;
  /** Per slot: whether its live wake-up is a periodic one (an active notification may hold it for later). */
  private readonly duePeriodic: Uint8Array;
  private readonly valueChanges: ValueChangeTimers;
  private readonly heartbeats: HeartbeatTimers;
  /** Per slot: its live wake-up came due while a heartbeat session ran; it runs when that ends. */
  private readonly dueAfterHeartbeat: Uint8Array;
  /** Per slot: CR_WAKE (a connection-request wake-up is pending) | CR_AFTER_SESSION (one came during the session). */
  private readonly crState: Uint8Array;
  /** Per slot: start of the connection-request rate window and the requests counted in it. */
  private readonly crWindowStart: Float64Array;
  private readonly crCount: Uint16Array;
  private readonly crPolicy: ConnectionRequestPolicy;
  private readonly draws: ScheduleDraws;
  private readonly cpeActions: CpeAction[];
  /**
   * Per fleet group: its profile's part of the metrics, and the gate its CPEs report through (closed after the
   * grace period so late session ends are not counted). Bound at construction: no per-sample lookup by name.
   */
  private readonly groupMetrics: ProfileMetrics[];
  private readonly observers: ClosableObserver[];
  private readonly inFlight = new Set<Promise<void>>();
  private startAt: number | undefined;
  private endAt = Infinity;
  private stopping = false;
  private pausedAt: number | undefined;
  private pausedMs = 0;
  private stopReport: Promise<FleetStopReport> | undefined;
  private endReached!: () => void;
  /** Resolves when the scenario's duration is over (paused time not counted). */
  readonly finished = new Promise<void>((resolve) => (this.endReached = resolve));

  constructor(private readonly options: FleetOptions) {
    const { scenario, shard } = options;
    this.groupMetrics = scenario.fleet.map((group) => options.metrics.forProfile(group.profile));
    this.observers = this.groupMetrics.map((part) => new ClosableObserver(part));
    this.queue = new TimerQueue((item, dueAt) =>
      'marker' in item
        ? this.marker(item)
        : 'valueChange' in item
          ? this.valueChanges.fire(item)
          : 'heartbeat' in item
            ? this.heartbeats.fire(item, dueAt)
            : this.due(item, dueAt),
    );
    this.schedules = scenario.fleet.map((group) => groupSchedule(scenario.schedule, group));
    this.cpeActions = cpeActionsOf(scenario);
    this.phasePaths = [];
    const endpoints = sourceEndpoints(options.acs, scenario.acs.sourceAddresses);
    // Ramp cohorts: groups without a ramp of their own power on together along the scenario's ramp (by global
    // order); a group with its own ramp follows it alone. -1 is the scenario's cohort.
    const cohortSize = new Map<number, number>();
    scenario.fleet.forEach((g, i) => {
      const cohort = hasOwnRamp(g) ? i : -1;
      cohortSize.set(cohort, (cohortSize.get(cohort) ?? 0) + g.count);
    });
    const cohortRank = new Map<number, number>();
    const groupOf: number[] = [];
    const offsets: number[] = [];
    let index = 0;
    scenario.fleet.forEach((group, g) => {
      const schedule = this.schedules[g]!;
      const cohort = hasOwnRamp(group) ? g : -1;
      // Only groups with CPEs on this shard need their profile (a shard loads no others).
      let profile: CompiledProfile | undefined;
      let environment: CpeEnvironment | undefined;
      this.phasePaths.push('');
      for (let n = 0; n < group.count; n++, index++) {
        const rank = cohortRank.get(cohort) ?? 0;
        cohortRank.set(cohort, rank + 1);
        if (index % shard.count !== shard.index) continue;
        if (profile === undefined) {
          profile = options.profiles.get(group.profile);
          if (!profile) throw new Error(`fleet: profile ${group.profile} was not compiled`);
          const ms = `${profile.root}.ManagementServer.`;
          this.phasePaths[g] = `${ms}PeriodicInformTime`;
          // The schedule's overrides are the CPEs' power-on values: one map for the group, no per-CPE overlay.
          const initialValues = new Map<string, string>();
          if (schedule.periodicIntervalS !== undefined) initialValues.set(`${ms}PeriodicInformInterval`, String(schedule.periodicIntervalS));
          if (schedule.periodicInformTime !== undefined) initialValues.set(`${ms}PeriodicInformTime`, schedule.periodicInformTime);
          const behaviour = groupCpeBehaviour(scenario.cpe, group.cpe);
          for (const [path, value] of options.initialValues?.(profile) ?? []) initialValues.set(path, value);
          // One environment per group, one requestSession function for all: no per-CPE closures.
          environment = cpeEnvironment({
            ...(behaviour.rebootDurationMs !== undefined ? { rebootDurationMs: behaviour.rebootDurationMs } : {}),
            ...(behaviour.confirmDownloads !== undefined ? { confirmDownloads: behaviour.confirmDownloads } : {}),
            profile,
            observer: this.observers[g]!,
            seed: scenario.seed,
            requestSession: this.onRequestSession,
            valueChangeScale: (scenario.valueChanges ?? DEFAULT_VALUE_CHANGE_SETTINGS).rateScale,
            ...(initialValues.size > 0 ? { initialValues } : {}),
          });
        }
        const cpe = new VirtualCpe({
          index,
          acs: endpoints[sourceAddressIndex(index, endpoints.length)]!,
          connectionRequestUrl: options.connectionRequestUrl(index),
          environment: environment!,
        });
        const saved = options.restored?.get(index);
        if (saved !== undefined) cpe.restoreState(saved);
        this.cpes.push(cpe);
        groupOf.push(g);
        offsets.push(powerOnOffsetMs(schedule, rank, cohortSize.get(cohort)!));
      }
    });
    const n = this.cpes.length;
    this.groupOf = Uint32Array.from(groupOf);
    this.draws = new ScheduleDraws(scenario.seed, n, (slot) => this.cpes[slot]!.index);
    this.powerOnOffset = Float64Array.from(offsets);
    this.ramp = new PowerOnRamp(this.powerOnOffset);
    this.periodicNominal = new Float64Array(n).fill(Number.NaN);
    this.heldPeriodic = new Float64Array(n).fill(Number.NaN);
    this.generation = new Uint32Array(n);
    this.dueAt = new Float64Array(n);
    this.running = new Uint8Array(n);
    this.duePeriodic = new Uint8Array(n);
    this.valueChanges = new ValueChangeTimers(
      n,
      {
        cpe: (slot) => this.cpes[slot]!,
        isRunning: (slot) => this.running[slot] === 1,
        schedule: (at, item) => this.queue.schedule(at, item),
        activeNotification: (slot, at) => this.wakeForActiveNotification(slot, at),
      },
      (scenario.valueChanges ?? DEFAULT_VALUE_CHANGE_SETTINGS).notifyDelayMs,
    );
    this.heartbeats = new HeartbeatTimers(n, {
      cpe: (slot) => this.cpes[slot]!,
      schedule: (at, item) => this.queue.schedule(at, item),
      beat: (slot, dueAt) => this.heartbeat(slot, dueAt),
      random: (slot) => this.draws.next(slot),
    });
    this.dueAfterHeartbeat = new Uint8Array(n);
    this.crState = new Uint8Array(n);
    this.crWindowStart = new Float64Array(n).fill(-Infinity);
    this.crCount = new Uint16Array(n);
    this.crPolicy = { ...DEFAULT_CONNECTION_REQUEST_POLICY, ...options.connectionRequests };
  }

  get size(): number {
    return this.cpes.length;
  }

  /** This shard's CPEs (for per-CPE side channels such as their XMPP sessions, src/connreq/xmpp-connector.ts). */
  get localCpes(): readonly VirtualCpe[] {
    return this.cpes;
  }

  get sessionsInFlight(): number {
    return this.inFlight.size;
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  /**
   * Powers the fleet on from `t0` (performance.now() ms; every shard gets the same instant) along each group's
   * ramp, arms the boot storms, and ends scheduling after the scenario's duration (`finished`).
   */
  start(t0: number): void {
    this.startAt = t0;
    this.endAt = t0 + this.options.scenario.durationMs;
    // Every CPE's power-on is its live wake-up from now on; the ramp hands each to the heap shortly before it.
    for (let slot = 0; slot < this.cpes.length; slot++) {
      this.generation[slot] = POWER_ON_GENERATION;
      this.dueAt[slot] = t0 + this.powerOnOffset[slot]!;
    }
    this.feedRamp();
    this.schedules.forEach((s, group) => {
      if (s.bootStorm && s.bootStorm.atMs < this.options.scenario.durationMs) {
        this.queue.schedule(t0 + s.bootStorm.atMs, { marker: 'bootStorm', group });
      }
    });
    this.cpeActions.forEach((a, action) => {
      if (a.settings.atMs < this.options.scenario.durationMs) this.queue.schedule(t0 + a.settings.atMs, { marker: 'cpeActions', action });
    });
    this.queue.schedule(this.endAt, { marker: 'end' });
  }

  /**
   * Schedules nothing new until resume(): running sessions go on. Resume moves every pending wake-up (and the
   * end of the run) later by the paused time, so the paused interval is left out: no burst at resume, latency
   * and lateness are not inflated by the pause, and the run still schedules for its whole duration.
   */
  pause(): void {
    if (this.stopping || this.pausedAt !== undefined) return;
    this.pausedAt = performance.now();
    this.queue.pause();
  }

  resume(): void {
    if (this.pausedAt === undefined) return;
    this.pausedAt = undefined;
    const ms = this.queue.resume();
    this.pausedMs += ms;
    this.endAt += ms;
    for (let slot = 0; slot < this.dueAt.length; slot++) {
      this.dueAt[slot]! += ms;
      this.heldPeriodic[slot]! += ms; // NaN stays NaN
    }
    this.valueChanges.shift(ms);
    this.heartbeats.shift(ms);
  }

  /**
   * Stops scheduling, ends the CPEs' background work (transfers) and gives the running sessions `graceMs`
   * (default: the scenario's grace period) to finish; the ones still running then are counted as failed
   * ('timeout', ABORTED_AT_SHUTDOWN) and nothing they report later is counted. Idempotent: a second call
   * returns the first one's report.
   */
  drain(graceMs: number = this.options.scenario.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS): Promise<FleetStopReport> {
    this.stopReport ??= this.shutdown(graceMs);
    return this.stopReport;
  }

  /** drain() for callers that only need the fleet stopped. */
  async stop(graceMs?: number): Promise<void> {
    await this.drain(graceMs);
  }

  private async shutdown(graceMs: number): Promise<FleetStopReport> {
    const stoppedAt = performance.now();
    this.stopping = true;
    if (this.pausedAt !== undefined) this.pausedMs += stoppedAt - this.pausedAt;
    this.pausedAt = undefined;
    this.queue.stop();
    const activeMs = this.startAt === undefined ? 0 : Math.max(0, Math.min(stoppedAt, this.endAt) - this.startAt - this.pausedMs);
    const grace = new AbortController();
    const drained = (async () => {
      const stopping: Promise<void>[] = [];
      for (const cpe of this.cpes) {
        const stopped = cpe.stop();
        if (stopped) stopping.push(stopped);
      }
      await Promise.all(stopping);
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return true;
    })();
    const inTime = await Promise.race([drained, sleep(graceMs, false, { signal: grace.signal }).catch(() => false)]);
    grace.abort();
    let aborted = 0;
    if (!inTime) {
      for (let slot = 0; slot < this.running.length; slot++) {
        if (!this.running[slot]) continue;
        aborted++;
        this.groupMetrics[this.groupOf[slot]!]!.sessionFailed('timeout', ABORTED_AT_SHUTDOWN);
      }
    }
    // The gauges: CPEs whose reboot or power cut ended without a session since count as booting.
    for (const cpe of this.cpes) cpe.settlePower();
    for (const observer of this.observers) observer.close();
    this.endReached();
    return { activeMs, pausedMs: this.pausedMs, drainMs: performance.now() - stoppedAt, aborted };
  }

  /** Every CPE's state with its identity (for a state file): call once the fleet is drained. */
  *snapshotStates(): Generator<{ index: number; profile: string; serial: string; state: CpeSnapshot }> {
    for (let slot = 0; slot < this.cpes.length; slot++) {
      const cpe = this.cpes[slot]!;
      const profile = this.options.scenario.fleet[this.groupOf[slot]!]!.profile;
      yield { index: cpe.index, profile, serial: cpe.model.deviceId().serialNumber, state: cpe.snapshotState() };
    }
  }

  /** The local slot of global CPE `index`; undefined when another shard (or nobody) has it. */
  private slotOf(index: number): number | undefined {
    const { count, index: shard } = this.options.shard;
    if (!Number.isInteger(index) || index < 0 || index % count !== shard) return undefined;
    const slot = (index - shard) / count;
    return slot < this.cpes.length ? slot : undefined;
  }

  /** CPE `index` (global index) when this fleet runs it. */
  /**
   * A device change made outside the value generators (DeviceModel.setInternal by a connection-request transport):
   * notified like any (passive: the next Inform; active: a session after the coalescing delay and the throttle).
   */
  deviceChanged(index: number): void {
    const slot = this.slotOf(index);
    // Before its first session a CPE is not asked to power on early: its bootstrap Inform reports the change.
    if (slot !== undefined && !this.stopping && this.cpes[slot]!.bootstrapped) this.valueChanges.check(slot);
  }

  cpeAt(index: number): VirtualCpe | undefined {
    const slot = this.slotOf(index);
    return slot === undefined ? undefined : this.cpes[slot];
  }

  /** ConnectionRequestTarget: the CPE's ConnectionRequestUsername/Password as the ACS last set them. */
  credentials(index: number): Credentials | undefined {
    const slot = this.slotOf(index);
    return slot === undefined ? undefined : this.cpes[slot]!.connectionRequestCredentials();
  }

  /**
   * ConnectionRequestTarget: an authenticated connection request for CPE `index` (TR-069 §3.2.2). A CPE that is
   * up gets a session with "6 CONNECTION REQUEST" within the policy's delay; requests before it starts are
   * merged into it; a request during a session is merged too and the requested session follows when the running
   * one ends (the spec: a session is not cut short, the CPE waits for it to finish). Rebooting or power-cycled
   * CPEs, and those over the rate limit, are refused (503). Nothing is scheduled while the fleet is not running.
   */
  connectionRequest(index: number, receivedAt: number, transport: ConnectionRequestTransport = 'http'): ConnectionRequestOutcome {
    const slot = this.slotOf(index);
    if (slot === undefined || this.startAt === undefined || this.stopping || this.pausedAt !== undefined) return 'unavailable';
    const cpe = this.cpes[slot]!;
    if (cpe.offlineForMs() > 0) return 'offline';
    const { windowMs, maxPerWindow, delayMs } = this.crPolicy;
    if (receivedAt - this.crWindowStart[slot]! >= windowMs) {
      this.crWindowStart[slot] = receivedAt;
      this.crCount[slot] = 0;
    }
    if (this.crCount[slot]! >= maxPerWindow) return 'rate_limited';
    this.crCount[slot]!++;
    cpe.connectionRequested(receivedAt, transport);
    if (this.running[slot]) {
      this.crState[slot]! |= CR_AFTER_SESSION;
      return 'merged';
    }
    if (this.crState[slot]! & CR_WAKE) return 'merged';
    this.wakeForConnectionRequest(slot, receivedAt + delayMs);
    return 'accepted';
  }

  /**
   * The session a connection request asked for, at `at` or at the pending wake-up when that comes first (then it
   * stays what it was, e.g. periodic: that session carries the request's event too). It overrides a failed
   * session's retry wait: a new event may start the retry at once (TR-069 §3.2.1.1).
   */
  private wakeForConnectionRequest(slot: number, at: number): void {
    if (this.stopping) return;
    this.crState[slot]! |= CR_WAKE;
    const pending = this.dueAt[slot]!;
    if (pending > performance.now() && pending <= at) return;
    this.schedule(slot, at, false);
  }

  /** Makes `at` the CPE's one live wake-up (an earlier pending one becomes stale). */
  private schedule(slot: number, at: number, periodic: boolean): void {
    const generation = (this.generation[slot]! + 1) >>> 0;
    this.generation[slot] = generation;
    this.dueAt[slot] = at;
    this.duePeriodic[slot] = periodic ? 1 : 0;
    this.queue.schedule(at, { slot, periodic, generation });
  }

  /**
   * The session an active notification asks for, at `at`; a session due no later (periodic, retry, connection
   * request) reports the change itself, and a failed session's retry wait is kept (the ACS was failing). A
   * periodic inform it goes before keeps its own instant (held, like for a ScheduleInform).
   */
  private wakeForActiveNotification(slot: number, at: number): void {
    if (this.stopping || this.running[slot]) return;
    const pending = this.dueAt[slot]!;
    if (pending > performance.now() && pending <= at) return;
    if (this.cpes[slot]!.retryCount > 0) return;
    if (this.duePeriodic[slot] && Number.isNaN(this.heldPeriodic[slot]!)) this.heldPeriodic[slot] = pending;
    this.schedule(slot, at, false);
  }

  /** The CPEs' requestSession (one function for the fleet): local CPEs are every shard.count-th global index. */
  private readonly onRequestSession = (delayMs: number, cpe: VirtualCpe): void => {
    this.wake((cpe.index - this.options.shard.index) / this.options.shard.count, delayMs);
  };

  /**
   * The CPE asked for a session (a transfer finished between sessions). It replaces the pending periodic
   * wake-up; while a failed session's retry wait runs it never comes earlier than that wait (the ACS was
   * failing), and never earlier than the CPE is back from a reboot (the CPE's delay says so).
   */
  private wake(slot: number, delayMs: number): void {
    if (this.stopping || this.running[slot]) return; // a running session's result carries the wish itself
    let at = performance.now() + delayMs;
    if (this.cpes[slot]!.retryCount > 0) at = Math.max(at, this.dueAt[slot]!);
    this.schedule(slot, at, false);
  }

  /**
   * Power-on wake-ups due within the lookahead go to the heap. One replaced meanwhile (a connection request, a boot
   * storm) is left out: due() would drop it as stale anyway.
   */
  private feedRamp(): void {
    if (this.stopping) return;
    // Offsets count from the start; a pause moved every pending instant later by the paused time.
    const next = this.ramp.feed(this.startAt! + this.pausedMs, performance.now() + RAMP_LOOKAHEAD_MS, RAMP_FEED_BATCH, (slot) => {
      if (this.generation[slot] === POWER_ON_GENERATION) this.queue.schedule(this.dueAt[slot]!, { slot, periodic: false, generation: POWER_ON_GENERATION });
    });
    if (next !== undefined) this.queue.schedule(next - RAMP_LOOKAHEAD_MS, RAMP_MARKER);
  }

  private marker(item: Marker): void {
    if (item.marker === 'end') {
      this.endReached();
      return;
    }
    if (item.marker === 'ramp') {
      this.feedRamp();
      return;
    }
    if (this.stopping) return;
    if (item.marker === 'cpeActions' || item.marker === 'cpeAction') {
      this.cpeActionDue(item);
      return;
    }
    // The power goes off for every CPE of the group; each comes back at its own random instant in the window.
    const { windowMs } = this.schedules[item.group]!.bootStorm!;
    const now = performance.now();
    for (let slot = 0; slot < this.cpes.length; slot++) {
      if (this.groupOf[slot] !== item.group) continue;
      const offlineMs = windowMs * this.draws.next(slot);
      const wasRunning = this.running[slot] === 1;
      // A running session is cut (failed as power_cut); its result brings the CPE back (afterSession).
      this.cpes[slot]!.powerCycle(offlineMs);
      // A fresh boot: due when the power is back, whatever retry wait or periodic wake-up was pending.
      if (!wasRunning) this.schedule(slot, now + offlineMs, false);
    }
  }

  /** A CPE-initiated action: at its instant each CPE is picked with the action's fraction and given its moment in the window. */
  private cpeActionDue(item: Extract<Marker, { marker: 'cpeActions' | 'cpeAction' }>): void {
    const action = this.cpeActions[item.action]!;
    if (item.marker === 'cpeAction') {
      performCpeAction(this.cpes[item.slot]!, action);
      return;
    }
    const now = performance.now();
    for (let slot = 0; slot < this.cpes.length; slot++) {
      const delayMs = actionDelayMs(action.settings, this.draws.next(slot), this.draws.next(slot));
      if (delayMs !== undefined) this.queue.schedule(now + delayMs, { marker: 'cpeAction', action: item.action, slot });
    }
  }

  private due({ slot, periodic, generation }: Wakeup, dueAt: number): void {
    if (this.stopping || dueAt >= this.endAt || generation !== this.generation[slot]) return;
    // Only a heartbeat session runs beside a live wake-up: this session follows it.
    if (this.running[slot]) {
      this.dueAfterHeartbeat[slot] = 1;
      return;
    }
    const cpe = this.cpes[slot]!;
    // Woken when its power is back (reboot, boot storm): the gauge follows here, not by a timer per CPE.
    cpe.settlePower();
    if (periodic) cpe.addEvent(PERIODIC);
    const startedAt = performance.now();
    this.observers[this.groupOf[slot]!]!.latency('lateness', startedAt - dueAt, startedAt - dueAt);
    this.running[slot] = 1;
    this.crState[slot] = 0; // this Inform carries any pending connection request
    this.options.sessionStarted?.(cpe.index);
    const run = cpe.runSession(dueAt).then((result) => {
      this.inFlight.delete(run);
      this.running[slot] = 0;
      this.afterSession(slot, dueAt, result);
      this.options.sessionEnded?.(cpe.index);
      // A connection request during the session: its session follows now (or within the delay it has left).
      if (this.crState[slot]! & CR_AFTER_SESSION) {
        this.crState[slot] = 0;
        if (!result.offline && result.errorKind !== 'power_cut') this.wakeForConnectionRequest(slot, performance.now());
      }
      if (!result.offline && !this.stopping) {
        this.valueChanges.sessionEnded(slot, result.ok);
        this.heartbeats.sessionEnded(slot);
      }
    });
    this.inFlight.add(run);
  }

  /**
   * A heartbeat is due (TR-069 Annex O): a session of its own beside the CPE's live wake-up, which stays as it is.
   * Skipped (the next beat comes at the next interval) while the CPE is in a session, offline, has not reached the
   * ACS yet or waits to retry a failed session (that one goes first).
   */
  private heartbeat(slot: number, dueAt: number): void {
    if (this.stopping || dueAt >= this.endAt) return;
    const cpe = this.cpes[slot]!;
    if (this.running[slot] || cpe.offlineForMs() > 0 || !cpe.bootstrapped || cpe.retryCount > 0) return;
    const startedAt = performance.now();
    this.observers[this.groupOf[slot]!]!.latency('lateness', startedAt - dueAt, startedAt - dueAt);
    this.running[slot] = 1;
    this.options.sessionStarted?.(cpe.index);
    const run = cpe.runSession(dueAt, true).then((result) => {
      this.inFlight.delete(run);
      this.running[slot] = 0;
      this.options.sessionEnded?.(cpe.index);
      this.afterHeartbeat(slot, result);
    });
    this.inFlight.add(run);
  }

  /** What a heartbeat session leaves: the ACS's work (a reboot, a ScheduleInform), a wake-up or connection request that waited. */
  private afterHeartbeat(slot: number, result: SessionResult): void {
    const waited = this.dueAfterHeartbeat[slot] === 1;
    this.dueAfterHeartbeat[slot] = 0;
    if (this.stopping) return;
    const now = performance.now();
    if (result.wakeAfterMs !== undefined) {
      // Back from a reboot, a power cut, work done in the session: that session replaces the pending wake-up.
      this.schedule(slot, now + result.wakeAfterMs, false);
    } else if (result.scheduledInformMs !== undefined && now + result.scheduledInformMs < this.dueAt[slot]!) {
      if (this.duePeriodic[slot] && Number.isNaN(this.heldPeriodic[slot]!)) this.heldPeriodic[slot] = this.dueAt[slot]!;
      this.schedule(slot, now + result.scheduledInformMs, false);
    } else if (waited) {
      this.due({ slot, periodic: this.duePeriodic[slot] === 1, generation: this.generation[slot]! }, this.dueAt[slot]!);
    }
    if (this.crState[slot]! & CR_AFTER_SESSION) {
      this.crState[slot]! &= ~CR_AFTER_SESSION;
      if (result.errorKind !== 'power_cut') this.wakeForConnectionRequest(slot, now);
    }
    this.valueChanges.sessionEnded(slot, false);
    this.heartbeats.sessionEnded(slot);
  }

  private afterSession(slot: number, dueAt: number, result: SessionResult): void {
    if (this.stopping) return;
    const cpe = this.cpes[slot]!;
    const now = performance.now();
    if (result.offline || result.errorKind === 'power_cut') {
      // Rebooting or power-cycled: come back when the CPE is up (not the ACS's failure, no retry wait).
      this.schedule(slot, now + (result.wakeAfterMs ?? 0), false);
    } else if (result.ok) {
      if (result.wakeAfterMs !== undefined) {
        // Back from a reboot or a transfer done: that session replaces the periodic one; periodic informs follow it.
        this.schedule(slot, now + result.wakeAfterMs, false);
        return;
      }
      // The periodic inform, unless a ScheduleInform is due first: then the periodic instant is held for after it.
      // A held instant already passed (a reboot or retry took longer) was replaced by this session: the next one.
      const held = this.heldPeriodic[slot]!;
      this.heldPeriodic[slot] = Number.NaN;
      const periodicAt = held > now ? held : this.nextPeriodic(slot, dueAt, now);
      const scheduledAt = result.scheduledInformMs === undefined ? Infinity : now + result.scheduledInformMs;
      if (scheduledAt < periodicAt) {
        this.heldPeriodic[slot] = periodicAt;
        this.schedule(slot, scheduledAt, false);
      } else {
        this.schedule(slot, periodicAt, true);
      }
    } else {
      // A failed session keeps its retry wait (TR-069 §3.2.1.1), and a rebooting CPE cannot start earlier.
      const retryMs = result.retryAfterMs ?? cpe.retryDelayMs();
      this.schedule(slot, now + Math.max(retryMs, result.wakeAfterMs ?? 0), false);
    }
  }

  /**
   * The next periodic inform after a successful session. With a PeriodicInformTime it falls on the grid
   * PeriodicInformTime + k·interval (the next grid instant after both now and the last one used, so a session
   * that ran early through jitter is not repeated), jittered around that instant; without one (Unknown Time)
   * it comes one jittered interval after this session's due time.
   */
  private nextPeriodic(slot: number, dueAt: number, now: number): number {
    const cpe = this.cpes[slot]!;
    const intervalMs = cpe.periodicInformIntervalS() * 1000;
    const group = this.groupOf[slot]!;
    const jitter = this.schedules[group]!.jitter * (2 * this.draws.next(slot) - 1);
    const phaseEpoch = periodicPhaseEpochMs(cpe.model.get(this.phasePaths[group]!));
    let next: number;
    if (phaseEpoch === undefined) {
      this.periodicNominal[slot] = Number.NaN;
      next = dueAt + intervalMs * (1 + jitter);
    } else {
      const last = this.periodicNominal[slot]!;
      const nominal = nextPhaseInstant(phaseEpoch - performance.timeOrigin, intervalMs, Number.isNaN(last) ? now : Math.max(now, last));
      this.periodicNominal[slot] = nominal;
      next = nominal + intervalMs * jitter;
    }
    // A session longer than the interval must not queue a burst of catch-up sessions.
    return Math.max(next, now);
  }
}

/** Power-on offset of the CPE ranked `rank` among `size` CPEs sharing one ramp: evenly over rampMs, or at rampRatePerS. */
export function powerOnOffsetMs(schedule: ScheduleSettings, rank: number, size: number): number {
  if (schedule.rampRatePerS !== undefined) return (rank / schedule.rampRatePerS) * 1000;
  return size > 1 ? (schedule.rampMs * rank) / size : 0;
}

/** One endpoint per source address (shared by the CPEs using it), or the ACS endpoint itself. */
function sourceEndpoints(acs: AcsEndpoint, addresses: readonly string[] | undefined): AcsEndpoint[] {
  if (!addresses || addresses.length === 0) return [acs];
  return addresses.map((localAddress) => ({ ...acs, localAddress }));
}
