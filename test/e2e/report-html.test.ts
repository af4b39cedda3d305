/**
 * `cpesim report DIR`: the HTML is self-contained, renders every chart in headless Chromium (Debian's chromium,
 * driven by playwright-core) with the network unused, and still renders from a summary.json alone.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { readReportInputs } from '../../src/report/html-report-inputs.js';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { runCli, tempDir } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';

/** A summary.json as an older run (no `files`, no time series, no histogram logs) wrote it. */
const minimalSummary = {
  scenario: 'evil <script>alert(1)</script>',
  startedAt: '2026-01-01T00:00:00.000Z',
  acsUrl: 'http://acs.example:7547/',
  cpes: 3,
  durationS: 10,
  sessions: { started: 12, completed: 10, failed: 2, perSecond: 1 },
  latency: { session: { count: 10, p50: 5, p90: 9, p99: 20, p999: 20, max: 21, mean: 6 } },
  latencyFromSend: { session: { count: 10, p50: 4, p90: 8, p99: 15, p999: 15, max: 16, mean: 5 } },
  errors: { timeout: 2 },
  errorSamples: { timeout: ['no answer <b>in</b> 30 s'] },
  bytes: { sent: 1, received: 2 },
  cpeStates: { online: 3, booting: 0, offline: 0 },
  warnings: ['the simulator was the bottleneck'],
  thresholds: [{ expr: 'session.p99 < 10ms', ok: false, actual: 20, limit: 10, message: 'session.p99 < 10ms failed: measured 20 ms' }],
  passed: false,
  failures: ['threshold session.p99 < 10ms failed: measured 20 ms'],
};

