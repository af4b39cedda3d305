import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/random.js';
import { summarize } from '../../src/metrics/histogram.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { CounterError } from '../../src/metrics/counters.js';

test('shards merged from encoded snapshots equal one registry that saw every sample', () => {
  const random = seededRandom(1);
  const control = new MetricsRegistry();
  const shards = [new MetricsRegistry(), new MetricsRegistry(), new MetricsRegistry()];
  for (let i = 0; i < 30_000; i++) {
    const shard = shards[i % shards.length]!;
    const intended = random() * 2000;
    const actual = intended * random();
    for (const r of [control, shard]) {
      r.sessionStarted();
      if (i % 17 === 0) r.sessionFailed('timeout', `sample ${i}`);
      else r.sessionCompleted();
      r.latency('session', intended, actual);
      r.bytes(100, 200);
    }
  }
  const merged = mergeSnapshots(shards.map((s) => s.snapshot()));
  const single = mergeSnapshots([control.snapshot()]);
  assert.deepEqual(merged.sessions, control.sessions);
  assert.deepEqual(merged.errors, control.errors);
  assert.deepEqual(merged.bytes, control.bytesTotal);
  const m = merged.latency.get('session')!;
  const c = single.latency.get('session')!;
  assert.equal(m.intended.totalCount, 30_000);
  assert.deepEqual(summarize(m.intended), summarize(c.intended));
  assert.deepEqual(summarize(m.actual), summarize(c.actual));
});

test('error samples keep the first distinct details per kind, bounded', () => {
  const r = new MetricsRegistry();
  for (let i = 0; i < 20; i++) r.error('protocol', `bad ${i % 2 === 0 ? i : i - 1}`);
  for (let i = 0; i < 20; i++) r.error('protocol', `bad ${i}`);
  const snap = r.snapshot();
  assert.equal(snap.errors.protocol, 40);
  assert.deepEqual(snap.errorSamples.protocol, ['bad 0', 'bad 2', 'bad 4', 'bad 6', 'bad 8']);
  const merged = mergeSnapshots([snap, snap]);
  assert.deepEqual(merged.errorSamples.protocol, ['bad 0', 'bad 2', 'bad 4', 'bad 6', 'bad 8']);
  assert.equal(merged.errors.protocol, 80);
});

test('gauges: CPE states follow transitions and merge by sum, with sessions in flight', () => {
  const a = new MetricsRegistry();
  const b = new MetricsRegistry();
  for (let i = 0; i < 3; i++) a.cpeState(undefined, 'booting');
  a.cpeState('booting', 'online');
  a.cpeState('booting', 'online');
  a.cpeState('online', 'offline');
  b.cpeState(undefined, 'booting');
  b.cpeState('booting', 'offline');
  b.sessionStarted();
  b.sessionStarted();
  b.sessionCompleted();
  a.sessionStarted();
  assert.deepEqual(a.snapshot().cpes, { booting: 1, online: 1, offline: 1 });
  assert.equal(a.snapshot().sessionsInFlight, 1);
  const merged = mergeSnapshots([a.snapshot(), b.snapshot()]);
  assert.deepEqual(merged.cpes, { booting: 1, online: 1, offline: 2 });
  assert.equal(merged.sessionsInFlight, 2);
  assert.deepEqual(mergeSnapshots([]).cpes, { booting: 0, online: 0, offline: 0 });
});

test('named counters merge exactly across snapshots; a snapshot without counters (older shard) adds nothing', () => {
  const shards = [new MetricsRegistry(), new MetricsRegistry(), new MetricsRegistry()];
  const control = new MetricsRegistry();
  for (let i = 0; i < 1000; i++) {
    const shard = shards[i % shards.length]!;
    for (const r of [shard, control]) {
      r.count('cr.http.received');
      if (i % 3 === 0) r.count('cr.http.rejected.unauthenticated');
      else if (i % 7 === 0) r.count('cr.http.merged');
      else r.count('cr.http.accepted');
    }
  }
  shards[1]!.count('cr.http.rejected.malformed', 5);
  control.count('cr.http.rejected.malformed', 5);
  const { counters: _dropped, ...older } = shards[0]!.snapshot();
  const merged = mergeSnapshots([...shards.map((s) => s.snapshot()), older as Parameters<typeof mergeSnapshots>[0][number]]);
  assert.deepEqual(merged.counters, control.counters);
  assert.notDeepEqual(shards[0]!.counters, {}, 'the older snapshot would have added something');
  assert.equal(control.counters['cr.http.received'], 1000);
  assert.equal(
    (control.counters['cr.http.accepted'] ?? 0) + (control.counters['cr.http.merged'] ?? 0) + (control.counters['cr.http.rejected.unauthenticated'] ?? 0),
    1000,
  );
  assert.equal(merged.profiles.size, 0, 'counters are totals only');
});

test('counters only go up by whole numbers: anything else is a typed error', () => {
  const r = new MetricsRegistry();
  for (const bad of [-1, 0.5, Number.NaN]) {
    assert.throws(() => r.count('cr.http.received', bad), (err: unknown) => err instanceof CounterError && err.code === 'CPESIM_COUNTER');
  }
  r.count('cr.http.received', 0);
  assert.deepEqual(r.snapshot().counters, { 'cr.http.received': 0 });
});
