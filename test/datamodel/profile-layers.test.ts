import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { inspectProfile, loadProfile } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';

const BASE = [
  'profile: base', // 1
  'description: the base', // 2
  'root: Device', // 3
  'cwmpVersion: 2', // 4
  'deviceId: { manufacturer: BaseCo, oui: 00D09E, productClass: B1, serialNumber: "B{{index:6}}" }', // 5
  'objects:', // 6
  '  Device.T.{i}.: { writable: true, instances: 2, numEntries: Device.TNumberOfEntries }', // 7
  '  Device.U.{i}.: { numEntries: Device.UNumberOfEntries }', // 8
  'parameters:', // 9
  '  Device.DeviceInfo.ModelName: { type: string, value: "B1", maxLength: 8 }', // 10
  '  Device.DeviceInfo.SoftwareVersion: { type: string, value: "1.0", forcedInform: true }', // 11
  '  Device.DeviceInfo.Uptime: { type: unsignedInt, value: "{{uptime}}" }', // 12
  '  Device.T.{i}.Name: { type: string, value: "t{{i}}" }', // 13
  '  Device.U.{i}.Flag: { type: boolean, writable: true, value: "true" }', // 14
  '  Device.Gone.Sub.X: { type: int, value: "1" }', // 15
].join('\n');

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'cpesim-layers-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

function values(model: DeviceModel, paths: string[]): Record<string, string> {
  return Object.fromEntries(model.getParameterValues(paths).map((p) => [p.name, p.value]));
}

test('a layer patches, adds and removes over its base; deviceId fields merge; chains of layers apply in order', async () => {
  const d = dir({
    'base.yaml': BASE,
    'vendor.yaml': [
      'profile: vendor',
      'extends: ./base.yaml',
      'cwmpVersion: 4',
      'deviceId: { manufacturer: VendorCo }',
      'remove:',
      '  - Device.Gone.',
      '  - Device.U.{i}.',
      'objects:',
      '  Device.T.{i}.: { instances: 3 }',
      'parameters:',
      '  Device.DeviceInfo.ModelName: { value: "V-200" }',
      '  Device.DeviceInfo.X_VENDOR_Led: { type: boolean, writable: true, value: "false" }',
    ].join('\n'),
    'model.yaml': ['profile: model', 'extends: vendor.yaml', 'description: the model', 'parameters:', '  Device.DeviceInfo.SoftwareVersion: { value: "2.5" }'].join('\n'),
  });
  const { profile, layers } = await inspectProfile(join(d, 'model.yaml'));
  assert.deepEqual(layers.names, ['base', 'vendor', 'model']);
  assert.deepEqual(layers.chain, [join(d, 'base.yaml'), join(d, 'vendor.yaml'), join(d, 'model.yaml')]);
  assert.equal(profile.name, 'model');
  assert.equal(profile.description, 'the model');
  assert.equal(profile.cwmpVersion, 4);
  assert.equal(profile.deviceId.manufacturer, 'VendorCo');
  assert.equal(profile.deviceId.productClass, 'B1');
  assert.equal(layers.raw.parameters!['Device.DeviceInfo.ModelName']!.maxLength, 8, 'the patch keeps the base fields');
  const model = new DeviceModel(profile, { index: 5, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });
  assert.deepEqual(values(model, ['Device.DeviceInfo.ModelName', 'Device.DeviceInfo.SoftwareVersion', 'Device.TNumberOfEntries', 'Device.T.3.Name']), {
    'Device.DeviceInfo.ModelName': 'V-200',
    'Device.DeviceInfo.SoftwareVersion': '2.5',
    'Device.TNumberOfEntries': '3',
    'Device.T.3.Name': 't3',
  });
  const names = model.getParameterNames('Device.', false).map((p) => p.name);
  assert.ok(names.includes('Device.DeviceInfo.X_VENDOR_Led'));
  for (const gone of ['Device.U.', 'Device.UNumberOfEntries', 'Device.Gone.', 'Device.Gone.Sub.X']) {
    assert.ok(!names.some((n) => n.startsWith(gone)), `${gone} removed`);
  }
  // The base alone still has everything.
  const base = await loadProfile(join(d, 'base.yaml'));
  assert.equal(base.parameterCount, 8);
  assert.equal(profile.parameterCount, 6);
});

test('removing a NumberOfEntries parameter of a kept table really removes it (no implicit re-creation)', async () => {
  const d = dir({ 'base.yaml': BASE, 'v.yaml': 'profile: v\nextends: ./base.yaml\nremove: [Device.TNumberOfEntries]\n' });
  const profile = await loadProfile(join(d, 'v.yaml'));
  const model = new DeviceModel(profile, { index: 1, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });
  const names = model.getParameterNames('Device.', true).map((p) => p.name);
  assert.ok(!names.includes('Device.TNumberOfEntries'));
  assert.ok(names.includes('Device.T.'));
});

