/**
 * `--metrics-port`: a Prometheus endpoint (GET /metrics) with the run's live counters, gauges and latency
 * summaries, for soak runs watched by Grafana. Exposition goes through prom-client's Registry; the values come from
 * the merged metrics the coordinator receives every second (nothing is counted twice).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { CpesimError } from '../errors.js';
import { newHistogram, type Histogram } from './histogram.js';
import type { IntervalMetrics } from './intervals.js';
import type { MergedMetrics } from './merge.js';
import { counterLabels, stunCounterLabels, type CounterName } from './counters.js';
import type { ShardSelector } from '../fleet/protocol.js';

/** Latency quantiles are over this many recent intervals (~seconds): a soak run's p99 must move when the ACS does. */
export const QUANTILE_WINDOW_INTERVALS = 60;
const QUANTILES = [0.5, 0.9, 0.99, 0.999];

/** The metrics port could not be opened (in use, not permitted). */
export class MetricsServerError extends CpesimError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CPESIM_METRICS_SERVER', message, options);
  }
}

type Pair = { intended: Histogram; actual: Histogram };

export class PrometheusExporter {
  readonly registry = new Registry();
  private latest: MergedMetrics | undefined;
  /** Per latency name, the last QUANTILE_WINDOW_INTERVALS interval histograms. */
  private readonly window = new Map<string, Pair[]>();

