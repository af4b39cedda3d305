/**
 * `npm run bench`: runs every `*.bench.js` next to this file, one after the other, each in its own
 * child process (a clean heap for memory numbers, `--expose-gc` for the benches that measure the heap,
 * no JIT state carried from one bench to the next) and prints their reports under one header.
 * Arguments select benchmarks by name: `node dist/bench/run-all.js fleet codec`.
 * Exit code 1 when a benchmark fails or runs out of time, 2 for an unknown benchmark name.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpesimError } from '../src/errors.js';

const SUFFIX = '.bench.js';
/** Per benchmark; the whole run is meant to stay under ~3 minutes on 2 cores. */
const BENCH_TIMEOUT_MS = 120_000;

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  detail: string;
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
  const child = spawn(process.execPath, ['--expose-gc', join(benchDir, name + SUFFIX)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
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
      resolve({ name, ok, seconds: (performance.now() - started) / 1000, detail });
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
console.log(
  `cpesim benchmarks: node ${process.version}, ${availableParallelism()} CPUs. Every ratio is against a baseline ` +
    'measured in the same run; absolute numbers vary with the machine and its load.',
);
const outcomes: Outcome[] = [];
for (const name of names) outcomes.push(await runBenchmark(name));
console.log(`── ${outcomes.map((o) => `${o.name} ${o.detail} (${o.seconds.toFixed(1)} s)`).join(', ')}`);
if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
