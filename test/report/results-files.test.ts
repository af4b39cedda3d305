import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as hdr from 'hdr-histogram-js';
import type { ProgressSample } from '../../src/fleet/run-fleet.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { evaluateThresholds } from '../../src/metrics/threshold-eval.js';
import { colorEnabled, paint } from '../../src/report/color.js';
import { effectiveScenario, REDACTED } from '../../src/report/effective-scenario.js';
import { FROM_SEND_TAG } from '../../src/report/histogram-log.js';
import { junitXml } from '../../src/report/junit.js';
import { RunRecorder } from '../../src/report/run-recorder.js';
import { defaultScenario } from '../../src/scenario/load-scenario.js';
import { parseThreshold } from '../../src/scenario/threshold.js';
import { tempDir } from '../support/cli.js';

function sample(registry: MetricsRegistry, elapsedMs: number, startedAtEpochMs: number | undefined, final = false): ProgressSample {
  const metrics = mergeSnapshots([registry.snapshot()]);
  return {
    elapsedMs, cpes: 1, sessions: metrics.sessions, inFlight: 0, errors: 0, sessionP99Ms: undefined,
    cpeStates: metrics.cpes, metrics, startedAtEpochMs, ...(final ? { final } : {}),
  };
}

test('interval logs: standard HdrHistogram log format, read back by HistogramLogReader, intervals add up to the total', async () => {
  const dir = await tempDir('cpesim-hlog-');
  const recorder = await RunRecorder.open(dir);
  const registry = new MetricsRegistry();
  const start = Date.UTC(2024, 0, 1);
  assert.equal(recorder.record(sample(registry, 0, undefined)), undefined, 'nothing before the start barrier');
  let recorded = 0;
  for (let second = 1; second <= 5; second++) {
    // A varying number of samples per interval, one interval empty, rpc appearing late.
    const n = second === 3 ? 0 : second * 7;
    for (let i = 0; i < n; i++) {
      registry.sessionStarted();
      registry.sessionCompleted();
      registry.latency('session', 10 * second + i, 5 + i);
      recorded++;
    }
    if (second >= 4) registry.latency('rpc.GetParameterValues', 3, 3);
    if (second === 1) registry.latency('lateness', 42, 42);
    recorder.record(sample(registry, second * 1000, start, second === 5));
  }
  await recorder.close();
  assert.deepEqual(Object.keys(recorder.files().histograms).sort(), ['lateness', 'rpc.GetParameterValues', 'session']);

  const text = await readFile(join(dir, recorder.files().histograms['session']!), 'utf8');
  const lines = text.split('\n');
  assert.match(lines[1]!, /^#\[Histogram log format version 1\.3\]$/);
  assert.equal(lines[2], `#[StartTime: ${start / 1000}.000 (seconds since epoch), 2024-01-01T00:00:00.000Z]`);
  assert.equal(lines[3], `#[BaseTime: ${start / 1000}.000 (seconds since epoch)]`);
  assert.equal(lines[4], '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"');
  assert.match(lines[5]!, /^0\.000,1\.000,16\.\d{3},HIST/, 'start, length in s; Interval_Max in ms');
  assert.ok(!lines.slice(0, -1).includes(''), 'no blank lines inside the log');

  const reader = new hdr.HistogramLogReader(text);
  const total = hdr.build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3 });
  let intervals = 0;
  let fromSend = 0;
  for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) {
    if (h.tag === FROM_SEND_TAG) {
      fromSend += h.totalCount;
      continue;
    }
    intervals++;
    assert.equal(h.startTimeStampMsec, start + (intervals - 1) * 1000, `interval ${intervals} start`);
    assert.equal(h.endTimeStampMsec - h.startTimeStampMsec, 1000);
    total.add(h);
  }
  assert.equal(intervals, 5);
  assert.equal(total.totalCount, recorded);
  assert.equal(fromSend, recorded);
  const whole = registry.histogram('session')!;
  assert.equal(total.getValueAtPercentile(99), whole.getValueAtPercentile(99), 'the sum of the intervals is the whole run');
  assert.equal(total.getValueAtPercentile(100), whole.getValueAtPercentile(100));

  const csv = (await readFile(join(dir, 'timeseries.csv'), 'utf8')).trim().split('\n');
  const header = csv[0]!.split(',');
  const rows = csv.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 5);
  const col = (name: string) => rows.map((r) => r[header.indexOf(name)]!);
  assert.equal(col('sessions_completed').reduce((a, b) => a + Number(b), 0), recorded);
  assert.equal(col('session_p99_ms')[2], '', 'an empty interval has no latency, not 0');
  assert.deepEqual(col('lateness_max_ms'), ['42.015', '', '', '', ''], "the simulator's lateness (42 ms at HDR precision) in the second it happened");
  assert.deepEqual(col('elapsed_s'), ['1', '2', '3', '4', '5']);
});

