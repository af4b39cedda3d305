/**
 * One fleet memory sample of memory.bench (`node fleet-memory-child.js PROFILE COUNT WORKERS`): COUNT idle CPEs as
 * `cpesim run` holds them (runFleet: WORKERS worker threads, each CPE with its pending inform in a shard's timer heap,
 * its schedule draws, connection-request state and metrics), not bare VirtualCpes. The periodic interval and the
 * power-on ramp are a day long, so a handful of CPEs boot against the stub ACS (in its own process) and the rest wait.
 * Reports the whole process's RSS (every thread) once the fleet runs, and its peak while building. No forced GC: the
 * worker threads' heaps are measured as a run has them.
 */
import { CpesimError } from '../src/errors.js';
import { runFleet, type ProgressSample } from '../src/fleet/run-fleet.js';
import { mergeSnapshots } from '../src/metrics/merge.js';
import { parentChannel } from './child-process.js';
import { withTimeout } from './harness.js';
import { StubAcsProcess } from './stub-acs-process.js';

/** Long enough for a few progress samples after power-on. */
const DURATION_MS = 3_000;
/** Building 1,000,000 CPEs over the threads, their warm-up and the run are bounded by this. */
const RUN_TIMEOUT_MS = 120_000;
const DAY_S = 86_400;

export interface FleetMemorySample {
  profile: string;
  cpes: number;
  workers: number;
  /** runFleet called → power-on: compiling, building the CPEs and the warm-up, in every thread. */
  startUpMs: number;
  /** Whole process, the highest of the progress samples after power-on. */
  rssRunning: number;
  /** Whole process, the peak of its life (building included), from getrusage. */
  rssPeak: number;
  sessions: number;
}

const send = parentChannel<FleetMemorySample>('fleet-memory-child');
const [profile, countText, workersText] = process.argv.slice(2);
const cpes = Number(countText);
const workers = Number(workersText);
if (!profile || !Number.isInteger(cpes) || cpes <= 0 || !Number.isInteger(workers) || workers <= 0) {
  throw new CpesimError('CPESIM_BENCH_USAGE', 'usage: fleet-memory-child.js PROFILE COUNT WORKERS');
}

const acs = await StubAcsProcess.start(profile);
try {
  const scenario = acs.scenario('fleet-memory-bench', profile, cpes, { periodicIntervalS: DAY_S, jitter: 0.1, rampMs: DAY_S * 1000 }, DURATION_MS);
  const calledAt = performance.now();
  let poweredOnAt: number | undefined;
  let rssRunning = 0;
  const onProgress = (sample: ProgressSample) => {
    if (sample.startedAtEpochMs === undefined) return;
    poweredOnAt ??= performance.now() - sample.elapsedMs;
    rssRunning = Math.max(rssRunning, process.memoryUsage.rss());
  };
  const result = await withTimeout(runFleet(scenario, { acs: { url: scenario.acs.url!, requestTimeoutMs: 10_000 }, workers, onProgress }), RUN_TIMEOUT_MS, 'fleet memory run');
  if (result.shardFailures.length > 0) throw new CpesimError('CPESIM_BENCH_SESSIONS', `fleet memory run: shard failed: ${result.shardFailures[0]!.message}`);
  if (poweredOnAt === undefined || rssRunning === 0) throw new CpesimError('CPESIM_BENCH_SESSIONS', 'fleet memory run: no progress sample after power-on');
  const { started } = mergeSnapshots(result.snapshots).sessions;
  send({
    profile,
    cpes: result.cpes,
    workers,
    startUpMs: poweredOnAt - calledAt,
    rssRunning,
    rssPeak: process.resourceUsage().maxRSS * 1024,
    sessions: started,
  });
} finally {
  await acs.close();
}
process.disconnect?.();
