import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { LATENESS_WARNING_MS } from '../../src/metrics/bottleneck.js';
import { buildSummary } from '../../src/report/summary.js';
import { formatSummaryTable } from '../../src/report/plain-text.js';

function summaryWithLateness(lateMs: number, onTime = 0) {
  const metrics = new MetricsRegistry();
  for (let i = 0; i < 5; i++) metrics.cpeState(undefined, 'booting');
  for (let i = 0; i < 3; i++) metrics.cpeState('booting', 'online');
  metrics.cpeState('online', 'offline');
  for (let i = 0; i < 100; i++) {
    metrics.sessionStarted();
    metrics.sessionCompleted();
    metrics.latency('lateness', lateMs, lateMs);
    metrics.latency('session', 20 + lateMs, 20);
  }
  for (let i = 0; i < onTime; i++) metrics.latency('lateness', 1, 1);
  metrics.sessionStarted();
  metrics.sessionFailed('timeout', 'no answer in 30000 ms');
  return buildSummary({ scenario: 't', startedAt: new Date(0), acsUrl: 'http://127.0.0.1:1/', cpes: 5, durationMs: 10_000, metrics: mergeSnapshots([metrics.snapshot()]) });
}

test('summary.json carries the contract fields in milliseconds', () => {
  const s = summaryWithLateness(1);
  assert.equal(s.cpes, 5);
  assert.equal(s.durationS, 10);
  assert.deepEqual(s.sessions, { started: 101, completed: 100, failed: 1, perSecond: 10 });
  assert.deepEqual(s.errors, { timeout: 1 });
  const session = s.latency['session']!;
  assert.equal(session.count, 100);
  assert.ok(Math.abs(session.p50 - 21) < 0.05, String(session.p50));
  assert.ok(Math.abs(s.latencyFromSend['session']!.p99 - 20) < 0.05);
  assert.deepEqual(s.warnings, []);
  assert.deepEqual(s.cpeStates, { online: 2, booting: 2, offline: 1 });
  const table = formatSummaryTable(s, 'x/summary.json');
  assert.match(table, /cpes at the end: online 2, booting 2, offline 1/);
  // The simulator's own row says what it is; the ACS's rows carry no note.
  assert.match(table, /^lateness +100 .*\(simulator lateness: due → started\)$/m);
  assert.match(table, /^session +100 [^(]*$/m);
});

test('a late simulator is called out in the summary and the table', () => {
  const s = summaryWithLateness(LATENESS_WARNING_MS * 4);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /simulator was the bottleneck: sessions started 100(\.\d+)? ms after they were due \(median of 100 sessions, max 100(\.\d+)? ms\)/);
  assert.match(formatSummaryTable(s, 'x/summary.json'), /WARNING: the simulator was the bottleneck/);
});

test('the bottleneck warning names what was measured meanwhile: the threads\' GC pauses and notable host steal', () => {
  const metrics = new MetricsRegistry();
  for (let i = 0; i < 100; i++) metrics.latency('lateness', LATENESS_WARNING_MS * 4, LATENESS_WARNING_MS * 4);
  for (const pause of [2, 3, 40]) metrics.latency('gcPause', pause, pause);
  const build = (stealPercent: number) =>
    buildSummary({
      scenario: 't', startedAt: new Date(0), acsUrl: 'http://127.0.0.1:1/', cpes: 1, durationMs: 1000,
      metrics: mergeSnapshots([metrics.snapshot()]), hostCpu: { busyPercent: 90, stealPercent },
    });
  const stolen = build(12.5);
  assert.equal(stolen.warnings.length, 1);
  assert.match(stolen.warnings[0]!, /measured meanwhile: its threads' GC pauses: p99 40(\.\d+)? ms, max 40(\.\d+)? ms; the hypervisor withheld 12\.5% of the host's CPU \(steal\)/);
  assert.deepEqual(stolen.hostCpu, { busyPercent: 90, stealPercent: 12.5 });
  assert.match(formatSummaryTable(stolen, 'x/summary.json'), /host CPU from power-on: 90% busy, 12\.5% steal/);
  // A little steal explains nothing and is left out; the GC pauses stay.
  const quiet = build(1);
  assert.doesNotMatch(quiet.warnings[0]!, /steal/);
  assert.match(quiet.warnings[0]!, /GC pauses/);
  // On time: no warning, whatever the pauses.
  assert.deepEqual(summaryWithLateness(1).warnings, []);
});

test('the bottleneck warning needs a late median on a small run and a late p99 on a large one', () => {
  // 100 late of 180 (small run): the median is late.
  assert.equal(summaryWithLateness(LATENESS_WARNING_MS * 4, 80).warnings.length, 1);
  // 100 late of 300: p99 and p90 are late, the median is not: too few samples for a p99 to be a percentile.
  assert.deepEqual(summaryWithLateness(LATENESS_WARNING_MS * 4, 200).warnings, []);
  // 100 late of 5,000 (2 %): the p99 is late and rests on enough samples.
  const large = summaryWithLateness(LATENESS_WARNING_MS * 4, 4900);
  assert.equal(large.warnings.length, 1);
  assert.match(large.warnings[0]!, /\(p99 of 5000 sessions, max 100(\.\d+)? ms\)/);
  // 100 late of 20,000 (0.5 %): below the p99.
  assert.deepEqual(summaryWithLateness(LATENESS_WARNING_MS * 4, 19_900).warnings, []);
});

test('summary.json carries the named counters (sorted, through JSON); the table shows them only when non-zero', () => {
  const a = new MetricsRegistry();
  const b = new MetricsRegistry();
  a.count('cr.http.received', 4);
  a.count('cr.http.rejected.unauthenticated', 2);
  a.count('cr.http.accepted');
  b.count('cr.http.received', 3);
  b.count('cr.http.merged');
  b.count('cr.http.rejected.unauthenticated');
  a.count('cr.http.rejected.malformed');
  b.count('cr.http.rejected.not_found');
  const summary = buildSummary({ scenario: 't', startedAt: new Date(0), acsUrl: 'http://127.0.0.1:1/', cpes: 0, durationMs: 1000, metrics: mergeSnapshots([a.snapshot(), b.snapshot()]) });
  const written = JSON.parse(JSON.stringify(summary)) as typeof summary;
  assert.deepEqual(Object.keys(written.counters!), [
    'cr.http.accepted', 'cr.http.merged', 'cr.http.received', 'cr.http.rejected.malformed', 'cr.http.rejected.not_found', 'cr.http.rejected.unauthenticated',
  ]);
  assert.deepEqual(written.counters, {
    'cr.http.accepted': 1, 'cr.http.merged': 1, 'cr.http.received': 7,
    'cr.http.rejected.malformed': 1, 'cr.http.rejected.not_found': 1, 'cr.http.rejected.unauthenticated': 3,
  });
  assert.match(
    formatSummaryTable(written, 'x/summary.json'),
    /^connection requests \(http\): received 7, accepted 1, merged 1, rejected 5 \(malformed 1, not_found 1, unauthenticated 3\)$/m,
  );
  const quiet = summaryWithLateness(1);
  assert.deepEqual(quiet.counters, {});
  assert.doesNotMatch(formatSummaryTable(quiet, 'x/summary.json'), /connection requests/);
  assert.doesNotMatch(formatSummaryTable({ ...quiet, counters: { 'cr.http.received': 0 } }, 'x/summary.json'), /connection requests/);
});
