/**
 * Pass/fail criteria of a run (`thresholds:` in a scenario, `--threshold` on the command line), parsed from
 * expressions like `session.p99 < 500ms`, `inform.p99.9 < 2s`, `errors.rate < 0.1%`, `sessions.completed > 10000`.
 * Parsing is separate from evaluation (metrics/threshold-eval.ts) so a bad expression is rejected when the scenario
 * loads, before anything runs.
 */
import { CpesimError } from '../errors.js';

export type Comparator = '<' | '<=' | '>' | '>=';

/** Latency aggregations (`pNN` is any percentile in (0, 100]); `count`/`rate` also apply to counters. */
export type Aggregation = { kind: 'percentile'; percentile: number } | { kind: 'max' | 'mean' | 'count' | 'rate' };

/** What a threshold measures: a latency histogram (from the due time) or a counter. */
export type ThresholdMetric =
  | { kind: 'latency'; name: string }
  | { kind: 'sessions'; which: 'started' | 'completed' | 'failed' }
  /** `errors` (all kinds) or `errors.<kind>`. */
  | { kind: 'errors'; errorKind: string | undefined };

export interface Threshold {
  /** The expression as written (the JUnit test case name). */
  expr: string;
  metric: ThresholdMetric;
  aggregation: Aggregation;
  comparator: Comparator;
  /** In the metric's base unit: milliseconds for latencies, a fraction for ratios, a number otherwise. */
  value: number;
  /** Checked during the run too: the run stops as soon as it fails (after `delayMs`). */
  abortOnFail: boolean;
  /** Time after the start before a during-run check may abort (lets the fleet warm up). */
  delayMs: number;
  /** Evaluated on this profile's part of the metrics only (the fleet group's `profile`, as the metrics key it). */
  profile?: string | undefined;
}

/** The expression, with its profile when scoped to one: the name in summaries and JUnit (one per profile). */
export function thresholdLabel(t: Pick<Threshold, 'expr' | 'profile'>): string {
  return t.profile === undefined ? t.expr : `${t.expr} [profile ${t.profile}]`;
}

/** A threshold expression that cannot be parsed or makes no sense (wrong unit, unknown metric). */
export class ThresholdSyntaxError extends CpesimError {
  constructor(message: string) {
    super('CPESIM_THRESHOLD', message);
  }
}

const LATENCY_NAMES = new Set(['session', 'inform', 'emptyPost', 'connect', 'tls', 'lateness', 'gcPause']);
const ERROR_KINDS = new Set([
  'connect_refused', 'connect_timeout', 'timeout', 'reset', 'tls', 'dns', 'http_status', 'auth_failed',
  'redirect_loop', 'overloaded', 'acs_fault', 'protocol', 'local_address', 'power_cut', 'internal',
]);

const EXPRESSION = /^\s*([A-Za-z][\w.]*?)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|%)?\s*$/;
/** A trailing aggregation; the lazy metric part keeps `inform.p99.9` as inform + p99.9. */
const WITH_AGGREGATION = /^(.+?)\.(p[0-9]+(?:\.[0-9]+)?|max|mean|count|rate)$/;

export function parseThreshold(expr: string, opts: { abortOnFail?: boolean; delayMs?: number; profile?: string | undefined } = {}): Threshold {
  const m = EXPRESSION.exec(expr);
  if (!m) {
    throw new ThresholdSyntaxError(
      `"${expr}" is not a threshold: write METRIC.AGGREGATION COMPARATOR VALUE, e.g. "session.p99 < 500ms", "errors.rate < 0.1%", "sessions.completed > 1000"`,
    );
  }
  const [, lhs, comparator, number, unit] = m as unknown as [string, string, Comparator, string, string | undefined];
  const split = WITH_AGGREGATION.exec(lhs);
  const metric = parseMetric(split ? split[1]! : lhs, expr);
  const aggregation = split ? parseAggregation(split[2]!, expr) : defaultAggregation(metric, expr);
  const value = scaleValue(metric, aggregation, Number(number), unit, expr);
  const threshold: Threshold = { expr: expr.trim(), metric, aggregation, comparator, value, abortOnFail: opts.abortOnFail ?? false, delayMs: opts.delayMs ?? 0 };
  if (opts.profile !== undefined) threshold.profile = opts.profile;
  return threshold;
}