test('extends a shipped profile by name', async () => {
  const d = dir({ 'ont.yaml': 'profile: ont\nextends: tr181\nremove: [Device.WiFi.]\ndeviceId: { manufacturer: Acme }\n' });
  const { profile, layers } = await inspectProfile(join(d, 'ont.yaml'));
  const tr181 = await loadProfile('tr181');
  assert.deepEqual(layers.names, ['tr181', 'ont']);
  assert.equal(profile.root, 'Device');
  assert.ok(profile.parameterCount < tr181.parameterCount);
  assert.equal(profile.rootNode.childByName.has('WiFi'), false);
  assert.equal(profile.deviceId.oui, tr181.deviceId.oui);
});

test('a cycle is rejected with the chain named, at the extends line', async () => {
  const d = dir({ 'a.yaml': 'profile: a\nextends: ./b.yaml\n', 'b.yaml': '# b\nprofile: b\nextends: ./a.yaml\n' });
  const err = await configError(loadProfile(join(d, 'a.yaml')));
  assert.match(err.message, /extends cycle: a\.yaml → b\.yaml → a\.yaml/);
  assert.equal(err.file, join(d, 'b.yaml'));
  assert.equal(err.line, 3);
  assert.equal(err.field, 'extends');
  const self = dir({ 's.yaml': 'profile: s\nextends: s.yaml\n' });
  assert.match((await configError(loadProfile(join(self, 's.yaml')))).message, /extends cycle: s\.yaml → s\.yaml/);
});

test('an unknown base names the file, line and field', async () => {
  const d = dir({ 'v.yaml': 'profile: v\ndescription: x\nextends: no-such-base\n' });
  const err = await configError(loadProfile(join(d, 'v.yaml'), { profilesDir: d }));
  assert.match(err.message, /unknown base profile "no-such-base"/);
  assert.deepEqual([err.file, err.line, err.field], [join(d, 'v.yaml'), 3, 'extends']);
});

test('errors in the merged profile point into the file that wrote the field', async () => {
  const child = (lines: string[]) => dir({ 'base.yaml': BASE, 'v.yaml': ['profile: v', 'extends: ./base.yaml', ...lines].join('\n') });
  // A patched value that is invalid under the base's constraints (maxLength 8): the child's line.
  let d = child(['parameters:', '  Device.DeviceInfo.ModelName: { value: "much-too-long" }']);
  let err = await configError(loadProfile(join(d, 'v.yaml')));
  assert.deepEqual([err.file, err.line, err.field], [join(d, 'v.yaml'), 4, 'parameters["Device.DeviceInfo.ModelName"].value']);
  // A new parameter without a type.
  d = child(['parameters:', '  Device.DeviceInfo.New: { value: "x" }']);
  err = await configError(loadProfile(join(d, 'v.yaml')));
  assert.match(err.message, /missing required field "type"/);
  assert.deepEqual([err.file, err.line], [join(d, 'v.yaml'), 4]);
  // A field unknown to the schema, in the child.
  d = child(['quirkz: { booleansAsDigits: true }']);
  err = await configError(loadProfile(join(d, 'v.yaml')));
  assert.deepEqual([err.file, err.line, err.field], [join(d, 'v.yaml'), 3, 'quirkz']);
  // A remove that matches nothing.
  d = child(['remove:', '  - Device.DeviceInfo.ModelName', '  - Device.Nothing.']);
  err = await configError(loadProfile(join(d, 'v.yaml')));
  assert.deepEqual([err.file, err.line, err.field], [join(d, 'v.yaml'), 5, 'remove[1]']);
  // A different root.
  d = child(['root: InternetGatewayDevice']);
  err = await configError(loadProfile(join(d, 'v.yaml')));
  assert.deepEqual([err.line, err.field], [3, 'root']);
  // An error the child did not cause stays in the base: the table the base's instanceValues key needs is cut down.
  d = dir({
    'base.yaml': BASE.replace('  Device.T.{i}.Name: { type: string, value: "t{{i}}" }', '  Device.T.{i}.Name: { type: string, value: "t{{i}}", instanceValues: { "2": "second" } }'),
    'v.yaml': 'profile: v\nextends: ./base.yaml\nobjects:\n  Device.T.{i}.: { instances: 1 }\n',
  });
  err = await configError(loadProfile(join(d, 'v.yaml')));
  assert.deepEqual([err.file, err.line], [join(d, 'base.yaml'), 13]);
});

test('remove without extends is rejected', async () => {
  const d = dir({ 'base.yaml': `${BASE}\nremove: [Device.Gone.]\n` });
  const err = await configError(loadProfile(join(d, 'base.yaml')));
  assert.deepEqual([err.line, err.field], [16, 'remove']);
});
