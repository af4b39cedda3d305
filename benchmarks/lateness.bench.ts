/**
 * Scheduler lateness at ~1,000 sessions/s with 100,000 CPEs (PeriodicInformInterval 100 s, power-on ramp 100 s:
 * ~10,000 of them power on in the 10 s run while the rest wait in the timer heaps), run as `cpesim run` runs a fleet
 * (lateness-child.ts: runFleet, warm-up, start barrier), each run in a process of its own:
 *   - with the default worker threads (one per core): the configuration the target is stated for;
 *   - on one worker thread: what a single thread sustains (with a busy thread, any stall becomes a backlog).
 * Lateness is the simulator's own delay from a session's due time to its start. Target (scale issue #7): p99
 * <= 10 ms at 100,000 CPEs, judged on the median of three runs of the default configuration, leaving out runs in
 * which the hypervisor took more than STEAL_LIMIT_PERCENT of the host (steal): while a vCPU is taken, every thread on
 * it stands still, so such a run measures the host. Every run is printed with its steal; when all of them lost that
 * much there is no verdict. Run: node dist/benchmarks/lateness.bench.js
 */
import { availableParallelism } from 'node:os';
import { BenchChild } from './child-process.js';
import { publish, type SummaryRow } from './harness.js';
import type { LatenessSample } from './lateness-child.js';

const TARGET_P99_MS = 10;
const CPES = 100_000;
const INTERVAL_S = 100;
const DEFAULT_WORKERS = availableParallelism();
/** The default configuration first (the target's row); one thread only adds information when there are more cores. */
const WORKER_COUNTS = DEFAULT_WORKERS > 1 ? [DEFAULT_WORKERS, 1] : [1];
/** Runs of the default configuration; its reported run is the one with the median p99 (the upper one of two). */
const DEFAULT_RUNS = 3;
/** Runs whose host lost more CPU than this to steal are left out of the verdict (still printed and saved). */
const STEAL_LIMIT_PERCENT = 5;
/** Building 100,000 CPEs, the warm-up, the 10 s run and the drain, on a loaded machine. */
const RUN_TIMEOUT_MS = 120_000;

function run(workers: number): Promise<LatenessSample> {
  return BenchChild.result(new URL('./lateness-child.js', import.meta.url), [String(CPES), String(INTERVAL_S), String(workers)], RUN_TIMEOUT_MS);
}

/** One run's report; `run` numbers it when the configuration runs more than once. */
function printRun(s: LatenessSample, run: string): void {
  const l = s.lateness;
  const threads = `${s.workers} worker thread${s.workers === 1 ? '' : 's'}${s.workers === DEFAULT_WORKERS ? ' (default: one per core)' : ''}`;
  console.log(
    `Fleet scheduler${run}, ${threads}: ${CPES.toLocaleString('en-US')} ${s.profile} CPEs, PeriodicInformInterval ${INTERVAL_S} s, ramp ${INTERVAL_S} s, ` +
      `${s.durationMs / 1000} s against the stub ACS (own process); start-up (build + warm-up) ${(s.startUpMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  sessions started ${s.sessions.started}, completed ${s.sessions.completed}, failed ${s.sessions.failed}; ${s.sessions.perSecond.toFixed(0)} sessions/s; ` +
      `client CPU ${(s.clientCpuShareOfOneCore * 100).toFixed(0)}% of one core, ${s.clientCpuUsPerSession.toFixed(0)} µs per session`,
  );
  console.log(`  lateness ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  max ${l.max}  (n=${l.count})`);
  // What held the threads' event loops meanwhile: their own GC pauses, and CPU the hypervisor gave other guests.
  const gc = s.gcPause;
  if (gc) console.log(`  worker GC pauses ms: p50 ${gc.p50}  p90 ${gc.p90}  p99 ${gc.p99}  max ${gc.max}  (n=${gc.count})`);
  if (s.hostCpu) console.log(`  host CPU during the run: ${s.hostCpu.busyPercent}% busy, ${s.hostCpu.stealPercent}% steal (taken by the hypervisor)`);
  if (s.sessions.failed > 0) console.log(`  errors: ${JSON.stringify(s.errors)}`);
}

const samples: LatenessSample[] = [];
const rows: SummaryRow[] = [];
for (const workers of WORKER_COUNTS) {
  const runs = workers === DEFAULT_WORKERS ? DEFAULT_RUNS : 1;
  const these: LatenessSample[] = [];
  for (let k = 1; k <= runs; k++) {
    const sample = await run(workers);
    printRun(sample, runs > 1 ? ` (run ${k} of ${runs})` : '');
    these.push(sample);
  }
  samples.push(...these);
  const judged = these.filter((r) => (r.hostCpu?.stealPercent ?? 0) <= STEAL_LIMIT_PERCENT);
  const basis = judged.length > 0 ? judged : these;
  // The run with the median p99 stands for the configuration: its other rows (rate, GC, steal) are that run's.
  const s = [...basis].sort((a, b) => a.lateness.p99 - b.lateness.p99)[basis.length >> 1]!;
  const l = s.lateness;
  if (workers === DEFAULT_WORKERS) {
    const verdict = judged.length === 0 ? 'no verdict' : l.p99 <= TARGET_P99_MS ? 'PASS' : 'MISS';
    const p99s = these.map((r) => `${r.lateness.p99} ms at ${r.hostCpu?.stealPercent ?? '?'}% steal`).join(', ');
    console.log(
      `  target: lateness p99 <= ${TARGET_P99_MS} ms on the median of the runs with <= ${STEAL_LIMIT_PERCENT}% steal (${judged.length} of ${runs}): ` +
        `${judged.length > 0 ? `${l.p99} ms` : 'none'}, ${verdict}  [runs: ${p99s}]`,
    );
  }
  const median = runs === 1 ? '' : judged.length > 0 ? `, the median of ${judged.length} run(s) with <= ${STEAL_LIMIT_PERCENT}% steal` : `, the median of ${runs} runs, all with steal`;
  const label = `${CPES.toLocaleString('en-US')} CPEs, ${workers} thread${workers === 1 ? '' : 's'}${median}`;
  rows.push({ metric: `sessions/s achieved (lateness run, ${label})`, value: s.sessions.perSecond, unit: '/s' });
  rows.push({
    metric: `scheduler lateness p99 at ~1,000 sessions/s, ${label}`,
    value: l.p99,
    unit: 'ms',
    ...(workers === DEFAULT_WORKERS && judged.length > 0 ? { target: { max: TARGET_P99_MS, text: `<= ${TARGET_P99_MS} ms` } } : {}),
  });
  if (s.gcPause) rows.push({ metric: `worker GC pause max (lateness run, ${label})`, value: s.gcPause.max, unit: 'ms' });
  if (s.hostCpu) rows.push({ metric: `host CPU steal (lateness run, ${label})`, value: s.hostCpu.stealPercent, unit: '%' });
}
publish({ rows, data: { runs: samples } });
