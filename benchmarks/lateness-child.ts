/**
 * One run of lateness.bench (`node lateness-child.js CPES INTERVAL_S WORKERS`): the fleet as `cpesim run` runs it
 * (runFleet: WORKERS worker threads, each warmed up, a start barrier, then the shards' timer heaps) with CPES tr181
 * CPEs, PeriodicInformInterval INTERVAL_S and the power-on ramp spread over one interval, for DURATION_MS against
 * the stub ACS in its own process. Lateness is the simulator's own delay from a session's due time to its start,
 * merged over the shards. A process of its own per run: no JIT state or heap carried from one run to the next.
 * The parent imports nothing but types from here (importing would run it).
 */
import { CpesimError } from '../src/errors.js';
import { runFleet, type ProgressSample } from '../src/fleet/run-fleet.js';
import { summarize, type LatencySummary } from '../src/metrics/histogram.js';
import { mergeSnapshots } from '../src/metrics/merge.js';
import type { HostCpuShare } from '../src/metrics/host-cpu.js';
import type { ErrorKind } from '../src/metrics/observer.js';
import { parentChannel } from './child-process.js';
import { cpuMs, withTimeout } from './harness.js';
import { StubAcsProcess } from './stub-acs-process.js';

const PROFILE = 'tr181';
const DURATION_MS = 10_000;
/** Building 100,000 CPEs per thread, warm-up, the run and the drain are bounded by this. */
const RUN_TIMEOUT_MS = DURATION_MS + 60_000;

export interface LatenessSample {
  profile: string;
  durationMs: number;
  cpes: number;
  workers: number;
  periodicIntervalS: number;
  /** runFleet called → power-on: compiling, building the CPEs and the warm-up, in every thread. */
  startUpMs: number;
  sessions: { started: number; completed: number; failed: number; perSecond: number };
  errors: Partial<Record<ErrorKind, number>>;
  /** The whole client process (every thread) from the first progress sample after power-on to the end. */
  clientCpuShareOfOneCore: number;
  clientCpuUsPerSession: number;
  lateness: LatencySummary;
  session: LatencySummary | undefined;
  /** The worker threads' GC pauses from power-on (their event loops stood still meanwhile). */
  gcPause: LatencySummary | undefined;
  /** The host's CPU from power-on to the end, steal included (absent off Linux). */
  hostCpu: HostCpuShare | undefined;
}

const send = parentChannel<LatenessSample>('lateness-child');
const [cpesText, intervalText, workersText] = process.argv.slice(2);
const cpes = Number(cpesText);
const intervalS = Number(intervalText);
const workers = Number(workersText);
if (!Number.isInteger(cpes) || cpes <= 0 || !(intervalS > 0) || !Number.isInteger(workers) || workers <= 0) {
  throw new CpesimError('CPESIM_BENCH_USAGE', 'usage: lateness-child.js CPES INTERVAL_S WORKERS');
}

const acs = await StubAcsProcess.start(PROFILE);
try {
  const scenario = acs.scenario('lateness-bench', PROFILE, cpes, { periodicIntervalS: intervalS, jitter: 0.1, rampMs: intervalS * 1000 }, DURATION_MS);
  const calledAt = performance.now();
  // CPU is read from the first progress sample after power-on: building the CPEs and the warm-up are not sessions.
  let first: { at: number; cpuMs: number; sessions: number; poweredOnAt: number } | undefined;
  const onProgress = (sample: ProgressSample) => {
    if (first === undefined && sample.startedAtEpochMs !== undefined) {
      const at = performance.now();
      first = { at, cpuMs: cpuMs(), sessions: sample.sessions.completed + sample.sessions.failed, poweredOnAt: at - sample.elapsedMs };
    }
  };
  const before = await acs.usage();
  const result = await withTimeout(runFleet(scenario, { acs: { url: scenario.acs.url!, requestTimeoutMs: 10_000 }, workers, onProgress }), RUN_TIMEOUT_MS, 'lateness run');
  const endedAt = performance.now();
  const clientCpuMs = cpuMs();
  const after = await acs.usage();
  if (result.shardFailures.length > 0) throw new CpesimError('CPESIM_BENCH_SESSIONS', `lateness run: shard failed: ${result.shardFailures[0]!.message}`);
  const merged = mergeSnapshots(result.snapshots);
  const lateness = merged.latency.get('lateness')?.intended;
  if (!lateness || lateness.totalCount === 0) throw new CpesimError('CPESIM_BENCH_SESSIONS', 'lateness run: no session started');
  const { started, completed, failed } = merged.sessions;
  if (after.stats.ended - before.stats.ended !== completed) {
    throw new CpesimError('CPESIM_BENCH_SESSIONS', `lateness run: ${completed} sessions completed, the stub ACS ended ${after.stats.ended - before.stats.ended}`);
  }
  if (!first) throw new CpesimError('CPESIM_BENCH_SESSIONS', 'lateness run: no progress sample after power-on');
  const wallMs = result.durationMs + result.drainMs;
  const session = merged.latency.get('session')?.intended;
  const gcPause = merged.latency.get('gcPause')?.intended;
  send({
    profile: PROFILE,
    durationMs: DURATION_MS,
    cpes,
    workers,
    periodicIntervalS: intervalS,
    startUpMs: first.poweredOnAt - calledAt,
    sessions: { started, completed, failed, perSecond: (completed * 1000) / wallMs },
    errors: merged.errors,
    clientCpuShareOfOneCore: (clientCpuMs - first.cpuMs) / (endedAt - first.at),
    clientCpuUsPerSession: ((clientCpuMs - first.cpuMs) * 1000) / Math.max(1, completed + failed - first.sessions),
    lateness: summarize(lateness),
    session: session ? summarize(session) : undefined,
    gcPause: gcPause ? summarize(gcPause) : undefined,
    hostCpu: result.hostCpu,
  });
} finally {
  await acs.close();
}
process.disconnect?.();
