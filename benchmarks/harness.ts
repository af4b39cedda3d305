/**
 * Measuring helpers shared by the benchmarks. Everything is reported as a ratio against a baseline
 * measured in the same process run, because absolute numbers on a shared, noisy machine mean little.
 */
import { CpesimError } from '../src/errors.js';

/** CPU milliseconds (user + system) of this process: steadier than wall time when other work shares the cores. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let sink = 0; // results feed this so the JIT cannot drop the measured work

function keep(value: unknown): void {
  if (value === sink) sink++;
}

/**
 * Operations per CPU-second of `fn`, after `warmup` calls. `batch` calls run between clock reads, so the
 * clock's own cost stays out of the figure for operations of a few microseconds.
 */
export function opsPerSecond(fn: () => unknown, ms = 1000, warmup = 50, batch = 1): number {
  for (let i = 0; i < warmup; i++) keep(fn());
  let n = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < batch; i++) keep(fn());
    n += batch;
    t = cpuMs();
  }
  return (n * 1000) / (t - t0);
}

/** A value read from the sink, so that a bench can "use" it once at the end. */
export function sinkValue(): number {
  return sink;
}

/** Needs `node --expose-gc` (run-all starts every bench that way). */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new CpesimError('CPESIM_BENCH_NO_GC', 'run this benchmark with node --expose-gc (npm run bench does)');
  // Two passes: the first can leave objects that only become unreachable after finalisation.
  gc();
  gc();
}

/**
 * Retained heap bytes of what `build` returns: heapUsed after a full GC, with the result alive, minus
 * heapUsed after a full GC before the build. The result is kept reachable until the second reading.
 */
export function retainedBytes<T>(build: () => T): { bytes: number; value: T } {
  fullGc();
  const before = process.memoryUsage().heapUsed;
  const value = build();
  fullGc();
  const after = process.memoryUsage().heapUsed;
  return { bytes: after - before, value };
}

/** 12345.6 → "12,346" right-aligned to `width`. */
export function int(n: number, width = 10): string {
  return Math.round(n).toLocaleString('en-US').padStart(width);
}

/** a/b as "3.2x" (two significant digits below 10). */
export function ratio(a: number, b: number): string {
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}x`;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Rejects with CPESIM_BENCH_TIMEOUT when `work` takes longer than `ms`: a hang must not eat the bench budget. */
export async function withTimeout<T>(work: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CpesimError('CPESIM_BENCH_TIMEOUT', `${label}: exceeded ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- results for run-all

/** One line of run-all's final table: a measured number, beside the scale issue's target when it has one. */
export interface SummaryRow {
  metric: string;
  value: number;
  unit: string;
  /** Met when value <= max; a miss is printed (MISS), never fails the run. */
  target?: { max: number; text: string };
}

/** What a benchmark hands to run-all: its table rows, and every number it measured (for the JSON file). */
export interface BenchResults {
  rows: SummaryRow[];
  data: Record<string, unknown>;
}

export type BenchMessage = { type: 'results'; results: BenchResults };

/** Sends the results to run-all over IPC; a benchmark run on its own has printed its report already. */
export function publish(results: BenchResults): void {
  const message: BenchMessage = { type: 'results', results };
  process.send?.(message);
}
