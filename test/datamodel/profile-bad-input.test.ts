/** Issue #5 "how it will be checked": bad profiles are rejected with the file, the line and the field. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';

const HEAD = ['profile: bad', 'root: Device', 'deviceId: { manufacturer: m, oui: 00D09E, productClass: p, serialNumber: "S{{index}}" }'];

async function rejected(lines: string[]): Promise<{ err: ConfigError; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'cpesim-bad-')), 'bad.yaml');
  writeFileSync(file, [...HEAD, ...lines].join('\n') + '\n');
  try {
    await loadProfile(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.ok(err.message.startsWith(`${file}, line ${err.line}`), err.message);
    return { err, file };
  }
  assert.fail('expected the profile to be rejected');
}

test('an unknown type', async () => {
  const { err, file } = await rejected(['parameters:', '  Device.A.B: { type: string }', '  Device.A.C: { type: integer }']);
  assert.deepEqual([err.file, err.line, err.field], [file, 6, 'parameters["Device.A.C"].type']);
  assert.match(err.message, /must be one of "string", "int"/);
});

test('a duplicate path (the same YAML key twice)', async () => {
  const { err, file } = await rejected(['parameters:', '  Device.A.B: { type: string }', '  Device.A.C: { type: int }', '  Device.A.B: { type: boolean }']);
  assert.deepEqual([err.file, err.line, err.field], [file, 7, 'parameters["Device.A.B"]']);
  assert.match(err.message, /duplicate key "Device\.A\.B"/);
});

test('an instance under a non-table', async () => {
  // Instances of a single object...
  let { err } = await rejected(['objects:', '  Device.A.: { instances: 2 }', 'parameters:', '  Device.A.B: { type: string }']);
  assert.deepEqual([err.line, err.field], [5, 'objects["Device.A."].instances']);
  assert.match(err.message, /not a table/);
  // ... and per-instance values of a parameter outside any table.
  ({ err } = await rejected(['parameters:', '  Device.A.B: { type: string, instanceValues: { "2": "x" } }']));
  assert.deepEqual([err.line, err.field], [5, 'parameters["Device.A.B"].instanceValues']);
  assert.match(err.message, /parameters of tables only/);
});

test('an unknown field (a misspelt quirk) anywhere', async () => {
  let { err } = await rejected(['quirkz: { booleansAsDigits: true }']);
  assert.deepEqual([err.line, err.field], [4, 'quirkz']);
  assert.match(err.message, /unknown field "quirkz"/);
  ({ err } = await rejected(['parameters:', '  Device.A.B: { type: string, forcedInfrom: true }']));
  assert.deepEqual([err.line, err.field], [5, 'parameters["Device.A.B"].forcedInfrom']);
});
