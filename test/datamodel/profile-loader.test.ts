import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import { compileProfileText, loadProfile, resolveProfilePath } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';
import { PROFILES_DIR } from '../../src/paths.js';
import { FIXTURES } from './helpers.js';

/** A valid minimal profile; line numbers below refer to this text (line 1 = "profile: t"). */
const BASE = [
  'profile: t', // 1
  'root: Device', // 2
  'deviceId:', // 3
  '  manufacturer: m', // 4
  '  oui: 00D09E', // 5
  '  productClass: p', // 6
  '  serialNumber: "S{{index}}"', // 7
  'objects:', // 8
  '  Device.X.T.{i}.:', // 9
  '    writable: true', // 10
  'parameters:', // 11
  '  Device.A.B: { type: string }', // 12
  '  Device.X.T.{i}.P:', // 13
  '    type: unsignedInt', // 14
  '    value: "{{i}}"', // 15
].join('\n');

function withLine(line: number, text: string): string {
  const lines = BASE.split('\n');
  lines[line - 1] = text;
  return lines.join('\n');
}

function configError(text: string, file = '/tmp/t.yaml'): ConfigError {
  try {
    compileProfileText(text, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

function assertLocated(err: ConfigError, line: number, field: string | undefined, message: RegExp): void {
  assert.equal(err.code, 'CPESIM_CONFIG');
  assert.equal(err.line, line, err.message);
  assert.equal(err.field, field, err.message);
  assert.match(err.message, message);
  assert.ok(err.message.includes('/tmp/t.yaml') && err.message.includes(`line ${line}`), err.message);
  if (field) assert.ok(err.message.includes(`field ${field}`), err.message);
}

test('the base text compiles', () => {
  const p = compileProfileText(BASE, '/tmp/t.yaml');
  assert.ok(p instanceof CompiledProfile);
  assert.equal(p.parameterCount, 2);
  assert.equal(p.root, 'Device');
  assert.equal(p.cwmpVersion, 0);
  assert.ok(Object.isFrozen(p));
});

test('broken YAML names file and line', () => {
  const err = configError(withLine(13, '  Device.X.T.{i}.P: [unclosed'));
  assert.equal(err.line, 13); // where the unclosed flow sequence starts
  assert.match(err.message, /^\/tmp\/t\.yaml, line 13: invalid YAML/);
  const dup = configError(`${BASE}\n  Device.A.B: { type: int }`);
  assert.equal(dup.line, 16);
});

test('an unknown field names file, line and field', () => {
  assertLocated(configError(withLine(10, '    writeable: true')), 10, 'objects["Device.X.T.{i}."].writeable', /unknown field "writeable"/);
  assertLocated(configError(withLine(14, '    typo: unsignedInt')), 13, 'parameters["Device.X.T.{i}.P"].type', /missing required field "type"/);
  assertLocated(configError(`${BASE}\nextra: 1`), 16, 'extra', /unknown field "extra"/);
});

test('a wrong type names file, line and field', () => {
  assertLocated(configError(withLine(14, '    type: integer')), 14, 'parameters["Device.X.T.{i}.P"].type', /must be one of "string", "int"/);
  assertLocated(configError(withLine(10, '    writable: 3')), 10, 'objects["Device.X.T.{i}."].writable', /must be boolean/);
  assertLocated(configError(withLine(5, '  oui: 00d09e')), 5, 'deviceId.oui', /must match pattern/);
  assertLocated(configError(withLine(2, 'root: Foo')), 2, 'root', /must be one of "InternetGatewayDevice", "Device"/);
});

test('semantic errors are located too', () => {
  const cases: [string, number, string, RegExp][] = [
    [withLine(15, '    value: "{{bogus}}"'), 15, 'parameters["Device.X.T.{i}.P"].value', /unknown template variable "bogus"/],
    [withLine(12, '  InternetGatewayDevice.A.B: { type: string }'), 12, 'parameters["InternetGatewayDevice.A.B"]', /not under the root "Device."/],
    [withLine(12, '  Device.{i}.B: { type: string }'), 12, 'parameters["Device.{i}.B"]', /must follow an object name/],
    [withLine(12, '  Device.A.{j}.B: { type: string }'), 12, 'parameters["Device.A.{j}.B"]', /only "\{i\}" may stand/],
    [withLine(12, '  Device.A.B: { type: string, enum: [a, b], value: c }'), 12, 'parameters["Device.A.B"].value', /default value "c" is not in enum/],
    [withLine(12, '  Device.A.B: { type: int, value: "x" }'), 12, 'parameters["Device.A.B"].value', /not a valid int/],
    [withLine(12, '  Device.A.B: { type: string, range: { min: 1 } }'), 12, 'parameters["Device.A.B"].range', /range does not apply/],
    [withLine(12, '  Device.A.B: { type: int, maxLength: 3 }'), 12, 'parameters["Device.A.B"].maxLength', /do not apply to type int/],
    [withLine(12, '  Device.A.B: { type: boolean, enum: [yes] }'), 12, 'parameters["Device.A.B"].enum[0]', /not a valid boolean/],
    [withLine(12, '  Device.X.T: { type: string }'), 13, 'parameters["Device.X.T.{i}.P"]', /"Device.X.T" is a parameter, not an object/],
    [withLine(12, '  Device.X.T.Q: { type: string }'), 13, 'parameters["Device.X.T.{i}.P"]', /used both as a table/],
    [withLine(9, '  Device.X.T.:'), 10, 'objects["Device.X.T."].writable', /is not a table .*writable applies to tables only/],
    [withLine(7, '  serialNumber: "{{serial}}"'), 7, 'deviceId.serialNumber', /cannot be used in deviceId/],
    [`${BASE}\n    notification: 1\n    activeNotify: forceEnabled`, 16, 'parameters["Device.X.T.{i}.P"].notification', /forceEnabled requires notification 2/],
    [withLine(10, '    numEntries: Device.Other.TNumberOfEntries'), 10, 'objects["Device.X.T.{i}."].numEntries', /must be a parameter of "Device.X."/],
    [withLine(10, '    numEntries: Device.A.B'), 10, 'objects["Device.X.T.{i}."].numEntries', /must be a parameter of/],
  ];
  for (const [text, line, field, message] of cases) {
    try {
      compileProfileText(text, '/tmp/t.yaml');
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assertLocated(err, line, field, message);
      continue;
    }
    assert.fail(`no error for ${field} (${message})`);
  }
});

test('loadProfile: reads a file, caches per resolved path, errors name the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpesim-dm-'));
  writeFileSync(join(dir, 'good.yaml'), BASE);
  writeFileSync(join(dir, 'bad.yaml'), withLine(14, '    type: integer'));
  const a = await loadProfile('good', { profilesDir: dir });
  assert.equal(a.file, join(dir, 'good.yaml'));
  assert.equal(await loadProfile(join(dir, 'good.yaml')), a, 'same instance for the same resolved path');
  await assert.rejects(loadProfile('bad', { profilesDir: dir }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.file, join(dir, 'bad.yaml'));
    assert.equal(err.line, 14);
    return true;
  });
  await assert.rejects(loadProfile('missing', { profilesDir: dir }), (err: unknown) => err instanceof ConfigError && /cannot read profile/.test(err.message));
  const fixture = await loadProfile(join(FIXTURES, 'mini-igd.yaml'));
  assert.equal(fixture.name, 'mini-igd');
  assert.equal(fixture.root, 'InternetGatewayDevice');
});

test('resolveProfilePath: a NAME maps into the profiles dir, anything else is a path', () => {
  assert.equal(resolveProfilePath('tr098'), join(PROFILES_DIR, 'tr098.yaml'));
  assert.equal(resolveProfilePath('tr098', '/p'), '/p/tr098.yaml');
  assert.equal(resolveProfilePath('/x/y.yaml'), '/x/y.yaml');
  assert.equal(resolveProfilePath('y.yaml', '/p'), join(process.cwd(), 'y.yaml'));
});
