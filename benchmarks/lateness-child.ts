/**
 * One run of lateness.bench (`node lateness-child.js CPES INTERVAL_S`): the real fleet scheduler (Fleet, one
 * shard, this thread) runs CPES tr181 CPEs with a PeriodicInformInterval of INTERVAL_S against the stub ACS in
 * its own process, the power-on ramp spread over one interval, for DURATION_MS. Lateness is the simulator's own
 * delay from a session's due time to its start, read from the run's MetricsRegistry ('lateness' histogram).
 * A process of its own per run: no JIT state or heap carried from one fleet size to the next. The parent imports
 * nothing but types from here (importing would run it).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadProfile } from '../src/datamodel/profile-loader.js';
import { CpesimError } from '../src/errors.js';
import { Fleet } from '../src/fleet/fleet.js';
import { newHistogram, recordMs, summarize, type LatencySummary } from '../src/metrics/histogram.js';
import type { ErrorKind } from '../src/metrics/observer.js';
import { MetricsRegistry, type ProfileMetrics } from '../src/metrics/registry.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { parentChannel } from './child-process.js';
import { cpuMs, withTimeout } from './harness.js';
import { PLAIN_PATH, StubAcsProcess } from './stub-acs.js';

const PROFILE = 'tr181';
const DURATION_MS = 10_000;
/** Sessions due after this much of the run: a backlog built while cold (JIT, first connections) is over by then. */
const STEADY_AFTER_MS = 5_000;
/** Sessions still running at the end are bounded by the request timeout; this bounds the whole run. */
const RUN_TIMEOUT_MS = DURATION_MS + 30_000;

export interface LatenessSample {
  profile: string;
  durationMs: number;
  /** latenessAfterSteadyFrom: the sessions due this long into the run or later. */
  steadyAfterMs: number;
  cpes: number;
  periodicIntervalS: number;
  buildMs: number;
  wallMs: number;
  sessions: { started: number; completed: number; failed: number; perSecond: number };
  errors: Partial<Record<ErrorKind, number>>;
  clientCpuShareOfOneCore: number;
  lateness: LatencySummary;
  latenessAfterSteadyFrom: LatencySummary;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  session: LatencySummary | undefined;
}

/**
 * The registry the fleet reports to, also keeping the lateness of sessions due STEADY_AFTER_MS into the run. The
 * fleet records through the profile parts (forProfile), so each part's latency() is wrapped as it is handed out.
 */
class SteadyLateness extends MetricsRegistry {
  readonly steady = newHistogram();
  steadyFrom = Infinity;
  private readonly wrapped = new Set<ProfileMetrics>();

  override forProfile(name: string): ProfileMetrics {
    const part = super.forProfile(name);
    if (!this.wrapped.has(part)) {
      this.wrapped.add(part);
      const record = part.latency.bind(part);
      part.latency = (metric, fromIntendedMs, fromActualMs) => {
        record(metric, fromIntendedMs, fromActualMs);
        if (metric === 'lateness' && performance.now() - fromIntendedMs >= this.steadyFrom) recordMs(this.steady, fromIntendedMs);
      };
    }
    return part;
  }
}

const send = parentChannel<LatenessSample>('lateness-child');
const [cpesText, intervalText] = process.argv.slice(2);
const cpes = Number(cpesText);
const intervalS = Number(intervalText);
if (!Number.isInteger(cpes) || cpes <= 0 || !(intervalS > 0)) throw new CpesimError('CPESIM_BENCH_USAGE', 'usage: lateness-child.js CPES INTERVAL_S');

const acs = await StubAcsProcess.start(PROFILE);
try {
  const scenario: Scenario = {
    name: 'lateness-bench',
    file: undefined,
    durationMs: DURATION_MS,
    acs: { url: acs.url + PLAIN_PATH, username: undefined, password: undefined, insecure: false, ca: undefined, requestTimeoutMs: 10_000 },
    referenceAcs: { provision: false, maxConcurrentSessions: undefined },
    fleet: [{ profile: PROFILE, count: cpes }],
    schedule: { periodicIntervalS: intervalS, jitter: 0.1, rampMs: intervalS * 1000 },
    seed: 7,
  };
  const metrics = new SteadyLateness();
  const built = performance.now();
  const fleet = new Fleet({
    scenario,
    shard: { index: 0, count: 1 },
    acs: { url: scenario.acs.url!, requestTimeoutMs: scenario.acs.requestTimeoutMs },
    profiles: new Map([[PROFILE, await loadProfile(PROFILE)]]),
    metrics,
    connectionRequestUrl: (index) => `http://10.0.0.1:7547/cr/${index}`,
  });
  const buildMs = performance.now() - built;
  const before = await acs.usage();
  // Why a session is late: the loop was blocked (by sessions' synchronous work) or the core was busy elsewhere.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  metrics.steadyFrom = t0 + STEADY_AFTER_MS;
  fleet.start(t0);
  await withTimeout(
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
      await fleet.stop();
    })(),
    RUN_TIMEOUT_MS,
    'lateness run',
  );
  const wallMs = performance.now() - t0;
  const clientCpuMs = cpuMs() - cpu0;
  loopDelay.disable();
  const after = await acs.usage();
  const histogram = metrics.histogram('lateness');
  if (!histogram || histogram.totalCount === 0) throw new CpesimError('CPESIM_BENCH_SESSIONS', 'lateness run: no session started');
  const { started, completed, failed } = metrics.sessions;
  if (after.stats.ended - before.stats.ended !== completed) {
    throw new CpesimError('CPESIM_BENCH_SESSIONS', `lateness run: ${completed} sessions completed, the stub ACS ended ${after.stats.ended - before.stats.ended}`);
  }
  const session = metrics.histogram('session');
  send({
    profile: PROFILE,
    durationMs: DURATION_MS,
    steadyAfterMs: STEADY_AFTER_MS,
    cpes,
    periodicIntervalS: intervalS,
    buildMs,
    wallMs,
    sessions: { started, completed, failed, perSecond: (completed * 1000) / wallMs },
    errors: metrics.errors,
    clientCpuShareOfOneCore: clientCpuMs / wallMs,
    lateness: summarize(histogram),
    latenessAfterSteadyFrom: summarize(metrics.steady),
    eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    session: session ? summarize(session) : undefined,
  });
} finally {
  await acs.close();
}
process.disconnect?.();
