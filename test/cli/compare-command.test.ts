import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareSummaries, DEFAULT_TOLERANCES } from '../../src/report/compare.js';
import type { RunSummary } from '../../src/report/summary.js';
import { runCli, tempDir } from '../support/cli.js';

function summary(p99: number, perSecond: number, failed: number): RunSummary {
  const l = { count: 1000, p50: 10, p90: 20, p99, p999: p99, max: p99, mean: 12 };
  return {
    scenario: 's', startedAt: '2024-01-01T00:00:00.000Z', acsUrl: 'http://127.0.0.1:1/', cpes: 10, durationS: 10,
    sessions: { started: 1000, completed: 1000 - failed, failed, perSecond },
    latency: { session: l, inform: { ...l, p99: 30 } }, latencyFromSend: {}, errors: failed ? { timeout: failed } : {}, errorSamples: {},
    bytes: { sent: 0, received: 0 }, cpeStates: { online: 10, booting: 0, offline: 0 }, warnings: [],
  };
}

test('compare: latency growth beyond the tolerance, a throughput drop and a higher error rate are regressions; noise is not', () => {
  const base = summary(50, 100, 0);
  const regressed = (name: string, c: RunSummary) => compareSummaries(base, c, DEFAULT_TOLERANCES).filter((k) => k.regression).map((k) => k.name).includes(name);
  assert.equal(regressed('session.p99 (ms)', summary(60, 100, 0)), true);
  assert.equal(regressed('session.p99 (ms)', summary(54, 100, 0)), false, '+8 % is within 10 %');
  assert.equal(regressed('sessions.perSecond', summary(50, 85, 0)), true);
  assert.equal(regressed('errors.rate (%)', summary(50, 100, 5)), true);
  assert.equal(compareSummaries(base, summary(50, 100, 0), DEFAULT_TOLERANCES).some((k) => k.regression), false);
  // 0.2 ms → 0.5 ms is +150 % but below the 1 ms noise floor.
  const tiny = { ...base, latency: { session: { ...base.latency['session']!, p50: 0.2 } } };
  const tinyCandidate = { ...base, latency: { session: { ...base.latency['session']!, p50: 0.5 } } };
  assert.equal(compareSummaries(tiny, tinyCandidate, DEFAULT_TOLERANCES).some((k) => k.regression), false);
});

test('cpesim compare: exit 0 without a regression, 1 with one, 2 on unreadable input', async () => {
  const dir = await tempDir('cpesim-compare-');
  const write = async (name: string, s: RunSummary) => {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'summary.json'), JSON.stringify(s));
    return join(dir, name);
  };
  const base = await write('base', summary(50, 100, 0));
  const same = await write('same', summary(52, 99, 0));
  const slow = await write('slow', summary(80, 100, 0));
  const ok = await runCli(['compare', base, same]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /no regression/);
  const bad = await runCli(['compare', base, join(slow, 'summary.json')]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /session\.p99 \(ms\)\s+50\s+80\s+\+60%\s+REGRESSION/);
  assert.match(bad.stderr, /1 regression\(s\): session\.p99 \(ms\) \+60%/);
  const tolerant = await runCli(['compare', base, slow, '--latency-tolerance', '70%']);
  assert.equal(tolerant.code, 0, tolerant.stderr);
  const missing = await runCli(['compare', base, join(dir, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope.*CANDIDATE|CANDIDATE.*cannot read/);
  const badTolerance = await runCli(['compare', base, same, '--latency-tolerance', 'lots']);
  assert.equal(badTolerance.code, 2);
  assert.match(badTolerance.stderr, /--latency-tolerance/);
});
