import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATENESS_WARNING_MS, MIN_SAMPLES_FOR_P99, bottleneckBasis, simulatorBottleneck } from '../../src/metrics/bottleneck.js';
import { newHistogram, recordMs, summarize, type LatencySummary } from '../../src/metrics/histogram.js';

const lateness = (count: number, p50: number, p99: number, max = p99): LatencySummary => ({ count, p50, p90: p50, p99, p999: max, max, mean: p50 });

test('below the sample minimum a late p99 alone is no verdict: only a late median is', () => {
  const few = MIN_SAMPLES_FOR_P99 - 1;
  assert.equal(simulatorBottleneck(lateness(few, 1, LATENESS_WARNING_MS * 10)), undefined);
  assert.equal(simulatorBottleneck(lateness(few, LATENESS_WARNING_MS, LATENESS_WARNING_MS * 10)), undefined, 'at the threshold is not above it');
  assert.deepEqual(simulatorBottleneck(lateness(few, LATENESS_WARNING_MS + 1, 200, 300)), { statistic: 'p50', lateMs: LATENESS_WARNING_MS + 1, count: few, max: 300 });
  assert.deepEqual(simulatorBottleneck(lateness(1, 40, 40)), { statistic: 'p50', lateMs: 40, count: 1, max: 40 });
});

test('from the sample minimum on the p99 decides', () => {
  const enough = MIN_SAMPLES_FOR_P99;
  assert.deepEqual(simulatorBottleneck(lateness(enough, 1, LATENESS_WARNING_MS + 0.5, 90)), { statistic: 'p99', lateMs: LATENESS_WARNING_MS + 0.5, count: enough, max: 90 });
  assert.equal(simulatorBottleneck(lateness(enough, 1, LATENESS_WARNING_MS, 5000)), undefined, 'a late max alone is no verdict');
});

test('nothing measured is no verdict', () => {
  assert.equal(simulatorBottleneck(undefined), undefined);
  assert.equal(simulatorBottleneck(lateness(0, 0, 0)), undefined);
});

test('the quickstart case: ~80 sessions, one stalled by a GC pause, is no bottleneck; the same stall rate over 2,000 is not either, a 2 % tail is', () => {
  const run = (n: number, late: number, lateMs: number) => {
    const h = newHistogram();
    for (let i = 0; i < n - late; i++) recordMs(h, 0.5);
    for (let i = 0; i < late; i++) recordMs(h, lateMs);
    return simulatorBottleneck(summarize(h));
  };
  assert.equal(run(80, 1, 300), undefined);
  assert.equal(run(2000, 1, 300), undefined);
  const tail = run(2000, 40, 300);
  assert.equal(tail?.statistic, 'p99');
  assert.ok(tail!.lateMs > 299, JSON.stringify(tail));
  assert.equal(bottleneckBasis(tail!), 'p99 of 2000 sessions');
  assert.equal(bottleneckBasis(run(80, 60, 300)!), 'median of 80 sessions');
  assert.equal(bottleneckBasis({ statistic: 'p50', lateMs: 30, count: 1, max: 30 }), 'median of 1 session');
});
