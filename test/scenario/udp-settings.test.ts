/** `connectionRequests.udp` in scenario files: values in their units, and errors that name file, line and field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveScenario, REDACTED } from '../../src/report/effective-scenario.js';
import { loadScenarioText as load, scenarioConfigError as configError } from '../support/scenario-file.js';

test('connectionRequests.udp loads: enabled by default, replay window and STUN settings in their units', async () => {
  const { scenario: result } = await load(
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
  const off = await (await load('connectionRequests:\n  udp: { enabled: false }\n')).scenario;
  assert.deepEqual(off.connectionRequests?.udp, { enabled: false, replayWindowMs: undefined, stun: undefined });
  const noUdp = await (await load('connectionRequests:\n  delay: 1s\n')).scenario;
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
  const s = await (await load('connectionRequests:\n  udp:\n    stun: { server: 127.0.0.1, password: stun-secret }\n')).scenario;
  const text = JSON.stringify(effectiveScenario(s));
  assert.ok(!text.includes('stun-secret'), text);
  assert.ok(text.includes(REDACTED));
  assert.equal(s.connectionRequests?.udp?.stun?.password, 'stun-secret', 'the run itself keeps it');
});
