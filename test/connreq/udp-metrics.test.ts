/** UDP and STUN counters in the outputs: summary table lines, Prometheus families (the STUN ones apart from requests). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterLabels, stunCounterLabels } from '../../src/metrics/counters.js';
import { IntervalDeltas } from '../../src/metrics/intervals.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { PrometheusExporter } from '../../src/metrics/prometheus.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { formatSummaryTable } from '../../src/report/plain-text.js';
import { buildSummary } from '../../src/report/summary.js';

function registry(): MetricsRegistry {
  const r = new MetricsRegistry();
  r.count('cr.udp.received', 6);
  r.count('cr.udp.accepted', 2);
  r.count('cr.udp.rejected.bad_signature', 3);
  r.count('cr.udp.rejected.replayed');
  r.count('stun.requests', 10);
  r.count('stun.responses', 8);
  r.count('stun.errors.timeout', 2);
  r.count('cr.http.received');
  r.count('cr.http.accepted');
  return r;
}

test('counter names: connection-request labels for cr.*, STUN labels for stun.*, never both', () => {
  assert.deepEqual(counterLabels('cr.udp.rejected.stale'), { transport: 'udp', outcome: 'rejected', reason: 'stale' });
  assert.equal(counterLabels('stun.requests'), undefined);
  assert.deepEqual(stunCounterLabels('stun.errors.timeout'), { kind: 'errors', reason: 'timeout' });
  assert.deepEqual(stunCounterLabels('stun.responses'), { kind: 'responses' });
  assert.equal(stunCounterLabels('cr.udp.received'), undefined);
});

test('the summary table has a udp line and a stun line', () => {
  const summary = buildSummary({ scenario: 't', startedAt: new Date(0), acsUrl: 'http://127.0.0.1:1/', cpes: 0, durationMs: 1000, metrics: mergeSnapshots([registry().snapshot()]) });
  const table = formatSummaryTable(summary, 'x/summary.json');
  assert.match(table, /^connection requests \(udp\): received 6, accepted 2, merged 0, rejected 4 \(bad_signature 3, replayed 1\)$/m);
  assert.match(table, /^connection requests \(http\): received 1, accepted 1, merged 0, rejected 0$/m);
  assert.match(table, /^stun: requests 10, responses 8, errors 2 \(timeout 2\)$/m);
});

test('Prometheus: udp in the connection-request families, STUN in its own', async () => {
  const exporter = new PrometheusExporter();
  exporter.update(new IntervalDeltas().next(mergeSnapshots([registry().snapshot()]), 1000));
  const text = await exporter.registry.metrics();
  assert.match(text, /^cpesim_connection_requests_received_total\{transport="udp"\} 6$/m);
  assert.match(text, /^cpesim_connection_requests_total\{transport="udp",outcome="rejected",reason="bad_signature"\} 3$/m);
  assert.match(text, /^cpesim_stun_messages_total\{kind="requests"\} 10$/m);
  assert.match(text, /^cpesim_stun_messages_total\{kind="errors",reason="timeout"\} 2$/m);
  assert.doesNotMatch(text, /^cpesim_connection_requests_total\{transport="stun"/m);
});
