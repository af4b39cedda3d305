/**
 * deploy/grafana/cpesim-dashboard.json: valid JSON, and every metric its PromQL names is one a shard's /metrics
 * really serves (scraped over HTTP from an exporter labelled as shard 0), so a renamed metric breaks this test
 * rather than the dashboard.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IntervalDeltas } from '../../src/metrics/intervals.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { PrometheusExporter, startMetricsServer } from '../../src/metrics/prometheus.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

type Panel = { type: string; title: string; targets?: { expr: string }[] };

test('Grafana dashboard: valid JSON, a shard variable, and every metric in its PromQL is served by /metrics', async () => {
  const dashboard = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'deploy', 'grafana', 'cpesim-dashboard.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; query: unknown }[] };
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const variableQueries = dashboard.templating.list.map((v) => JSON.stringify(v.query));
  assert.ok(dashboard.templating.list.some((v) => v.name === 'shard'), 'a shard variable');
  assert.ok(exprs.length >= 10);
  assert.ok(exprs.some((e) => /sum by \(shard\) \(rate\(cpesim_sessions_total/.test(e)), 'sessions/s by shard');
  assert.ok(exprs.some((e) => /^sum(?: by \([a-z, ]+\))? \(rate\(cpesim_sessions_total/.test(e) && !e.includes('by (shard)')), 'sessions/s total');

  const registry = new MetricsRegistry();
  registry.cpeState(undefined, 'online');
  registry.sessionStarted();
  registry.sessionCompleted();
  registry.sessionStarted();
  registry.sessionFailed('timeout', 'no answer');
  registry.latency('session', 20, 10);
  registry.count('cr.http.received');
  registry.count('cr.http.accepted');
  const exporter = new PrometheusExporter({ shard: { index: 0, count: 2 } });
  exporter.update(new IntervalDeltas().next(mergeSnapshots([registry.snapshot()]), 1000));
  const server = await startMetricsServer(exporter, { port: 0 });
  let served: Set<string>;
  try {
    const text = await (await fetch(server.url)).text();
    served = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
  } finally {
    await server.close();
  }
  const used = new Set([...exprs, ...variableQueries].flatMap((e) => e.match(/\bcpesim_[a-zA-Z0-9_]+/g) ?? []));
  assert.ok(used.size >= 8, `metrics used: ${[...used].join(', ')}`);
  for (const name of used) assert.ok(served.has(name), `the dashboard queries ${name}, which /metrics does not serve`);
});