test('report from summary.json alone: escaped text, thresholds, summary-percentile distributions, notes for what is missing', async () => {
  const dir = await tempDir('cpesim-report-min-');
  await writeFile(join(dir, 'summary.json'), JSON.stringify(minimalSummary));
  const html = renderHtmlReport(await readReportInputs(dir));
  assert.ok(!html.includes('<script>alert'), 'scenario name escaped');
  assert.ok(html.includes('evil &lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('no answer &lt;b&gt;in&lt;/b&gt; 30 s'));
  assert.match(html, /<tr class="fail"><td>FAIL<\/td><td><code>session\.p99 &lt; 10ms<\/code>/);
  assert.match(html, /The run failed: threshold session\.p99 &lt; 10ms failed/);
  assert.match(html, /WARNING: the simulator was the bottleneck/);
  // The distribution comes from the five summary numbers, from due and from send: two series of five points.
  const chart = /<svg class="chart" data-chart="distribution:session".*?<\/svg>/s.exec(html)?.[0];
  assert.ok(chart, 'distribution chart');
  assert.equal(chart.match(/<path class="series"/g)?.length, 2);
  assert.equal(chart.match(/<circle /g)?.length, 10);
  assert.match(html, /No timeseries\.csv in this folder/);
  assert.match(html, /No histograms\/\*\.hlog in this folder/);
  // Self-contained: no script, nothing loaded from anywhere.
  assert.doesNotMatch(html, /<script|<link|\ssrc=|@import|url\(/i);
});

test('report: the CPEs\' connection-request counters and the run facts the summary table and stderr give reach the HTML', async () => {
  const dir = await tempDir('cpesim-report-cr-');
  await writeFile(join(dir, 'summary.json'), JSON.stringify({
    ...minimalSummary,
    counters: { 'cr.http.received': 5, 'cr.http.accepted': 2, 'cr.http.rejected.unauthenticated': 3, 'stun.requests': 4, 'stun.responses': 4 },
    abortedAtShutdown: 2,
    shard: { index: 1, count: 3 },
  }));
  const html = renderHtmlReport(await readReportInputs(dir));
  assert.match(html, /<h2>Connection requests<\/h2><ul><li>connection requests \(http\): received 5, accepted 2, merged 0, rejected 3 \(unauthenticated 3\)<\/li><li>stun: requests 4, responses 4, errors 0<\/li><\/ul>/);
  assert.match(html, /<tr><th>aborted at shutdown<\/th><td>2 sessions still running/);
  assert.match(html, /<tr><th>machine shard<\/th><td>1\/3<\/td><\/tr>/);
  assert.doesNotMatch(html, /Reference ACS connection requests/, 'no such section without referenceAcs');
  // Without counters: no section.
  await writeFile(join(dir, 'summary.json'), JSON.stringify(minimalSummary));
  assert.doesNotMatch(renderHtmlReport(await readReportInputs(dir)), /id="connection-requests"/);
});

test('cpesim report: a folder without summary.json is a usage error (exit 2)', async () => {
  const dir = await tempDir('cpesim-report-empty-');
  const run = await runCli(['report', dir], { timeoutMs: 20_000 });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /not a cpesim results folder: cannot read summary\.json/);
});

test('cpesim report on a real run renders every chart in headless Chromium without the network', { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed (.ci/run installs it)`, timeout: 90_000 }, async () => {
  const dir = await tempDir('cpesim-report-');
  const out = join(dir, 'run');
  const run = await runCli(['run', '--cpes', '4', '--duration', '3s', '--interval', '1', '--workers', '1', '--ui', 'none', '--out', out], { timeoutMs: 40_000 });
  assert.equal(run.code, 0, run.stderr);
  const report = await runCli(['report', out], { timeoutMs: 20_000 });
  assert.equal(report.code, 0, report.stderr);
  const file = join(out, 'report.html');
  assert.match(report.stdout, /report: .*report\.html/);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { latency: Record<string, unknown> };
  const metrics = Object.keys(summary.latency);
  assert.ok(metrics.includes('session') && metrics.length >= 4, metrics.join(','));

  const profile = join(dir, 'chromium-profile');
  await mkdir(profile);
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    assert.deepEqual(requests, [url], 'the report loads nothing but itself');
    assert.deepEqual(problems, []);
    assert.match(await page.title(), /cpesim report: cli/);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll('path.series')].map((p) => ({
          points: (p.getAttribute('d') ?? '').split(/[ML]/).filter(Boolean).length,
          length: (p as SVGPathElement).getTotalLength(),
        }));
        return { id: svg.getAttribute('data-chart'), width: box.width, height: box.height, paths };
      }),
    );
    const ids = charts.map((c) => c.id);
    for (const id of ['throughput', 'in-flight', 'cpe-states', 'errors', ...metrics.flatMap((m) => [`distribution:${m}`, `over-time:${m}`])]) {
      assert.ok(ids.includes(id), `chart ${id} missing: ${ids.join(', ')}`);
    }
    for (const chart of charts) {
      assert.ok(chart.width > 100 && chart.height > 100, `${chart.id} is laid out: ${chart.width}x${chart.height}`);
    }
    // Drawn lines, not empty frames: every distribution is a full curve (from the HDR logs), due time and send.
    for (const m of metrics) {
      const d = charts.find((c) => c.id === `distribution:${m}`)!;
      assert.equal(d.paths.length, 2, `${m}: from due time and from send`);
      assert.ok(d.paths.every((p) => p.points === 41), `${m}: ${JSON.stringify(d.paths)}`);
    }
    const throughput = charts.find((c) => c.id === 'throughput')!;
    assert.ok(throughput.paths[0]!.points >= 3 && throughput.paths[0]!.length > 50, JSON.stringify(throughput));
    const session = charts.find((c) => c.id === 'over-time:session')!;
    assert.equal(session.paths.length, 4, 'p50, p90, p99 and max of the session latency over time');
    assert.ok(await page.isVisible('text=Verdict and thresholds'));
    assert.ok(await page.isVisible('#scenario pre'), 'the effective scenario is shown');
  } finally {
    await browser.close();
  }
});