function parseMetric(name: string, expr: string): ThresholdMetric {
  if (LATENCY_NAMES.has(name) || /^rpc\.[A-Za-z]\w*$/.test(name)) return { kind: 'latency', name };
  const sessions = /^sessions\.(started|completed|failed)$/.exec(name);
  if (sessions) return { kind: 'sessions', which: sessions[1] as 'started' | 'completed' | 'failed' };
  if (name === 'errors') return { kind: 'errors', errorKind: undefined };
  const error = /^errors\.(\w+)$/.exec(name);
  if (error) {
    if (!ERROR_KINDS.has(error[1]!)) throw new ThresholdSyntaxError(`"${expr}": unknown error kind "${error[1]}" (one of ${[...ERROR_KINDS].join(', ')})`);
    return { kind: 'errors', errorKind: error[1] };
  }
  throw new ThresholdSyntaxError(
    `"${expr}": unknown metric "${name}" (latencies: ${[...LATENCY_NAMES].join(', ')}, rpc.<Method>; counters: sessions.started, sessions.completed, sessions.failed, errors, errors.<kind>)`,
  );
}

function parseAggregation(text: string, expr: string): Aggregation {
  if (text.startsWith('p')) {
    const percentile = Number(text.slice(1));
    if (!(percentile > 0 && percentile <= 100)) throw new ThresholdSyntaxError(`"${expr}": percentile ${text} must be in (0, 100]`);
    return { kind: 'percentile', percentile };
  }
  return { kind: text as 'max' | 'mean' | 'count' | 'rate' };
}

function defaultAggregation(metric: ThresholdMetric, expr: string): Aggregation {
  if (metric.kind === 'latency') throw new ThresholdSyntaxError(`"${expr}": a latency needs an aggregation (p50, p90, p99, p99.9, max, mean, count, rate)`);
  return { kind: 'count' };
}

/** Converts the written value into the base unit, rejecting units that do not fit the aggregation. */
function scaleValue(metric: ThresholdMetric, agg: Aggregation, n: number, unit: string | undefined, expr: string): number {
  const isTime = metric.kind === 'latency' && (agg.kind === 'percentile' || agg.kind === 'max' || agg.kind === 'mean');
  // errors.rate is a ratio (failed sessions per ended session); any other rate is per second.
  const isRatio = metric.kind === 'errors' && agg.kind === 'rate';
  if (metric.kind !== 'latency' && agg.kind !== 'count' && agg.kind !== 'rate') {
    throw new ThresholdSyntaxError(`"${expr}": a counter takes count or rate, not ${describe(agg)}`);
  }
  if (isTime) {
    if (unit === '%') throw new ThresholdSyntaxError(`"${expr}": a latency is a time: use ms or s`);
    return unit === 's' ? n * 1000 : n;
  }
  if (isRatio) {
    if (unit === 'ms' || unit === 's') throw new ThresholdSyntaxError(`"${expr}": errors.rate is a ratio: use % or a fraction`);
    if (unit === undefined && n > 1) throw new ThresholdSyntaxError(`"${expr}": errors.rate is a fraction between 0 and 1 (or write %)`);
    return unit === '%' ? n / 100 : n;
  }
  if (unit !== undefined) throw new ThresholdSyntaxError(`"${expr}": ${describe(agg)} is a plain number, without a unit`);
  return n;
}

function describe(agg: Aggregation): string {
  return agg.kind === 'percentile' ? `p${agg.percentile}` : agg.kind;
}
