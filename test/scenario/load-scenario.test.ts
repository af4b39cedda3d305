import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { scenarioConfigError as configError, scenarioFile } from '../support/scenario-file.js';

test('the quickstart scenario loads with its values converted to milliseconds', async () => {
  const s = await loadScenarioFile(join(SCENARIOS_DIR, 'quickstart.yaml'));
  assert.equal(s.name, 'quickstart');
  assert.equal(s.durationMs, 20_000);
  assert.equal(s.acs.url, undefined);
  assert.deepEqual(s.fleet, [
    { profile: 'tr098', count: 10 },
    { profile: 'tr181', count: 10 },
  ]);
  assert.equal(s.schedule.periodicIntervalS, 5);
  assert.equal(s.schedule.rampMs, 3000);
  assert.equal(s.acs.requestTimeoutMs, 30_000);
});

test('an unknown field is reported with its line and name', async () => {
  const err = await configError('name: x\nfleet:\n  - profile: tr098\n    count: 3\n    colour: red\n');
  assert.equal(err.line, 5);
  assert.equal(err.field, 'fleet[0].colour');
  assert.match(err.message, /unknown field "colour"/);
});

test('a wrong type is reported with its line and field', async () => {
  const err = await configError('name: x\nfleet:\n  - profile: tr098\n    count: many\n');
  assert.equal(err.line, 4);
  assert.equal(err.field, 'fleet[0].count');
});

test('a missing required field names the object that lacks it', async () => {
  const err = await configError('fleet:\n  - profile: tr098\n');
  assert.equal(err.line, 2);
  assert.match(err.message, /missing required field "count"/);
});

test('a malformed duration names its field', async () => {
  const err = await configError('duration: 10 parsecs\n');
  assert.equal(err.line, 1);
  assert.equal(err.field, 'duration');
});

test('a YAML syntax error names the line', async () => {
  const err = await configError('name: x\nfleet: [\n  {profile: tr098, count: 1\n');
  assert.ok(err.line !== undefined && err.line >= 2, `line ${err.line}`);
  assert.match(err.message, /invalid YAML/);
});

test('a missing file is a ConfigError naming the file', async () => {
  await assert.rejects(loadScenarioFile('/nonexistent/cpesim.yaml'), (e: unknown) => e instanceof ConfigError && /nonexistent/.test(e.message));
});

test('profile paths are resolved against the scenario file', async () => {
  const file = await scenarioFile('fleet:\n  - profile: ./my/profile.yaml\n    count: 1\n  - profile: tr181\n    count: 1\n');
  const s = await loadScenarioFile(file);
  assert.equal(s.fleet[0]!.profile, join(file, '..', 'my', 'profile.yaml'));
  assert.equal(s.fleet[1]!.profile, 'tr181');
});

test('connection-request settings load from the scenario and bad ones name their line', async () => {
  const file = await scenarioFile('connectionRequests:\n  host: 127.0.0.5\n  auth: basic\n  delay: 2s\n');
  const s = await loadScenarioFile(file);
  assert.deepEqual(s.connectionRequests, { host: '127.0.0.5', auth: 'basic', delayMs: 2000 });
  const wildcard = await configError('name: x\nconnectionRequests:\n  host: 0.0.0.0\n');
  assert.equal(wildcard.line, 3);
  assert.equal(wildcard.field, 'connectionRequests.host');
  const late = await configError('connectionRequests:\n  delay: 45s\n');
  assert.equal(late.line, 2);
  assert.match(late.message, /at most 30s/);
  const limited = await loadScenarioFile(await scenarioFile('connectionRequests:\n  rateLimit: { max: 3, window: 10s }\n'));
  assert.deepEqual(limited.connectionRequests?.rateLimit, { maxPerWindow: 3, windowMs: 10_000 });
  assert.equal((await configError('connectionRequests:\n  rateLimit: { max: 3, window: 0s }\n')).field, 'connectionRequests.rateLimit.window');
  assert.equal((await configError('connectionRequests:\n  rateLimit: { max: 0, window: 1s }\n')).field, 'connectionRequests.rateLimit.max');
});

