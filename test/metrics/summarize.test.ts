/** summarize(): percentiles come from HDR buckets, so they are clamped to the exact maximum. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newHistogram, recordMs, summarize } from '../../src/metrics/histogram.js';

test('summarize: no percentile is above the maximum (a bucket\'s upper edge can be)', () => {
  const h = newHistogram();
  for (let i = 0; i < 99; i++) recordMs(h, 1);
  recordMs(h, 127.173);
  const s = summarize(h);
  assert.equal(s.max, 127.173);
  for (const p of [s.p50, s.p90, s.p99, s.p999]) assert.ok(p <= s.max, JSON.stringify(s));
  assert.equal(s.p999, s.max, 'the top sample is the maximum itself');
  assert.ok(s.p50 >= 1 && s.p50 < 1.01, JSON.stringify(s));
});
