import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { VirtualCpe, type AcsEndpoint } from '../cpe/virtual-cpe.js';
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

/** Why a CPE is due: a periodic wake-up adds "2 PERIODIC"; power-on and retries resend what is pending. */
interface Wakeup {
  cpe: VirtualCpe;
  periodic: boolean;
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
        const cpe = new VirtualCpe({
          index,
          profile,
          acs: options.acs,
          observer: options.metrics,
          connectionRequestUrl: `${options.connectionRequestBaseUrl}${index}`,
          random: this.random,
        });
        if (scenario.schedule.periodicIntervalS !== undefined) {
          cpe.model.setInternal(`${profile.root}.ManagementServer.PeriodicInformInterval`, String(scenario.schedule.periodicIntervalS));
        }
        this.cpes.push(cpe);
        this.rampPosition.push(total > 1 ? index / total : 0);
      }
    }
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
    this.cpes.forEach((cpe, i) => this.queue.schedule(t0 + rampMs * this.rampPosition[i]!, { cpe, periodic: false }));
  }

  /** Stops scheduling new sessions and waits for the running ones (each bounded by the request timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.stop();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private due({ cpe, periodic }: Wakeup, dueAt: number): void {
    if (this.stopping || dueAt >= this.endAt) return;
    if (periodic) cpe.addEvent(PERIODIC);
    const startedAt = performance.now();
    this.options.metrics.latency('lateness', startedAt - dueAt, startedAt - dueAt);
    const run = cpe.runSession(dueAt).then((result) => {
      this.inFlight.delete(run);
      this.afterSession(cpe, dueAt, result.ok, result.retryAfterMs);
    });
    this.inFlight.add(run);
  }

  private afterSession(cpe: VirtualCpe, dueAt: number, ok: boolean, retryAfterMs: number | undefined): void {
    if (this.stopping) return;
    if (ok) {
      const intervalMs = cpe.periodicInformIntervalS() * 1000;
      const jitter = this.options.scenario.schedule.jitter;
      const next = dueAt + intervalMs * (1 + jitter * (2 * this.random() - 1));
      // A session longer than the interval must not queue a burst of catch-up sessions.
      this.queue.schedule(Math.max(next, performance.now()), { cpe, periodic: true });
    } else {
      this.queue.schedule(performance.now() + (retryAfterMs ?? cpe.retryDelayMs()), { cpe, periodic: false });
    }
  }
}
