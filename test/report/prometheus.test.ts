/** The --metrics-port endpoint (src/metrics/prometheus.ts), scraped over real HTTP on loopback. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntervalDeltas } from '../../src/metrics/intervals.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsServerError, PrometheusExporter, startMetricsServer } from '../../src/metrics/prometheus.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';

test('/metrics: counters, gauges and windowed latency quantiles from the merged metrics; other paths 404; a busy port is a typed error', async () => {
  const registry = new MetricsRegistry();
  registry.cpeState(undefined, 'online');
  for (let i = 0; i < 10; i++) {
    registry.sessionStarted();
    registry.sessionCompleted();
    registry.latency('session', 20, 10);
  }
  registry.sessionStarted();
  registry.sessionFailed('reset', 'socket hang up');
  registry.count('cr.http.received', 4);
  registry.count('cr.http.accepted');
  registry.count('cr.http.rejected.unauthenticated', 3);
  const exporter = new PrometheusExporter();
  exporter.update(new IntervalDeltas().next(mergeSnapshots([registry.snapshot()]), 1000));
  const server = await startMetricsServer(exporter, { port: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /^cpesim_sessions_total\{outcome="completed"\} 10$/m);
    assert.match(text, /^cpesim_sessions_total\{outcome="failed"\} 1$/m);
    assert.match(text, /^cpesim_errors_total\{kind="reset"\} 1$/m);
    assert.match(text, /^cpesim_cpes\{state="online"\} 1$/m);
    assert.match(text, /^# TYPE cpesim_connection_requests_total counter$/m);
    assert.match(text, /^cpesim_connection_requests_total\{transport="http",outcome="accepted"\} 1$/m);
    assert.match(text, /^cpesim_connection_requests_total\{transport="http",outcome="rejected",reason="unauthenticated"\} 3$/m);
    assert.doesNotMatch(text, /^cpesim_connection_requests_total\{[^}]*outcome="received"/m, 'received is its own family: a sum() must not count twice');
    assert.match(text, /^cpesim_connection_requests_received_total\{transport="http"\} 4$/m);
    assert.match(text, /^cpesim_latency_seconds\{metric="session",from="due",quantile="0.99"\} 0\.02\d*$/m);
    assert.match(text, /^cpesim_latency_seconds\{metric="session",from="send",quantile="0.5"\} 0\.01\d*$/m);
    assert.match(text, /^cpesim_latency_seconds_count\{metric="session",from="due"\} 10$/m);
    assert.match(text, /^cpesim_process_cpu_seconds_total /m);
    assert.equal((await fetch(server.url.replace('/metrics', '/'))).status, 404);
    const port = Number(new URL(server.url).port);
    await assert.rejects(startMetricsServer(new PrometheusExporter(), { port }), (err: unknown) => err instanceof MetricsServerError && err.code === 'CPESIM_METRICS_SERVER');
  } finally {
    await server.close();
  }
});

test('/metrics of a machine shard: every series (counters, gauges, summaries, process metrics) carries shard="I"', async () => {
  const registry = new MetricsRegistry();
  registry.cpeState(undefined, 'online');
  registry.sessionStarted();
  registry.sessionCompleted();
  registry.latency('session', 20, 10);
  const exporter = new PrometheusExporter({ shard: { index: 2, count: 3 } });
  exporter.update(new IntervalDeltas().next(mergeSnapshots([registry.snapshot()]), 1000));
  const server = await startMetricsServer(exporter, { port: 0 });
  try {
    const text = await (await fetch(server.url)).text();
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.ok(samples.length > 20, `expected many samples, got ${samples.length}`);
    for (const line of samples) assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*\{(?:[^}]*,)?shard="2"(?:,[^}]*)?\} /, `no shard label: ${line}`);
    assert.match(text, /^cpesim_sessions_total\{outcome="completed",shard="2"\} 1$/m);
    assert.match(text, /^cpesim_sessions_in_flight\{shard="2"\} 0$/m);
    assert.match(text, /^cpesim_latency_seconds_count\{metric="session",from="due",shard="2"\} 1$/m);
    assert.match(text, /^cpesim_latency_seconds\{[^}]*quantile="0\.99"[^}]*shard="2"[^}]*\} 0\.02\d*$|^cpesim_latency_seconds\{[^}]*shard="2"[^}]*quantile="0\.99"[^}]*\} 0\.02\d*$/m);
  } finally {
    await server.close();
  }
});
