/**
 * `npm run bench`: runs every `*.bench.js` next to this file, one after the other, each in its own
 * child process (a clean heap for memory numbers, `--expose-gc` for the benches that measure the heap,
 * no JIT state carried from one bench to the next) and prints their reports under one header; then one
 * table of the headline numbers beside the scale issue's targets (PASS/MISS; a miss does not fail the
 * run), and writes every number to results/bench-<timestamp>.json.
 * Arguments select benchmarks by name: `node dist/benchmarks/run-all.js session memory`.
 * Exit code 1 when a benchmark fails or runs out of time, 2 for an unknown benchmark name.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpesimError } from '../src/errors.js';
import type { BenchMessage, BenchResults, SummaryRow } from './harness.js';

const SUFFIX = '.bench.js';
/** Per benchmark; the whole run is meant to stay under ~4 minutes on 2 cores. */
const BENCH_TIMEOUT_MS = 120_000;

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  detail: string;
  results: BenchResults | undefined;
}

const benchDir = dirname(fileURLToPath(import.meta.url));

function selectBenchmarks(wanted: readonly string[]): string[] {
  const all = readdirSync(benchDir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) throw new CpesimError('CPESIM_BENCH_UNKNOWN', `no such benchmark: ${unknown.join(', ')} (have: ${all.join(', ')})`);
  if (all.length === 0) throw new CpesimError('CPESIM_BENCH_NONE', `no *${SUFFIX} files in ${benchDir}`);
  return wanted.length > 0 ? all.filter((name) => wanted.includes(name)) : all;
}

/** Runs one benchmark file; its stdout is indented under a header, its stderr passes through. */
function runBenchmark(name: string): Promise<Outcome> {
  const started = performance.now();
  console.log(`── ${name}`);
  // The IPC channel carries the benchmark's results (harness.publish); stdout is its human report.
  const child = spawn(process.execPath, ['--expose-gc', join(benchDir, name + SUFFIX)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let results: BenchResults | undefined;
  child.on('message', (m: BenchMessage) => {
    if (m.type === 'results') results = m.results;
  });
  let partial = '';
  // stdio[1] is 'pipe': stdout exists (the 4-entry stdio array loses that in the types).
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) console.log(`  ${line}`);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, BENCH_TIMEOUT_MS);
  return new Promise((resolve) => {
    const finish = (ok: boolean, detail: string): void => {
      clearTimeout(timer);
      if (partial !== '') console.log(`  ${partial}`);
      resolve({ name, ok, seconds: (performance.now() - started) / 1000, detail, results });
    };
    child.once('error', (err) => finish(false, `could not start: ${err.message}`));
    child.once('close', (code, signal) => {
      if (timedOut) finish(false, `killed after ${BENCH_TIMEOUT_MS / 1000} s`);
      else if (code === 0) finish(true, 'ok');
      else finish(false, `exit ${code ?? signal}`);
    });
  });
}

let names: string[];
try {
  names = selectBenchmarks(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof CpesimError)) throw err;
  console.error(`run-all: ${err.message}`);
  process.exit(2);
}
const startedAt = new Date();
const machine = { node: process.version, cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', loadavg: loadavg() };
console.log(
  `cpesim benchmarks: node ${machine.node}, ${machine.cpus} CPUs, load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}. ` +
    'Ratios are against baselines measured in the same run; absolute numbers vary with the machine and its load.',
);
const outcomes: Outcome[] = [];
for (const name of names) outcomes.push(await runBenchmark(name));
console.log(`── ${outcomes.map((o) => `${o.name} ${o.detail} (${o.seconds.toFixed(1)} s)`).join(', ')}`);
printTable(outcomes);
const file = writeResults(outcomes);
console.log(`results: ${relative(process.cwd(), file)}`);
if (outcomes.some((o) => !o.ok)) process.exitCode = 1;

function formatValue(row: SummaryRow): string {
  const digits = row.unit === 'x' ? 2 : row.unit === 'ms' ? 1 : 0;
  return `${row.value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${row.unit}`;
}

/** The headline numbers of every benchmark that published some, each beside its target when it has one. */
function printTable(all: readonly Outcome[]): void {
  const rows = all.flatMap((o) => (o.results?.rows ?? []).map((row) => ({ bench: o.name, row })));
  if (rows.length === 0) return;
  const width = Math.max(...rows.map(({ row }) => row.metric.length));
  console.log(`\n${'benchmark'.padEnd(10)} ${'metric'.padEnd(width)}  ${'measured'.padStart(14)}  ${'target'.padEnd(10)}  result`);
  for (const { bench, row } of rows) {
    const verdict = row.target ? (row.value <= row.target.max ? 'PASS' : 'MISS') : '';
    console.log(`${bench.padEnd(10)} ${row.metric.padEnd(width)}  ${formatValue(row).padStart(14)}  ${(row.target?.text ?? '').padEnd(10)}  ${verdict}`);
  }
}

/** results/bench-<timestamp>.json at the package root (results/ is git-ignored). */
function writeResults(all: readonly Outcome[]): string {
  const dir = fileURLToPath(new URL('../../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const benchmarks = Object.fromEntries(
    all.map((o) => [
      o.name,
      {
        ok: o.ok,
        detail: o.detail,
        seconds: o.seconds,
        rows: (o.results?.rows ?? []).map((r) => ({ ...r, ...(r.target ? { met: r.value <= r.target.max } : {}) })),
        data: o.results?.data,
      },
    ]),
  );
  writeFileSync(path, JSON.stringify({ startedAt: startedAt.toISOString(), machine, benchmarks }, null, 2) + '\n');
  return path;
}
