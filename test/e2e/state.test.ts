/**
 * `cpesim run --state FILE` end to end (the CLI as a child process, 2 worker threads): run 1 against a reference
 * ACS that provisions on BOOTSTRAP; run 2 with the same file against a fresh ACS sees the same devices again (no
 * "0 BOOTSTRAP", the provisioned values read back); a corrupt file stops the run before it starts (exit 2, file
 * and line named) and is left as it was.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs } from '../../src/acs/server.js';
import type { CpeMessage } from '../../src/cwmp/messages.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { runCli, tempDir } from '../support/cli.js';
import { informEvents } from '../fleet/fleet-harness.js';

const CPES = 4;
const MS = 'InternetGatewayDevice.ManagementServer.';

test('cpesim run --state: the second run restores the fleet (no second BOOTSTRAP, configuration kept)', { timeout: 120_000 }, async () => {
  const dir = await tempDir('cpesim-state-e2e-');
  const file = join(dir, 'fleet.state');
  const run = (acsUrl: string, out: string) =>
    runCli(['run', '--acs', acsUrl, '--profile', 'tr098', '--cpes', String(CPES), '--duration', '3s', '--interval', '1', '--workers', '2', '--ui', 'none', '--state', file, '--out', join(dir, out)]);

  // Run 1: every CPE bootstraps and is provisioned (credentials, a PeriodicInformInterval of 2 s).
  const acs1 = await startReferenceAcs({
    recordMessages: true,
    provision: { connectionRequestUsername: 'saved-user', connectionRequestPassword: 'saved-pw', periodicInformInterval: 2 },
  });
  const first = await run(acs1.url, 'run1');
  await acs1.close();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, new RegExp(`state ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 0 CPE\\(s\\) restored, ${CPES} saved`));
  assert.equal([...acs1.devices.values()].filter((d) => d.provisioned).length, CPES);
  const lines = gunzipSync(await readFile(file)).toString('utf8').trim().split('\n');
  assert.equal(lines.length, 1 + CPES);
  assert.deepEqual(JSON.parse(lines[0]!), { ...JSON.parse(lines[0]!), format: 'cpesim-state', version: 1, cpes: CPES });

  // Run 2 against a fresh ACS (no provisioning): it reads the values back in the CPEs' first session.
  const acs2 = await startReferenceAcs({ recordMessages: true });
  const profile = await loadProfile('tr098');
  const reads = Array.from({ length: CPES }, (_, index) => {
    const key = deviceKey(new DeviceModel(profile, { index, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
    return acs2.enqueue(key, { method: 'GetParameterValues', parameterNames: [`${MS}PeriodicInformInterval`, `${MS}ConnectionRequestUsername`] });
  });
  const second = await run(acs2.url, 'run2');
  await acs2.close();
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`${CPES} CPE\\(s\\) restored, ${CPES} saved`));
  const informs = acs2.messages.filter((m) => m.includes('<cwmp:Inform>'));
  assert.ok(informs.length >= CPES);
  assert.equal(informs.filter((m) => informEvents(m).includes('0 BOOTSTRAP')).length, 0, 'no second BOOTSTRAP');
  assert.equal([...acs2.devices.values()].filter((d) => d.bootstrapped).length, 0);
  for (const answer of await Promise.all(reads)) {
    const values = (answer as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => p.value);
    // 2 (set by the ACS in run 1), not the --interval 1 of this run.
    assert.deepEqual(values, ['2', 'saved-user']);
  }

  // A corrupt file: exit 2 naming it and its line, nothing runs, the file stays as it was.
  const corrupt = gzipSync(`${lines[0]}\n${lines[1]!.slice(0, 20)}\n`);
  await writeFile(file, corrupt);
  const acs3 = await startReferenceAcs();
  const third = await run(acs3.url, 'run3');
  await acs3.close();
  assert.equal(third.code, 2, third.stderr);
  assert.match(third.stderr, /fleet\.state, line 2: not JSON/);
  assert.equal(acs3.stats.informs, 0, 'nothing ran');
  assert.deepEqual(await readFile(file), corrupt);
});

test('cpesim run --state: SIGINT still saves every CPE after the grace period', { timeout: 120_000 }, async () => {
  const dir = await tempDir('cpesim-state-sigint-');
  const file = join(dir, 'fleet.state');
  const acs = await startReferenceAcs({ provision: { connectionRequestUsername: 'u', connectionRequestPassword: 'p', periodicInformInterval: 1 } });
  let signalled = false;
  const run = await runCli(
    ['run', '--acs', acs.url, '--cpes', '3', '--duration', '5m', '--interval', '1', '--workers', '2', '--ui', 'plain', '--state', file, '--out', join(dir, 'out')],
    {
      // Once every CPE is online (its bootstrap session completed), stop it like Ctrl-C does.
      onStderr: (text, kill) => {
        if (!signalled && /cpes=3 \(online 3,/.test(text)) {
          signalled = true;
          kill('SIGINT');
        }
      },
    },
  );
  await acs.close();
  assert.ok(signalled, run.stderr);
  assert.match(run.stderr, /3 saved/);
  const lines = gunzipSync(await readFile(file)).toString('utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { index: number; state: { bootstrapped: boolean } });
  assert.deepEqual(lines.map((l) => l.index).sort(), [0, 1, 2]);
  assert.ok(lines.every((l) => l.state.bootstrapped));
});
