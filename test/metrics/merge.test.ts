import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/fleet/random.js';
import { summarize } from '../../src/metrics/histogram.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';

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
