/** `cpesim profile ...` end to end: the commands, their exit codes, and an imported profile running against the reference ACS. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { readSummary, runCli, tempDir } from '../support/cli.js';

test('profile list shows every shipped profile with root, CWMP version, parameter count and description', async () => {
  const r = await runCli(['profile', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME +ROOT +CWMP +PARAMS +DESCRIPTION$/m);
  assert.match(r.stdout, /^tr098 +InternetGatewayDevice +1-0 +\d+ +TR-098/m);
  assert.match(r.stdout, /^tr181 +Device +1-2 +\d+ +TR-181/m);
});

test('profile show: text and --json, with the extends chain', async () => {
  const dir = await tempDir('cpesim-show-');
  const file = join(dir, 'acme.yaml');
  await writeFile(file, 'profile: acme\nextends: tr181\ndeviceId: { manufacturer: Acme }\nremove: [Device.WiFi.]\n');
  const text = await runCli(['profile', 'show', file]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^extends +acme → tr181$/m);
  assert.match(text.stdout, /^deviceId +manufacturer=Acme +oui=00D09E/m);
  const json = await runCli(['profile', 'show', file, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const s = JSON.parse(json.stdout) as { name: string; extends: string[]; quirks: string[]; topObjects: { name: string }[]; parameters: number };
  assert.equal(s.name, 'acme');
  assert.deepEqual(s.extends, ['tr181', 'acme']);
  assert.deepEqual(s.quirks, []);
  assert.ok(!s.topObjects.some((o) => o.name === 'WiFi'));
  assert.ok(s.topObjects.some((o) => o.name === 'DeviceInfo'));
  const missing = await runCli(['profile', 'show', 'no-such-profile']);
  assert.equal(missing.code, 2);
});

test('profile validate: 0 for a valid profile, 2 with file:line and field for a broken one', async () => {
  const ok = await runCli(['profile', 'validate', 'profiles/tr098.yaml']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /OK: profile tr098, \d+ parameters/);
  const dir = await tempDir('cpesim-validate-');
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'profile: bad\nextends: tr098\nparameters:\n  InternetGatewayDevice.DeviceInfo.X_Bad: { type: integer }\n');
  const bad = await runCli(['profile', 'validate', file]);
  assert.equal(bad.code, 2);
  assert.ok(bad.stderr.includes(`${file}, line 4, field parameters["InternetGatewayDevice.DeviceInfo.X_Bad"].type`), bad.stderr);
});

test('round trip: import a CSV dump → validate → run CPEs of it against the reference ACS', { timeout: 90_000 }, async () => {
  const dir = await tempDir('cpesim-roundtrip-');
  const file = join(dir, 'imported.yaml');
  const imported = await runCli(['profile', 'import', join(PACKAGE_ROOT, 'test', 'fixtures', 'import', 'gateway.csv'), '--name', 'ex100', '--out', file]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /imported profile ex100: \d+ parameters/);
  assert.match(imported.stderr, /^type \(\d+\):$/m);
  const validated = await runCli(['profile', 'validate', file]);
  assert.equal(validated.code, 0, validated.stderr);
  const out = join(dir, 'results');
  const run = await runCli(['run', '--profile', file, '--cpes', '3', '--duration', '3s', '--interval', '1', '--workers', '1', '--ui', 'none', '--out', out], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  const s = await readSummary(out);
  assert.ok(s.sessions.completed >= 3, JSON.stringify(s.sessions));
  assert.equal(s.sessions.failed, 0, JSON.stringify(s.errors));
});
