/** `cpesim run` end of run: SIGTERM with a grace period, and a shard that dies (exit 1, results written). */
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCommand } from '../../src/cli/run-command.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { PROFILES_DIR } from '../../src/paths.js';
import { readSummary, runCli, tempDir } from '../support/cli.js';

test('cpesim run: SIGTERM stops scheduling, drains within the grace period and writes durationS and drainS', { timeout: 60_000 }, async () => {
  const out = await tempDir('cpesim-sigterm-');
  let signalled = false;
  const run = await runCli(['run', '--cpes', '3', '--duration', '5m', '--interval', '1', '--workers', '1', '--grace', '5s', '--ui', 'plain', '--out', out], {
    onStderr: (stderr, kill) => {
      if (!signalled && /completed=([3-9]|\d{2,})/.test(stderr)) {
        signalled = true;
        kill('SIGTERM');
      }
    },
    timeoutMs: 50_000,
  });
  assert.ok(signalled, run.stderr);
  assert.equal(run.code, 0, run.stderr);
  const summary = (await readSummary(out)) as Awaited<ReturnType<typeof readSummary>> & { drainS: number; abortedAtShutdown: number };
  assert.equal(typeof summary.drainS, 'number');
  assert.ok(summary.drainS >= 0 && summary.drainS < 5, `drainS ${summary.drainS}`);
  assert.equal(summary.abortedAtShutdown, 0);
  assert.ok(summary.durationS > 0 && summary.durationS < 40, `durationS ${summary.durationS}`);
  assert.equal(summary.sessions.started, summary.sessions.completed + summary.sessions.failed);
});

test('cpesim run: a shard that dies is named with its reason, the run exits 1 and the results are written', { timeout: 30_000 }, async () => {
  const dir = await tempDir('cpesim-dead-shard-');
  const profile = join(dir, 'vanishing.yaml');
  await writeFile(profile, await readFile(join(PROFILES_DIR, 'tr098.yaml'), 'utf8'));
  const scenario = join(dir, 'scenario.yaml');
  await writeFile(scenario, `name: dead-shard\nduration: 3s\nfleet:\n  - profile: ./vanishing.yaml\n    count: 1\n  - profile: tr098\n    count: 1\n`);
  // The coordinator's check passes from this process's profile cache; the worker thread finds the file gone.
  await loadProfile(profile);
  await rm(profile);
  const out = join(dir, 'results');
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runCommand({ scenario, ui: 'none', out, workers: 2 });
  } finally {
    process.stderr.write = write;
    process.stdout.write = writeOut;
  }
  assert.equal(code, EXIT.runFailed);
  assert.match(stderr, /shard 0 failed: .*cannot read profile.*vanishing\.yaml/);
  const summary = await readSummary(out);
  assert.equal(summary.cpes, 2);
});
