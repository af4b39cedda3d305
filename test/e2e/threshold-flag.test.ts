/** `cpesim run --threshold "PROFILE: EXPR"`: evaluated on that profile's metrics, its failure exits 1; a bad profile exits 2. */
import assert from 'node:assert/strict';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResults } from '../../src/report/summary.js';
import { runCli, tempDir } from '../support/cli.js';

async function mixedScenario(dir: string): Promise<string> {
  const file = join(dir, 'mixed.yaml');
  await writeFile(file, 'name: mixed\nduration: 3s\nfleet:\n  - { profile: tr098, count: 2 }\n  - { profile: tr181, count: 2 }\nschedule: { periodicInterval: 1s }\n');
  return file;
}

test('a profile-scoped --threshold that fails exits 1 and is in summary.json (and scenario.json) with its profile', { timeout: 60_000 }, async () => {
  const dir = await tempDir('cpesim-thrflag-');
  const out = join(dir, 'results');
  const run = await runCli([
    'run', await mixedScenario(dir), '--workers', '1', '--ui', 'none', '--out', out,
    '--threshold', 'tr181: session.max < 0.001ms',
    '--threshold', 'tr098: sessions.completed >= 1',
    '--threshold', 'sessions.completed >= 1',
  ], { timeoutMs: 45_000 });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /the run failed: threshold session\.max < 0\.001ms \[profile tr181\] failed: measured/);
  const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResults;
  assert.deepEqual(s.thresholds.map((t) => [t.expr, t.ok]), [
    ['session.max < 0.001ms [profile tr181]', false],
    ['sessions.completed >= 1 [profile tr098]', true],
    ['sessions.completed >= 1', true],
  ]);
  // Scoped: measured on tr098's sessions only, fewer than the whole fleet's.
  const tr098 = s.profiles!['tr098']!.sessions.completed;
  assert.equal(s.thresholds[1]!.actual, tr098);
  assert.ok(s.profiles!['tr181']!.sessions.completed >= 1 && s.thresholds[2]!.actual! > tr098, JSON.stringify(s.thresholds));
  const written = JSON.parse(await readFile(join(out, 'scenario.json'), 'utf8')) as { thresholds: { expr: string; profile?: string }[] };
  assert.deepEqual(written.thresholds.map((t) => [t.expr, t.profile]), [
    ['session.max < 0.001ms', 'tr181'],
    ['sessions.completed >= 1', 'tr098'],
    ['sessions.completed >= 1', undefined],
  ]);
});

test('a --threshold naming a profile outside the fleet stops before the run (exit 2), listing the fleet\'s profiles', async () => {
  const dir = await tempDir('cpesim-thrflag-');
  const out = join(dir, 'results');
  const run = await runCli(['run', await mixedScenario(dir), '--ui', 'none', '--out', out, '--threshold', 'tr135: session.p99 < 1s']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /field --threshold: "tr135: session\.p99 < 1s": unknown profile "tr135": not in the fleet \(tr098, tr181\)/);
  await assert.rejects(access(out), 'nothing was run or written');
});
