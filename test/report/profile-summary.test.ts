import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { formatSummaryTable } from '../../src/report/plain-text.js';
import { buildSummary } from '../../src/report/summary.js';

/** Two shards of a mixed fleet: tr098 fast and clean, tr181 slower with failures (latencies below 2 ms: exact in HDR). */
function mixedSummary(profiles: string[] = ['tr098', 'tr181']) {
  const shards = [new MetricsRegistry(), new MetricsRegistry()];
  for (let i = 0; i < 60; i++) {
    const profile = profiles[i % profiles.length]!;
    const part = shards[i % 2]!.forProfile(profile);
    if (i < 8) part.cpeState(undefined, i % 4 === 0 ? 'booting' : 'online');
    part.sessionStarted();
    const slow = profile === 'tr181';
    if (slow && i % 5 === 0) part.sessionFailed('timeout', 'no answer');
    else {
      part.latency('inform', slow ? 1.5 : 0.5, 0.25);
      part.latency('session', slow ? 2 : 1, 0.75);
      part.sessionCompleted();
    }
  }
  const metrics = mergeSnapshots(shards.map((s) => s.snapshot()));
  return buildSummary({ scenario: 'mixed', startedAt: new Date(0), acsUrl: 'http://127.0.0.1:1/', cpes: 8, durationMs: 10_000, metrics });
}

test('summary.json profiles: sessions, errors, CPE states and latency counts add up to the totals', () => {
  const s = mixedSummary();
  const profiles = Object.values(s.profiles!);
  assert.deepEqual(Object.keys(s.profiles!).sort(), ['tr098', 'tr181']);
  for (const key of ['started', 'completed', 'failed'] as const) {
    assert.equal(profiles.reduce((n, p) => n + p.sessions[key], 0), s.sessions[key], key);
  }
  assert.equal(profiles.reduce((n, p) => n + p.cpes, 0), s.cpes);
  for (const state of ['online', 'booting', 'offline'] as const) {
    assert.equal(profiles.reduce((n, p) => n + p.cpeStates[state], 0), s.cpeStates[state], state);
  }
  assert.equal(profiles.reduce((n, p) => n + (p.errors.timeout ?? 0), 0), s.errors.timeout);
  assert.equal(profiles.reduce((n, p) => n + p.latency['session']!.count, 0), s.latency['session']!.count);
  assert.deepEqual(s.profiles!['tr098']!.errors, {});
  assert.equal(s.profiles!['tr181']!.sessions.failed, 6);
  assert.equal(s.profiles!['tr181']!.latency['session']!.p99, 2);
  assert.equal(s.profiles!['tr098']!.latency['session']!.p99, 1);
  assert.equal(s.profiles!['tr098']!.sessions.perSecond, 3);
});

test('the summary table has a per-profile block for 2+ profiles only; the HTML report a per-profile table', () => {
  const table = formatSummaryTable(mixedSummary(), 'x/summary.json');
  assert.match(table, /per profile \(ms, from due time\) +cpes +started +completed +failed +\/s +errors +session p50 +p99 +inform p50 +p99/);
  assert.match(table, /^tr098 +4 +30 +30 +0 +3 +0 +1 +1 +0\.5 +0\.5$/m);
  assert.match(table, /^tr181 +4 +30 +24 +6 +2\.4 +6 +2 +2 +1\.5 +1\.5$/m);
  const single = mixedSummary(['tr098']);
  assert.deepEqual(Object.keys(single.profiles!), ['tr098']);
  assert.doesNotMatch(formatSummaryTable(single, 'x/summary.json'), /per profile/);
  const html = renderHtmlReport({ dir: 'x', summary: mixedSummary(), timeSeries: undefined, histograms: new Map(), scenario: undefined });
  assert.match(html, /<section id="profiles"><h2>Per profile<\/h2>/);
  assert.match(html, /<tr><th>tr181<\/th><td>4<\/td><td>30<\/td><td>24<\/td><td>6<\/td><td>2\.4<\/td><td>6<\/td><td>2<\/td><td>2<\/td><td>1\.5<\/td><td>1\.5<\/td><\/tr>/);
  const { profiles: _dropped, ...older } = mixedSummary();
  assert.doesNotMatch(renderHtmlReport({ dir: 'x', summary: older, timeSeries: undefined, histograms: new Map(), scenario: undefined }), /id="profiles"/);
});
