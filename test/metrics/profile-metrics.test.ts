import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/random.js';
import type { Histogram } from '../../src/metrics/histogram.js';
import { mergeSnapshots, type MergedCounts } from '../../src/metrics/merge.js';
import { MetricsRegistry, type ProfileMetrics } from '../../src/metrics/registry.js';

const PROFILES = ['tr098', 'profiles/custom.yaml'] as const;

/** The same stream of samples into `undivided` (one registry, no profiles) and into one profile part of a shard. */
function record(undivided: MetricsRegistry, shards: MetricsRegistry[], perProfileControl: Map<string, MetricsRegistry>): void {
  const random = seededRandom(7);
  for (let i = 0; i < 20_000; i++) {
    const profile = PROFILES[i % 3 === 0 ? 1 : 0];
    const part: ProfileMetrics = shards[i % shards.length]!.forProfile(profile);
    const intended = random() * (profile === 'tr098' ? 500 : 3000);
    const actual = intended * random();
    for (const r of [undivided, part, perProfileControl.get(profile)!]) {
      if (i < 40) r.cpeState(undefined, 'booting');
      r.sessionStarted();
      if (i % 23 === 0) r.sessionFailed('timeout', `sample ${i % 2}`);
      else r.sessionCompleted();
      r.latency('session', intended, actual);
      if (profile === 'tr098') r.latency('inform', intended / 2, actual / 2);
      r.bytes(100, 200);
    }
  }
}

/** The value at 500 evenly spaced percentiles, exact min/max, mean and spread: a fingerprint of the buckets. */
function buckets(h: Histogram): unknown {
  const percentiles = Array.from({ length: 500 }, (_, i) => h.getValueAtPercentile((i + 1) / 5));
  return { min: h.minNonZeroValue, max: h.maxValue, mean: h.mean, sd: h.stdDeviation, percentiles };
}

/** Histograms compared bucket for bucket (their encodings), counters and gauges as values. */
function assertSameCounts(actual: MergedCounts, expected: MergedCounts, what: string): void {
  assert.deepEqual(actual.sessions, expected.sessions, what);
  assert.deepEqual(actual.errors, expected.errors, what);
  assert.deepEqual(actual.bytes, expected.bytes, what);
  assert.deepEqual(actual.cpes, expected.cpes, what);
  assert.equal(actual.sessionsInFlight, expected.sessionsInFlight, what);
  assert.deepEqual([...actual.latency.keys()].sort(), [...expected.latency.keys()].sort(), what);
  for (const [name, pair] of expected.latency) {
    const got = actual.latency.get(name)!;
    for (const from of ['intended', 'actual'] as const) {
      assert.equal(got[from].totalCount, pair[from].totalCount, `${what} ${name} ${from}`);
      assert.deepEqual(buckets(got[from]), buckets(pair[from]), `${what} ${name} ${from} buckets`);
    }
  }
}

test('per-profile metrics merged over shards equal one registry per profile; the totals equal one undivided registry', () => {
  const undivided = new MetricsRegistry();
  const shards = [new MetricsRegistry(), new MetricsRegistry(), new MetricsRegistry()];
  const control = new Map(PROFILES.map((p) => [p, new MetricsRegistry()]));
  record(undivided, shards, control);
  const merged = mergeSnapshots(shards.map((s) => s.snapshot()));
  assert.deepEqual([...merged.profiles.keys()].sort(), [...PROFILES].sort());
  for (const profile of PROFILES) {
    assertSameCounts(merged.profiles.get(profile)!, mergeSnapshots([control.get(profile)!.snapshot()]), profile);
  }
  assertSameCounts(merged, mergeSnapshots([undivided.snapshot()]), 'totals');
  assert.equal(merged.latency.get('inform')!.intended.totalCount, merged.profiles.get('tr098')!.latency.get('inform')!.intended.totalCount);
  assert.equal(merged.profiles.get('profiles/custom.yaml')!.latency.has('inform'), false, 'a metric only one profile recorded');
  assert.deepEqual(merged.errorSamples, { timeout: ['sample 0', 'sample 1'] });
});

test('the registry totals (getters and histogram()) add up the profiles; recording on the registry itself counts in totals only', () => {
  const r = new MetricsRegistry();
  r.forProfile('a').sessionStarted();
  r.forProfile('a').sessionCompleted();
  r.forProfile('a').latency('session', 10, 5);
  r.forProfile('b').sessionStarted();
  r.forProfile('b').latency('session', 30, 20);
  r.forProfile('b').cpeState(undefined, 'online');
  r.sessionStarted();
  r.sessionFailed('reset', 'gone');
  assert.equal(r.forProfile('a'), r.forProfile('a'), 'one part per profile');
  assert.deepEqual(r.sessions, { started: 3, completed: 1, failed: 1 });
  assert.equal(r.inFlight, 1);
  assert.deepEqual(r.errors, { reset: 1 });
  assert.deepEqual(r.cpes, { booting: 0, online: 1, offline: 0 });
  assert.equal(r.histogram('session')!.totalCount, 2);
  assert.equal(r.histogram('session', 'actual')!.maxValue, 20_000);
  const snap = r.snapshot();
  assert.deepEqual(Object.keys(snap.profiles), ['a', 'b']);
  assert.deepEqual(snap.profiles['b']!.sessions, { started: 1, completed: 0, failed: 0 });
  assert.equal(snap.profiles['b']!.sessionsInFlight, 1);
  assert.equal(snap.sessionsInFlight, 1);
  assert.deepEqual(new MetricsRegistry().snapshot().profiles, {}, 'no profile: an empty breakdown');
});

test('snapshotInSlices equals snapshot, lets the event loop run between histograms, and includes what was recorded meanwhile', async () => {
  const shards = [new MetricsRegistry()];
  const control = new Map(PROFILES.map((p) => [p, new MetricsRegistry()] as const));
  record(new MetricsRegistry(), shards, control);
  const registry = shards[0]!;
  assert.deepEqual(await registry.snapshotInSlices(), registry.snapshot());
  // A timer due now runs before the sliced snapshot is done (the whole one would have held it up).
  let timerRan = false;
  setImmediate(() => {
    timerRan = true;
    registry.forProfile('tr098').latency('session', 1, 1);
  });
  const sliced = await registry.snapshotInSlices();
  assert.ok(timerRan);
  const counts = mergeSnapshots([sliced]).latency.get('session')!.intended.totalCount;
  assert.ok(counts === 20_000 || counts === 20_001, String(counts));
});