test('cpe, autonomousTransfers and requestDownloads: values converted, group cpe fields kept apart', async () => {
  const file = await scenarioFile(
    [
      'fleet:',
      '  - profile: tr181',
      '    count: 2',
      '    cpe: { rebootDuration: 5s }',
      'cpe: { rebootDuration: 30s, confirmDownloads: true }',
      'autonomousTransfers:',
      '  - { at: 10s, fraction: 0.25, window: 2s, fileType: "1 Firmware Upgrade Image", url: "http://files/fw-2.0.bin" }',
      'requestDownloads:',
      '  - { at: 1m, fileType: "3 Vendor Configuration File", args: { Profile: home } }',
    ].join('\n'),
  );
  const s = await loadScenarioFile(file);
  assert.deepEqual(s.cpe, { rebootDurationMs: 30_000, confirmDownloads: true });
  assert.deepEqual(s.fleet[0]?.cpe, { rebootDurationMs: 5000 });
  assert.deepEqual(s.autonomousTransfers, [
    { atMs: 10_000, fraction: 0.25, windowMs: 2000, fileType: '1 Firmware Upgrade Image', url: 'http://files/fw-2.0.bin', fileSize: 0, targetFileName: '' },
  ]);
  assert.deepEqual(s.requestDownloads, [{ atMs: 60_000, fraction: 1, windowMs: 0, fileType: '3 Vendor Configuration File', fileTypeArg: [{ name: 'Profile', value: 'home' }] }]);
});

test('autonomousDuChanges: operations converted; update and uninstall need a uuid, install a url', async () => {
  const uuid = '0a1b2c3d-4e5f-4a6b-8c7d-00000000beef';
  const file = await scenarioFile(
    [
      'fleet:',
      '  - profile: tr181',
      '    count: 1',
      'autonomousDuChanges:',
      `  - { at: 10s, fraction: 0.5, window: 2s, operation: install, url: "http://files/app-1.0.ipk", uuid: "${uuid}" }`,
      `  - { at: 1m, operation: update, url: "http://files/app-1.1.ipk", uuid: "${uuid}" }`,
      `  - { at: 2m, operation: uninstall, uuid: "${uuid}" }`,
    ].join('\n'),
  );
  const s = await loadScenarioFile(file);
  assert.deepEqual(s.autonomousDuChanges, [
    { atMs: 10_000, fraction: 0.5, windowMs: 2000, operation: 'install', url: 'http://files/app-1.0.ipk', uuid, executionEnvRef: undefined },
    { atMs: 60_000, fraction: 1, windowMs: 0, operation: 'update', url: 'http://files/app-1.1.ipk', uuid, executionEnvRef: undefined },
    { atMs: 120_000, fraction: 1, windowMs: 0, operation: 'uninstall', url: undefined, uuid, executionEnvRef: undefined },
  ]);
  const base = 'fleet:\n  - profile: tr181\n    count: 1\nautonomousDuChanges:\n';
  for (const [item, pattern] of [
    ['{ at: 1s, operation: uninstall }', /uuid/],
    ['{ at: 1s, operation: update, uuid: "0a1b2c3d-4e5f-4a6b-8c7d-00000000beef" }', /url/],
    ['{ at: 1s, operation: install }', /url/],
    ['{ at: 1s, operation: remove, uuid: "0a1b2c3d-4e5f-4a6b-8c7d-00000000beef" }', /.+/],
    ['{ at: 1s, operation: uninstall, uuid: "not-a-uuid" }', /pattern|must match/],
  ] as const) {
    const err = await configError(`${base}  - ${item}`);
    assert.equal(err.line, 5, err.message);
    assert.match(err.field ?? '', /^autonomousDuChanges\[0\]/, err.message);
    assert.match(err.message, pattern);
  }
});

test('cpe and CPE-initiated actions: bad values are reported with their line and field', async () => {
  const base = 'fleet:\n  - profile: tr098\n    count: 1\n';
  const cases: [string, number, string, RegExp][] = [
    [`${base}cpe: { rebootDuration: soon }`, 4, 'cpe.rebootDuration', /not a duration/],
    [`${base}cpe: { rebootDuration: 2d }`, 4, 'cpe.rebootDuration', /duration|24h/],
    [`${base}    cpe: { reboot: 1s }`, 4, 'fleet[0].cpe.reboot', /unknown field/],
    [`${base}autonomousTransfers:\n  - { at: 1s, fileType: firmware, url: "http://x/fw.bin" }`, 5, 'autonomousTransfers[0].fileType', /pattern|must match/],
    [`${base}autonomousTransfers:\n  - { at: 1s, fraction: 0, fileType: "1 Firmware Upgrade Image", url: "http://x/fw.bin" }`, 5, 'autonomousTransfers[0].fraction', /.+/],
    [`${base}autonomousTransfers:\n  - { at: 1s, fileType: "1 Firmware Upgrade Image", url: "ftp://x/fw.bin" }`, 5, 'autonomousTransfers[0].url', /.+/],
    [`${base}requestDownloads:\n  - { at: later, fileType: "1 Firmware Upgrade Image" }`, 5, 'requestDownloads[0].at', /not a duration/],
  ];
  for (const [text, line, field, message] of cases) {
    const err = await configError(text);
    assert.equal(err.line, line, `${field}: ${err.message}`);
    assert.equal(err.field, field, err.message);
    assert.match(err.message, message);
  }
});
