import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDurationMs } from '../config/duration.js';
import { ConfigError } from '../errors.js';
import { colorEnabled, paint } from '../report/color.js';
import { compareSummaries, DEFAULT_TOLERANCES, type CompareCheck, type CompareTolerances } from '../report/compare.js';
import type { RunSummary } from '../report/summary.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface CompareCommandArgs {
  base: string;
  candidate: string;
  latencyTolerance?: string | undefined;
  throughputTolerance?: string | undefined;
  errorRateTolerance?: string | undefined;
  minLatencyDelta?: string | undefined;
  /** Comma-separated latency metrics (default: all both runs have). */
  metrics?: string | undefined;
}

/** `cpesim compare BASE CANDIDATE`: exit 0 when the candidate is no worse within the tolerances, 1 on a regression. */
export async function compareCommand(args: CompareCommandArgs): Promise<ExitCode> {
  const tol: CompareTolerances = {
    latency: ratio(args.latencyTolerance, DEFAULT_TOLERANCES.latency, '--latency-tolerance'),
    throughput: ratio(args.throughputTolerance, DEFAULT_TOLERANCES.throughput, '--throughput-tolerance'),
    errorRate: ratio(args.errorRateTolerance, DEFAULT_TOLERANCES.errorRate, '--error-rate-tolerance'),
    minLatencyDeltaMs: milliseconds(args.minLatencyDelta, DEFAULT_TOLERANCES.minLatencyDeltaMs, '--min-latency-delta'),
    metrics: args.metrics?.split(',').map((m) => m.trim()).filter(Boolean),
  };
  const [base, candidate] = await Promise.all([readRunSummary(args.base, 'BASE'), readRunSummary(args.candidate, 'CANDIDATE')]);
  const checks = compareSummaries(base, candidate, tol);
  const regressions = checks.filter((c) => c.regression);
  process.stdout.write(formatChecks(checks, colorEnabled(process.stdout)) + '\n');
  if (regressions.length === 0) {
    process.stdout.write('no regression\n');
    return EXIT.ok;
  }
  process.stderr.write(`cpesim compare: ${regressions.length} regression(s): ${regressions.map((r) => `${r.name} ${r.change}`).join(', ')}\n`);
  return EXIT.runFailed;
}

/** A results folder or its summary.json. */
async function readRunSummary(path: string, role: string): Promise<RunSummary> {
  const file = (await stat(path).then((s) => s.isDirectory(), () => false)) ? join(path, 'summary.json') : path;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { field: role });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not JSON`, { field: role });
  }
  const s = parsed as Partial<RunSummary>;
  if (typeof s.latency !== 'object' || typeof s.sessions?.perSecond !== 'number') {
    throw new ConfigError(`${file} is not a cpesim summary.json (no latency or sessions)`, { field: role });
  }
  return s as RunSummary;
}

/** "10%" or a fraction "0.1". */
function ratio(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) throw new ConfigError(`"${text}" is not a tolerance (examples: 10%, 0.1)`, { field: flag });
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

function milliseconds(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const ms = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : parseDurationMs(text);
  if (ms === undefined) throw new ConfigError(`"${text}" is not a duration (examples: 1ms, 0.5ms)`, { field: flag });
  return ms;
}

function formatChecks(checks: CompareCheck[], color: boolean): string {
  const c = paint(color);
  const header = ['check', 'base', 'candidate', 'change', ''];
  const rows = checks.map((k) => [k.name, String(k.base), String(k.candidate), k.change, k.regression ? 'REGRESSION' : 'ok']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [fmt(header), ...rows.map((r) => (r[4] === 'REGRESSION' ? c.red(fmt(r)) : fmt(r)))].join('\n');
}
