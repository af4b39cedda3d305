/**
 * Regression check between two runs' summary.json (`cpesim compare BASE CANDIDATE`): latency percentiles may
 * not grow, throughput may not drop and the error rate may not rise beyond the tolerances. Pure: the command
 * reads the files and prints.
 */
import type { LatencySummary } from '../metrics/histogram.js';
import { SIMULATOR_LATENCIES } from '../metrics/observer.js';
import type { RunSummary } from './summary.js';

export interface CompareTolerances {
  /** Allowed relative latency increase (0.1 = +10 %). */
  latency: number;
  /** Latency increases below this (ms) are noise, whatever the ratio (0.2 ms → 0.4 ms is not a regression). */
  minLatencyDeltaMs: number;
  /** Allowed relative drop of completed sessions per second. */
  throughput: number;
  /** Allowed absolute rise of the failed-session ratio (0.001 = 0.1 percentage points). */
  errorRate: number;
  /** Latency metrics to compare; undefined: every metric both runs measured. */
  metrics?: string[] | undefined;
}

export const DEFAULT_TOLERANCES: CompareTolerances = { latency: 0.1, minLatencyDeltaMs: 1, throughput: 0.1, errorRate: 0.001 };

const PERCENTILES = ['p50', 'p90', 'p99'] as const satisfies readonly (keyof LatencySummary)[];

export interface CompareCheck {
  name: string;
  base: number;
  candidate: number;
  /** Human-readable change, e.g. "+12.5%". */
  change: string;
  regression: boolean;
}

export function compareSummaries(base: RunSummary, candidate: RunSummary, tol: CompareTolerances): CompareCheck[] {
  const checks: CompareCheck[] = [];
  const names = tol.metrics ?? Object.keys(base.latency).filter((n) => n in candidate.latency && !SIMULATOR_LATENCIES.has(n));
  for (const name of names) {
    const b = base.latency[name];
    const c = candidate.latency[name];
    if (!b || !c || b.count === 0 || c.count === 0) continue;
    for (const p of PERCENTILES) {
      const delta = c[p] - b[p];
      checks.push({
        name: `${name}.${p} (ms)`,
        base: b[p],
        candidate: c[p],
        change: relative(b[p], c[p]),
        regression: delta > tol.minLatencyDeltaMs && c[p] > b[p] * (1 + tol.latency),
      });
    }
  }
  checks.push({
    name: 'sessions.perSecond',
    base: base.sessions.perSecond,
    candidate: candidate.sessions.perSecond,
    change: relative(base.sessions.perSecond, candidate.sessions.perSecond),
    regression: candidate.sessions.perSecond < base.sessions.perSecond * (1 - tol.throughput),
  });
  const rb = errorRate(base);
  const rc = errorRate(candidate);
  checks.push({
    name: 'errors.rate (%)',
    base: round(rb * 100),
    candidate: round(rc * 100),
    change: `${rc - rb >= 0 ? '+' : ''}${round((rc - rb) * 100)} pp`,
    regression: rc - rb > tol.errorRate,
  });
  return checks;
}

/** Failed sessions per ended session (the `errors.rate` of thresholds). */
function errorRate(s: RunSummary): number {
  const ended = s.sessions.completed + s.sessions.failed;
  return ended === 0 ? 0 : s.sessions.failed / ended;
}

function relative(base: number, candidate: number): string {
  if (base === 0) return candidate === 0 ? '0%' : 'new';
  const r = ((candidate - base) / base) * 100;
  return `${r >= 0 ? '+' : ''}${round(r)}%`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
