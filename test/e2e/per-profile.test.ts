/** Issue #5: the quickstart's mixed fleet (10 TR-098 + 10 TR-181) against the reference ACS, with per-profile metrics. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, readSummary, tempDir } from '../support/cli.js';

test('quickstart mixed fleet: summary.json has both profiles, adding up to the totals; table and HTML report show them', { timeout: 60_000 }, async () => {
  const out = join(await tempDir('cpesim-profiles-'), 'results');
  const run = await runCli(['run', 'scenarios/quickstart.yaml', '--duration', '4s', '--interval', '1', '--workers', '2', '--ui', 'none', '--out', out], { timeoutMs: 45_000 });
  assert.equal(run.code, 0, run.stderr);
  const s = await readSummary(out);
  const profiles = s.profiles!;
  assert.deepEqual(Object.keys(profiles).sort(), ['tr098', 'tr181']);
  assert.equal(profiles['tr098']!.cpes, 10);
  assert.equal(profiles['tr181']!.cpes, 10);
  for (const p of Object.values(profiles)) assert.ok(p.sessions.completed >= 10, JSON.stringify(p.sessions));
  for (const key of ['started', 'completed', 'failed'] as const) {
    assert.equal(profiles['tr098']!.sessions[key] + profiles['tr181']!.sessions[key], s.sessions[key], key);
  }
  assert.equal(profiles['tr098']!.latency['session']!.count + profiles['tr181']!.latency['session']!.count, s.latency['session']!.count);
  assert.equal(profiles['tr098']!.latency['inform']!.count + profiles['tr181']!.latency['inform']!.count, s.latency['inform']!.count);
  assert.match(run.stdout, /^per profile \(ms, from due time\)/m);
  assert.match(run.stdout, new RegExp(`^tr098 +10 +${profiles['tr098']!.sessions.started} +${profiles['tr098']!.sessions.completed} `, 'm'));
  const report = await runCli(['report', out]);
  assert.equal(report.code, 0, report.stderr);
  const html = await readFile(join(out, 'report.html'), 'utf8');
  assert.match(html, /<section id="profiles">[^]*<th>tr098<\/th>[^]*<th>tr181<\/th>/);
});
