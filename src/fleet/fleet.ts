import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { VirtualCpe, type AcsEndpoint, type SessionResult } from '../cpe/virtual-cpe.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { Scenario } from '../scenario/scenario.js';
import type { ShardSelector } from './protocol.js';
import { seededRandom } from './random.js';
import { TimerQueue } from './timer-queue.js';

export interface FleetOptions {
  scenario: Scenario;
  /** The part of the fleet this instance runs (CPE global index modulo the shard count). */
  shard: ShardSelector;
  acs: AcsEndpoint;
  /** Compiled profiles by the name the scenario's fleet groups use (compiled once, shared by all CPEs). */
  profiles: ReadonlyMap<string, CompiledProfile>;
  metrics: MetricsRegistry;
  /** Base of each CPE's ConnectionRequestURL; the CPE's index is appended. */
  connectionRequestBaseUrl: string;
}

const PERIODIC = '2 PERIODIC';

/**
 * Why a CPE is due: a periodic wake-up adds "2 PERIODIC"; power-on, retries and the CPE's own requests
 * (back from a reboot, a transfer finished) resend what is pending. `generation` makes a replaced
 * wake-up stale: each CPE has at most one live wake-up or one running session.
 */
interface Wakeup {
  slot: number;
  periodic: boolean;
  generation: number;
}

/**
 * Runs the CPEs of one shard on this thread's event loop (open model): every CPE's next session is due at its
 * own time whether or not the ACS kept up, and each session is measured from that due time.
 */
export class Fleet {
  private readonly cpes: VirtualCpe[] = [];
  /** Global index / total, per local CPE: the position in the power-on ramp. */
  private readonly rampPosition: number[] = [];
  private readonly queue: TimerQueue<Wakeup>;
  /** Per local CPE (slot): the generation of its live wake-up, its due time, whether its session runs. */
  private generation = new Uint32Array(0);
  private dueAt = new Float64Array(0);
  private running = new Uint8Array(0);
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private endAt = Infinity;
  private stopping = false;

  constructor(private readonly options: FleetOptions) {
    const { scenario } = options;
    const { shard } = options;
    this.random = seededRandom(scenario.seed * 1_000_003 + shard.index);
    const total = scenario.fleet.reduce((n, g) => n + g.count, 0);
    this.queue = new TimerQueue((wakeup, dueAt) => this.due(wakeup, dueAt));
    let index = 0;
    for (const group of scenario.fleet) {
      const profile = options.profiles.get(group.profile);
      if (!profile) throw new Error(`fleet: profile ${group.profile} was not compiled`);
      for (let n = 0; n < group.count; n++, index++) {
        if (index % shard.count !== shard.index) continue;
        const slot = this.cpes.length;
        const cpe = new VirtualCpe({
          index,
          profile,
          acs: options.acs,
          observer: options.metrics,
          connectionRequestUrl: `${options.connectionRequestBaseUrl}${index}`,
          random: this.random,
          requestSession: (delayMs) => this.wake(slot, delayMs),
        });
        if (scenario.schedule.periodicIntervalS !== undefined) {
          cpe.model.setInternal(`${profile.root}.ManagementServer.PeriodicInformInterval`, String(scenario.schedule.periodicIntervalS));
        }
        this.cpes.push(cpe);
        this.rampPosition.push(total > 1 ? index / total : 0);
      }
    }
    this.generation = new Uint32Array(this.cpes.length);
    this.dueAt = new Float64Array(this.cpes.length);
    this.running = new Uint8Array(this.cpes.length);
  }

  get size(): number {
    return this.cpes.length;
  }

  get sessionsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Powers the fleet on from `t0` (performance.now() ms; every shard gets the same instant), spread over the
   * scenario's ramp by global index, and stops scheduling after the scenario's duration.
   */
  start(t0: number): void {
    const { rampMs } = this.options.scenario.schedule;
    this.endAt = t0 + this.options.scenario.durationMs;
    this.cpes.forEach((_, slot) => this.schedule(slot, t0 + rampMs * this.rampPosition[slot]!, false));
  }

  /**
   * Stops scheduling new sessions, ends the CPEs' background work (transfers) and waits for the running
   * sessions (each bounded by the request timeout).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.stop();
    await Promise.all(this.cpes.map((cpe) => cpe.stop()));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Makes `at` the CPE's one live wake-up (an earlier pending one becomes stale). */
  private schedule(slot: number, at: number, periodic: boolean): void {
    const generation = (this.generation[slot]! + 1) >>> 0;
    this.generation[slot] = generation;
    this.dueAt[slot] = at;
    this.queue.schedule(at, { slot, periodic, generation });
  }

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

  private due({ slot, periodic, generation }: Wakeup, dueAt: number): void {
    if (this.stopping || dueAt >= this.endAt || generation !== this.generation[slot]) return;
    const cpe = this.cpes[slot]!;
    if (periodic) cpe.addEvent(PERIODIC);
    const startedAt = performance.now();
    this.options.metrics.latency('lateness', startedAt - dueAt, startedAt - dueAt);
    this.running[slot] = 1;
    const run = cpe.runSession(dueAt).then((result) => {
      this.inFlight.delete(run);
      this.running[slot] = 0;
      this.afterSession(slot, dueAt, result);
    });
    this.inFlight.add(run);
  }

  private afterSession(slot: number, dueAt: number, result: SessionResult): void {
    if (this.stopping) return;
    const cpe = this.cpes[slot]!;
    const now = performance.now();
    if (result.offline) {
      // Rebooting: no session ran; come back when the CPE is up (not a failure, no retry wait).
      this.schedule(slot, now + (result.wakeAfterMs ?? 0), false);
    } else if (result.ok) {
      if (result.wakeAfterMs !== undefined) {
        // Back from a reboot or a transfer done: that session replaces the periodic one; periodic informs follow it.
        this.schedule(slot, now + result.wakeAfterMs, false);
        return;
      }
      const intervalMs = cpe.periodicInformIntervalS() * 1000;
      const jitter = this.options.scenario.schedule.jitter;
      const next = dueAt + intervalMs * (1 + jitter * (2 * this.random() - 1));
      // A session longer than the interval must not queue a burst of catch-up sessions.
      this.schedule(slot, Math.max(next, now), true);
    } else {
      // A failed session keeps its retry wait (TR-069 §3.2.1.1), and a rebooting CPE cannot start earlier.
      const retryMs = result.retryAfterMs ?? cpe.retryDelayMs();
      this.schedule(slot, now + Math.max(retryMs, result.wakeAfterMs ?? 0), false);
    }
  }
}
