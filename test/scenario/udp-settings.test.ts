/** `connectionRequests.udp` in scenario files: values in their units, and errors that name file, line and field. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { effectiveScenario, REDACTED } from '../../src/report/effective-scenario.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';

async function load(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-udp-scenario-'));
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, text);
  return { file, result: loadScenarioFile(file) };
}

async function configError(text: string): Promise<ConfigError> {
  const { file, result } = await load(text);
  const err = await result.then(
    () => assert.fail('expected a ConfigError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.file, file);
  return err;
}

test('connectionRequests.udp loads: enabled by default, replay window and STUN settings in their units', async () => {
  const { result } = await load(
    [
      'connectionRequests:',
      '  udp:',
      '    replayWindow: 2m',
      '    stun:',
      '      server: 127.0.0.1:3478',
      '      minKeepAlive: 30s',
      '      maxKeepAlive: 90s',
      '      username: stun-user',
      '      password: stun-secret',
      '',
    ].join('\n'),
  );
  const s = await result;
  assert.deepEqual(s.connectionRequests?.udp, {
    enabled: true,
    replayWindowMs: 120_000,
    stun: { host: '127.0.0.1', port: 3478, minKeepAliveS: 30, maxKeepAliveS: 90, username: 'stun-user', password: 'stun-secret' },
  });
  const off = await (await load('connectionRequests:\n  udp: { enabled: false }\n')).result;
  assert.deepEqual(off.connectionRequests?.udp, { enabled: false, replayWindowMs: undefined, stun: undefined });
  const noUdp = await (await load('connectionRequests:\n  delay: 1s\n')).result;
  assert.equal(noUdp.connectionRequests?.udp, undefined);
});

test('bad connectionRequests.udp fields name their line and field', async () => {
  const server = await configError('connectionRequests:\n  udp:\n    stun:\n      server: "127.0.0.1:99999"\n');
  assert.equal(server.line, 4);
  assert.equal(server.field, 'connectionRequests.udp.stun.server');
  const order = await configError('connectionRequests:\n  udp:\n    stun:\n      minKeepAlive: 60s\n      maxKeepAlive: 30s\n');
  assert.equal(order.line, 5);
  assert.equal(order.field, 'connectionRequests.udp.stun.maxKeepAlive');
  const window = await configError('connectionRequests:\n  udp:\n    replayWindow: 10ms\n');
  assert.equal(window.field, 'connectionRequests.udp.replayWindow');
  const unknown = await configError('connectionRequests:\n  udp:\n    stun:\n      realm: x\n');
  assert.match(unknown.message, /realm/);
  const duration = await configError('connectionRequests:\n  udp:\n    stun:\n      minKeepAlive: soon\n');
  assert.equal(duration.field, 'connectionRequests.udp.stun.minKeepAlive');
});

test('the STUN password is redacted in the results\' scenario.json', async () => {
  const s = await (await load('connectionRequests:\n  udp:\n    stun: { server: 127.0.0.1, password: stun-secret }\n')).result;
  const text = JSON.stringify(effectiveScenario(s));
  assert.ok(!text.includes('stun-secret'), text);
  assert.ok(text.includes(REDACTED));
  assert.equal(s.connectionRequests?.udp?.stun?.password, 'stun-secret', 'the run itself keeps it');
});
