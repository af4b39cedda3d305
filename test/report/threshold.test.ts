import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { evaluateThreshold, evaluateThresholds } from '../../src/metrics/threshold-eval.js';
import { ThresholdWatch } from '../../src/metrics/threshold-watch.js';
import { parseThreshold, ThresholdSyntaxError } from '../../src/scenario/threshold.js';

test('threshold grammar: metric, aggregation, comparator and units in base units', () => {
  const p99 = parseThreshold('session.p99 < 500ms');
  assert.deepEqual(p99.metric, { kind: 'latency', name: 'session' });
  assert.deepEqual(p99.aggregation, { kind: 'percentile', percentile: 99 });
  assert.equal(p99.comparator, '<');
  assert.equal(p99.value, 500);
  const p999 = parseThreshold('inform.p99.9 < 2s');
  assert.deepEqual(p999.aggregation, { kind: 'percentile', percentile: 99.9 });
  assert.equal(p999.value, 2000);
  const rpc = parseThreshold('rpc.GetParameterValues.max<=1.5s');
  assert.deepEqual(rpc.metric, { kind: 'latency', name: 'rpc.GetParameterValues' });
  assert.equal(rpc.comparator, '<=');
  assert.equal(rpc.value, 1500);
  assert.equal(parseThreshold('errors.rate < 0.1%').value, 0.001);
  assert.equal(parseThreshold('errors.rate < 0.02').value, 0.02);
  const completed = parseThreshold('sessions.completed > 10000');
  assert.deepEqual(completed.metric, { kind: 'sessions', which: 'completed' });
  assert.deepEqual(completed.aggregation, { kind: 'count' });
  assert.deepEqual(parseThreshold('errors.timeout >= 0').metric, { kind: 'errors', errorKind: 'timeout' });
  assert.deepEqual(parseThreshold('sessions.completed.rate >= 50').aggregation, { kind: 'rate' });
  assert.equal(parseThreshold('session.mean < 20').value, 20, 'a plain latency value is milliseconds');
});

test('threshold grammar: nonsense is rejected with a reason', () => {
  for (const [expr, why] of [
    ['session.p99 500ms', /not a threshold/],
    ['session < 5ms', /needs an aggregation/],
    ['sesion.p99 < 5ms', /unknown metric "sesion"/],
    ['errors.oops > 1', /unknown error kind "oops"/],
    ['session.p99 < 5%', /use ms or s/],
    ['errors.rate < 5ms', /ratio/],
    ['errors.rate < 5', /fraction/],
    ['sessions.completed > 10s', /plain number/],
    ['sessions.failed.p99 < 1', /counter takes count or rate/],
    ['session.p0 < 1ms', /percentile/],
  ] as const) {
    assert.throws(() => parseThreshold(expr), (err: unknown) => err instanceof ThresholdSyntaxError && err.code === 'CPESIM_THRESHOLD' && why.test(err.message), expr);
  }
});

function metrics() {
  const r = new MetricsRegistry();
  for (let i = 1; i <= 100; i++) {
    r.sessionStarted();
    r.sessionCompleted();
    r.latency('session', i, i); // 1..100 ms
  }
  r.sessionStarted();
  r.sessionFailed('timeout', 'x');
  r.error('acs_fault', 'fault 9002');
  return mergeSnapshots([r.snapshot()]);
}

test('thresholds evaluate against merged metrics, in their units', () => {
  const m = metrics();
  const results = evaluateThresholds(
    ['session.p50 < 60ms', 'session.p99 < 50ms', 'session.max <= 0.101s', 'errors.rate < 0.5%', 'errors.rate < 1%', 'sessions.completed >= 100',
      'sessions.completed.rate >= 10', 'errors.timeout <= 1', 'errors > 1', 'inform.p99 < 1s', 'inform.count < 1'].map((e) => parseThreshold(e)),
    m,
    10_000,
  );
  assert.deepEqual(results.map((r) => r.ok), [true, false, true, false, true, true, true, true, true, false, true]);
  assert.ok(Math.abs(results[1]!.actual! - 99) < 0.2, String(results[1]!.actual));
  assert.match(results[1]!.message, /session\.p99 < 50ms failed: measured 99(\.\d+)?ms/);
  assert.match(results[3]!.message, /measured 0\.99%/);
  assert.equal(results[6]!.actual, 10);
  assert.match(results[9]!.message, /no samples/);
});

test('abortOnFail: the watch trips once after the delay; a minimum count never trips during the run', () => {
  const m = metrics();
  const tripped: string[] = [];
  const watch = new ThresholdWatch(
    [
      parseThreshold('sessions.completed > 1000', { abortOnFail: true }),
      parseThreshold('session.p99 < 50ms', { abortOnFail: true, delayMs: 5000 }),
      parseThreshold('session.p50 < 1ms'),
    ],
    (r) => tripped.push(r.expr),
  );
  watch.check(m, 1000);
  assert.deepEqual(tripped, [], 'inside its delay');
  watch.check(m, 6000);
  watch.check(m, 7000);
  assert.deepEqual(tripped, ['session.p99 < 50ms']);
  assert.equal(watch.failure?.expr, 'session.p99 < 50ms');
  assert.equal(evaluateThreshold(parseThreshold('session.p99 < 500ms'), m, 1000).ok, true);
});