test('junit.xml: one well-formed test case per threshold, failures carry the measured value', () => {
  const r = new MetricsRegistry();
  r.sessionStarted();
  r.sessionCompleted();
  r.latency('session', 40, 40);
  const results = evaluateThresholds([parseThreshold('session.p99 < 10ms'), parseThreshold('sessions.completed >= 1')], mergeSnapshots([r.snapshot()]), 1000);
  const xml = junitXml({ suite: 'ci <&> "run"', durationS: 1, results, timestamp: '2024-01-01T00:00:00.000Z' });
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
    testsuites: { testsuite: { tests: string; failures: string; name: string; testcase: { name: string; failure?: { message: string } }[] } };
  };
  const suite = doc.testsuites.testsuite;
  assert.equal(suite.name, 'ci <&> "run"');
  assert.equal(suite.tests, '2');
  assert.equal(suite.failures, '1');
  assert.equal(suite.testcase[0]!.name, 'session.p99 < 10ms');
  assert.match(suite.testcase[0]!.failure!.message, /measured 40(\.\d+)?ms/);
  assert.equal(suite.testcase[1]!.failure, undefined);
});

test('junit.xml: a run that failed for another reason than a threshold has a failed test case for it; warnings are the suite output', () => {
  const xml = junitXml({
    suite: 's', durationS: 1, results: [], timestamp: '2024-01-01T00:00:00.000Z',
    runFailures: ['no session completed', 'shard 1 failed: <boom>'],
    warnings: ['the simulator was the bottleneck: sessions started 30 ms after they were due (median of 5 sessions, max 40 ms)'],
  });
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
    testsuites: { testsuite: { tests: string; failures: string; 'system-out': string; testcase: { classname: string; name: string; failure?: { message: string; type: string } }[] } };
  };
  const suite = doc.testsuites.testsuite;
  assert.equal(suite.tests, '2');
  assert.equal(suite.failures, '2');
  assert.deepEqual(suite.testcase.map((t) => [t.classname, t.name, t.failure?.type]), [
    ['cpesim.run.s', 'no session completed', 'run'],
    ['cpesim.run.s', 'shard 1 failed: <boom>', 'run'],
  ]);
  assert.match(suite['system-out'], /^WARNING: the simulator was the bottleneck: .*median of 5 sessions/);
  // A clean run: no such test case, no output.
  const clean = junitXml({ suite: 's', durationS: 1, results: [], timestamp: '2024-01-01T00:00:00.000Z', runFailures: [], warnings: [] });
  assert.match(clean, /tests="0" failures="0"/);
  assert.doesNotMatch(clean, /testcase|system-out/);
});

test('effective scenario: passwords (also in the URL) are redacted', async () => {
  const base = await defaultScenario();
  const out = effectiveScenario({
    ...base,
    acs: { ...base.acs, url: 'http://cpe:hunter2@acs.example/', username: 'cpe', password: 'hunter2' },
    thresholds: [parseThreshold('session.p99 < 1s')],
  });
  const text = JSON.stringify(out);
  assert.ok(!text.includes('hunter2'), text);
  assert.match(text, new RegExp(encodeURIComponent(REDACTED)));
  assert.match(text, /"password":"<redacted>"/);
  assert.match(text, /"expr":"session.p99 < 1s"/);
});

test('NO_COLOR: colour only on a terminal or with FORCE_COLOR, never with NO_COLOR', () => {
  assert.equal(colorEnabled({ isTTY: true }, {}), true);
  assert.equal(colorEnabled({ isTTY: false }, {}), false);
  assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
  assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }), false);
  assert.equal(paint(false).red('x'), 'x');
  assert.equal(paint(true).red('x'), '\u001b[31mx\u001b[0m');
});