  /**
   * `shard`: a machine shard (`run --shard I/N`) labels every series `shard="I"` (a registry default label), so one
   * Prometheus scraping all N shards can tell them apart and `sum without (shard)` gives the whole fleet.
   */
  constructor(opts: { shard?: ShardSelector | undefined } = {}) {
    if (opts.shard) this.registry.setDefaultLabels({ shard: String(opts.shard.index) });
    collectDefaultMetrics({ register: this.registry, prefix: 'cpesim_' });
    const self = this;
    new Counter({
      name: 'cpesim_sessions_total',
      help: 'CWMP sessions by outcome (started, completed, failed)',
      labelNames: ['outcome'],
      registers: [this.registry],
      collect() {
        this.reset();
        const s = self.latest?.sessions;
        if (s) for (const outcome of ['started', 'completed', 'failed'] as const) this.inc({ outcome }, s[outcome]);
      },
    });
    new Counter({
      name: 'cpesim_errors_total',
      help: 'Errors by kind (the summary.json error kinds)',
      labelNames: ['kind'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [kind, n] of Object.entries(self.latest?.errors ?? {})) this.inc({ kind }, n ?? 0);
      },
    });
    new Counter({
      name: 'cpesim_bytes_total',
      help: 'HTTP body bytes exchanged with the ACS',
      labelNames: ['direction'],
      registers: [this.registry],
      collect() {
        this.reset();
        const b = self.latest?.bytes;
        if (b) {
          this.inc({ direction: 'sent' }, b.sent);
          this.inc({ direction: 'received' }, b.received);
        }
      },
    });
    // The named counters (counters.ts). `received` has its own family: it is the sum of the outcomes, and a
    // sum() over one family must not count a request twice.
    new Counter({
      name: 'cpesim_connection_requests_received_total',
      help: 'Connection requests that reached the CPEs\' listeners (well-formed or not)',
      labelNames: ['transport'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [name, n] of Object.entries(self.latest?.counters ?? {}) as [CounterName, number][]) {
          const labels = counterLabels(name);
          if (labels?.outcome === 'received') this.inc({ transport: labels.transport }, n);
        }
      },
    });
    new Counter({
      name: 'cpesim_connection_requests_total',
      help: 'Connection requests by outcome (accepted, merged into a pending or running session, rejected) and rejection reason',
      labelNames: ['transport', 'outcome', 'reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [name, n] of Object.entries(self.latest?.counters ?? {}) as [CounterName, number][]) {
          const labels = counterLabels(name);
          if (labels === undefined || labels.outcome === 'received') continue;
          const { transport, outcome, reason } = labels;
          this.inc(reason === undefined ? { transport, outcome } : { transport, outcome, reason }, n);
        }
      },
    });
    new Counter({
      name: 'cpesim_xmpp_sessions_total',
      help: 'The CPEs\' XMPP logins (ok, failed) and lost XMPP sessions (disconnected), for XMPP connection requests',
      labelNames: ['event'],
      registers: [this.registry],
      collect() {
        this.reset();
        const c = self.latest?.counters ?? {};
        for (const [event, name] of [['login_ok', 'xmpp.login.ok'], ['login_failed', 'xmpp.login.failed'], ['disconnected', 'xmpp.disconnected']] as const) {
          const n = c[name];
          if (n !== undefined) this.inc({ event }, n);
        }
      },
    });
    new Counter({
      name: 'cpesim_stun_messages_total',
      help: 'STUN Binding Requests sent (kind=requests), success responses (kind=responses) and errors by reason (kind=errors)',
      labelNames: ['kind', 'reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [name, n] of Object.entries(self.latest?.counters ?? {}) as [CounterName, number][]) {
          const labels = stunCounterLabels(name);
          if (labels !== undefined) this.inc(labels.reason === undefined ? { kind: labels.kind } : { kind: labels.kind, reason: labels.reason }, n);
        }
      },
    });
    new Gauge({
      name: 'cpesim_cpes',
      help: 'Virtual CPEs by state (booting, online, offline)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const c = self.latest?.cpes;
        if (c) for (const state of ['booting', 'online', 'offline'] as const) this.set({ state }, c[state]);
      },
    });
    new Gauge({
      name: 'cpesim_sessions_in_flight',
      help: 'Sessions started and not yet ended',
      registers: [this.registry],
      collect() {
        this.set(self.latest?.sessionsInFlight ?? 0);
      },
    });
    this.registry.registerMetric(this.latencySummary() as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Takes the merged metrics at the end of an interval (call once per progress sample). */
  update(interval: IntervalMetrics): void {
    this.latest = interval.cumulative;
    for (const [name, pair] of interval.latency) {
      const recent = this.window.get(name) ?? [];
      recent.push(pair);
      if (recent.length > QUANTILE_WINDOW_INTERVALS) recent.shift();
      this.window.set(name, recent);
    }
  }

  /**
   * A summary family made from the HDR histograms (prom-client's own Summary would need every sample fed to it
   * again): quantiles over the recent window, _sum and _count over the whole run, as Prometheus summaries do.
   */
  private latencySummary() {
    const name = 'cpesim_latency_seconds';
    return {
      name,
      help: `Latency per exchange (label metric; label from: due = from the due time, send = from the send); quantiles over the last ${QUANTILE_WINDOW_INTERVALS} s`,
      type: 'summary',
      aggregator: 'sum',
      get: async () => {
        const values: { labels: Record<string, string | number>; value: number; metricName?: string }[] = [];
        for (const [metric, pair] of this.latest?.latency ?? []) {
          for (const from of ['due', 'send'] as const) {
            const total = from === 'due' ? pair.intended : pair.actual;
            const recent = newHistogram();
            for (const p of this.window.get(metric) ?? []) recent.add(from === 'due' ? p.intended : p.actual);
            for (const q of QUANTILES) {
              const value = recent.totalCount === 0 ? Number.NaN : recent.getValueAtPercentile(q * 100) / 1e6;
              values.push({ labels: { metric, from, quantile: q }, value });
            }
            values.push({ metricName: `${name}_sum`, labels: { metric, from }, value: (total.mean * total.totalCount) / 1e6 });
            values.push({ metricName: `${name}_count`, labels: { metric, from }, value: total.totalCount });
          }
        }
        return { name, help: '', type: 'summary', aggregator: 'sum', values };
      },
    };
  }
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the exporter on host:port (port 0: a free one); loopback unless told otherwise, as it has no auth. */
export async function startMetricsServer(exporter: PrometheusExporter, opts: { port: number; host?: string }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    exporter.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': exporter.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new MetricsServerError(`cannot listen on ${host}:${opts.port} for --metrics-port: ${err.message}`, { cause: err })));
    server.listen(opts.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
