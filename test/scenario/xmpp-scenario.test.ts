/** `connectionRequests.xmpp` in a scenario: defaults, conversion, and errors that name the file, line and field. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { effectiveScenario } from '../../src/report/effective-scenario.js';
import { parseHostPort } from '../../src/config/host-port.js';
import { loadScenarioText as load, scenarioConfigError as configError } from '../support/scenario-file.js';

test('connectionRequests.xmpp: server, domain, templates and pacing, with defaults', async () => {
  const full = await (await load(
    'connectionRequests:\n  xmpp:\n    server: 127.0.0.9:15222\n    domain: cpesim.test\n    username: "box-{{index:6}}"\n' +
      '    password: "{{serial}}-pw"\n    resource: tr069\n    concurrency: 5\n    loginTimeout: 3s\n',
  )).scenario;
  assert.deepEqual(full.connectionRequests?.xmpp, {
    host: '127.0.0.9',
    port: 15222,
    domain: 'cpesim.test',
    username: 'box-{{index:6}}',
    password: '{{serial}}-pw',
    resource: 'tr069',
    concurrency: 5,
    loginTimeoutMs: 3000,
  });
  assert.equal(JSON.stringify(effectiveScenario(full)).includes('{{serial}}-pw'), false, 'scenario.json redacts the XMPP password');
  const minimal = await (await load('connectionRequests:\n  xmpp: { server: "xmpp.example.net", domain: example.net }\n')).scenario;
  assert.deepEqual(minimal.connectionRequests?.xmpp, {
    host: 'xmpp.example.net',
    port: 5222,
    domain: 'example.net',
    username: 'cpe-{{serial}}',
    password: 'cpesim-{{serial}}',
    resource: 'cwmp',
    concurrency: 20,
    loginTimeoutMs: 10_000,
  });
});

test('bad XMPP settings name their line and field', async () => {
  const server = await configError('name: x\nconnectionRequests:\n  xmpp:\n    server: "127.0.0.1:99999"\n    domain: d\n');
  assert.equal(server.line, 4);
  assert.equal(server.field, 'connectionRequests.xmpp.server');
  const template = await configError('connectionRequests:\n  xmpp:\n    server: h\n    domain: d\n    username: "cpe-{{nope}}"\n');
  assert.equal(template.line, 5);
  assert.equal(template.field, 'connectionRequests.xmpp.username');
  const missing = await configError('connectionRequests:\n  xmpp:\n    server: h\n');
  assert.match(missing.message, /domain/);
  const unknown = await configError('connectionRequests:\n  xmpp:\n    server: h\n    domain: d\n    tls: true\n');
  assert.equal(unknown.line, 5);
  const badDomain = await configError('connectionRequests:\n  xmpp:\n    server: h\n    domain: "a@b"\n');
  assert.equal(badDomain.field, 'connectionRequests.xmpp.domain');
  const concurrency = await configError('connectionRequests:\n  xmpp:\n    server: h\n    domain: d\n    concurrency: 0\n');
  assert.equal(concurrency.field, 'connectionRequests.xmpp.concurrency');
});

test('host:port forms', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:5222', 1), { host: '127.0.0.1', port: 5222 });
  assert.deepEqual(parseHostPort('xmpp.example.net', 5222), { host: 'xmpp.example.net', port: 5222 });
  assert.deepEqual(parseHostPort('[::1]:5223', 1), { host: '::1', port: 5223 });
  assert.equal(parseHostPort('::1:5222', 1), undefined, 'an IPv6 address needs brackets');
  assert.equal(parseHostPort('h:0', 1), undefined);
  assert.equal(parseHostPort('h:70000', 1), undefined);
  assert.equal(parseHostPort('h p:1', 1), undefined);
  assert.equal(parseHostPort('', 1), undefined);
});

test('the README example of connectionRequests.xmpp loads', async () => {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### XMPP connection requests'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example?.includes('xmpp:'), 'the section has a YAML example');
  const scenario = await (await load(example!)).scenario;
  assert.equal(scenario.connectionRequests?.xmpp?.domain, 'cpesim.test');
  assert.equal(scenario.connectionRequests?.xmpp?.loginTimeoutMs, 10_000);
});
