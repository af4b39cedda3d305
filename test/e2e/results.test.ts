/** `cpesim run` as a CI step: thresholds → exit code + junit.xml, the results folder, abortOnFail, /metrics, NO_COLOR. */
import assert from 'node:assert/strict';
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import * as hdr from 'hdr-histogram-js';
import type { RunResults } from '../../src/report/summary.js';
import { runCli, tempDir } from '../support/cli.js';

async function readResults(dir: string): Promise<RunResults> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResults;
}

test('CI-style run: a failing threshold exits 1 and writes junit.xml, the interval logs, the time series and the redacted scenario; /metrics is scraped live', { timeout: 60_000 }, async () => {
  const dir = await tempDir('cpesim-ci-');
  const scenario = join(dir, 'ci.yaml');
  await writeFile(
    scenario,
    [
      'name: ci',
      'duration: 4s',
      'acs: { username: cpe, password: hunter2 }',
      'fleet:',
      '  - profile: tr098',
      '    count: 4',
      'schedule: { periodicInterval: 1s }',
      'thresholds:',
      '  - "session.p99 < 10s"',
      '  - "sessions.completed >= 1"',
      '  - { expr: "session.max < 0.001ms" }',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'results');
  let scrape: Promise<string> | undefined;
  const run = await runCli(['run', scenario, '--workers', '1', '--ui', 'plain', '--metrics-port', '0', '--out', out], {
    onStderr: (stderr) => {
      const url = /Prometheus metrics at (http:\S+)/.exec(stderr)?.[1];
      if (url && !scrape && /completed=[1-9]/.test(stderr)) scrape = fetch(url).then((r) => r.text());
    },
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /the run failed: threshold session\.max < 0\.001ms failed: measured/);
  assert.match(run.stdout, /FAIL {2}session\.max < 0\.001ms failed/);
  assert.match(run.stdout, /PASS {2}session\.p99 < 10s/);
  assert.doesNotMatch(run.stdout + run.stderr, /\u001b\[/, 'no colour without a terminal');

  const metrics = await scrape;
  assert.ok(metrics, 'the metrics endpoint was announced and scraped during the run');
  assert.match(metrics, /^cpesim_sessions_total\{outcome="completed"\} [1-9]\d*$/m);
  assert.match(metrics, /^cpesim_cpes\{state="online"\} \d+$/m);
  assert.match(metrics, /^cpesim_latency_seconds\{metric="session",from="due",quantile="0.99"\} \d/m);
  assert.match(metrics, /^cpesim_latency_seconds_count\{metric="session",from="due"\} [1-9]/m);
  assert.match(metrics, /^# TYPE cpesim_latency_seconds summary$/m);

  const results = await readResults(out);
  assert.equal(results.passed, false);
  if (process.platform === 'linux') {
    const host = results.hostCpu;
    assert.ok(host && host.busyPercent >= 0 && host.busyPercent <= 100 && host.stealPercent >= 0 && host.stealPercent <= host.busyPercent, JSON.stringify(host));
  }
  assert.deepEqual(results.thresholds.map((t) => [t.expr, t.ok]), [
    ['session.p99 < 10s', true],
    ['sessions.completed >= 1', true],
    ['session.max < 0.001ms', false],
  ]);
  assert.equal(results.runId, 'results');
  const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(await readFile(join(out, 'junit.xml'), 'utf8')) as {
    testsuites: { testsuite: { tests: string; failures: string; testcase: { name: string; failure?: unknown }[] } };
  };
  assert.equal(junit.testsuites.testsuite.tests, '3');
  assert.equal(junit.testsuites.testsuite.failures, '1');
  assert.ok(junit.testsuites.testsuite.testcase[2]!.failure);

  const scenarioJson = await readFile(join(out, 'scenario.json'), 'utf8');
  assert.doesNotMatch(scenarioJson, /hunter2/);
  assert.match(scenarioJson, /"username": "cpe"/);

  // The interval logs of the real run add up to the summary's counts.
  assert.ok((await readdir(join(out, 'histograms'))).includes('session.hlog'));
  const reader = new hdr.HistogramLogReader(await readFile(join(out, results.files.histograms['session']!), 'utf8'));
  let count = 0;
  for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) if (h.tag !== 'fromSend') count += h.totalCount;
  assert.equal(count, results.latency['session']!.count);
  const csv = (await readFile(join(out, 'timeseries.csv'), 'utf8')).trim().split('\n');
  const completedColumn = csv[0]!.split(',').indexOf('sessions_completed');
  assert.equal(csv.slice(1).reduce((n, line) => n + Number(line.split(',')[completedColumn]), 0), results.sessions.completed);
});

test('an unparsable threshold is rejected before the run starts, naming the file and line (exit 2)', async () => {
  const dir = await tempDir('cpesim-badthreshold-');
  const scenario = join(dir, 'bad.yaml');
  await writeFile(scenario, 'name: bad\nduration: 1m\nthresholds:\n  - "session.p99 < 500ms"\n  - { expr: "session.p99 <> 5ms", abortOnFail: true }\n');
  const out = join(dir, 'results');
  const started = Date.now();
  const run = await runCli(['run', scenario, '--ui', 'none', '--out', out]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /bad\.yaml, line 5, field thresholds\[1\]\.expr: "session\.p99 <> 5ms" is not a threshold/);
  assert.ok(Date.now() - started < 20_000);
  await assert.rejects(access(out), 'nothing was run or written');

  const flag = await runCli(['run', '--threshold', 'session.p99 < 5 parsecs', '--ui', 'none', '--out', out]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--threshold/);
});

test('abortOnFail: a threshold failing during the run ends it early, exit 1', { timeout: 60_000 }, async () => {
  const dir = await tempDir('cpesim-abort-');
  const scenario = join(dir, 'abort.yaml');
  await writeFile(
    scenario,
    'name: abort\nduration: 5m\nfleet:\n  - { profile: tr098, count: 2 }\nschedule: { periodicInterval: 1s }\nthresholds:\n  - { expr: "session.max < 0.001ms", abortOnFail: true, delay: 1s }\n',
  );
  const out = join(dir, 'results');
  const started = Date.now();
  const run = await runCli(['run', scenario, '--workers', '1', '--ui', 'none', '--grace', '2s', '--out', out], { timeoutMs: 50_000 });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(Date.now() - started < 40_000, 'ended long before its 5 minutes');
  assert.match(run.stderr, /session\.max < 0\.001ms failed: measured .*aborting the run/);
  const results = await readResults(out);
  assert.equal(results.abortedByThreshold, 'session.max < 0.001ms');
  assert.ok(results.durationS < 40, String(results.durationS));
  assert.equal(results.thresholds[0]!.ok, false);
});

test('NO_COLOR wins over FORCE_COLOR; FORCE_COLOR alone colours the summary', { timeout: 60_000 }, async () => {
  const saved = { NO_COLOR: process.env['NO_COLOR'], FORCE_COLOR: process.env['FORCE_COLOR'] };
  const args = ['run', '--cpes', '1', '--duration', '1s', '--interval', '1', '--workers', '1', '--ui', 'plain', '--threshold', 'sessions.completed >= 1'];
  try {
    delete process.env['NO_COLOR'];
    process.env['FORCE_COLOR'] = '1';
    const colored = await runCli([...args, '--out', await tempDir('cpesim-color-')]);
    assert.equal(colored.code, 0, colored.stderr);
    assert.match(colored.stdout, /\u001b\[32mPASS\u001b\[0m/);
    process.env['NO_COLOR'] = '1';
    const plain = await runCli([...args, '--out', await tempDir('cpesim-nocolor-')]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout + plain.stderr, /\u001b\[/);
    assert.match(plain.stdout, /PASS {2}sessions\.completed >= 1/);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
