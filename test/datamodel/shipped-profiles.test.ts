import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { PROFILES_DIR } from '../../src/paths.js';
import { assertFault } from './helpers.js';

// The generator writes profiles/tr098.yaml and profiles/tr181.yaml; until they exist these tests are skipped.
for (const [name, root] of [['tr098', 'InternetGatewayDevice'], ['tr181', 'Device']] as const) {
  const file = join(PROFILES_DIR, `${name}.yaml`);
  test(`shipped profile ${name}: loads with >= 500 parameters and TR-069 semantics hold`, { skip: !existsSync(file) && `${file} not generated yet` }, async () => {
    const profile = await loadProfile(name);
    assert.equal(profile.root, root);
    assert.ok(profile.parameterCount >= 500, `only ${profile.parameterCount} parameters`);
    const m = new DeviceModel(profile, { index: 42, connectionRequestUrl: 'http://127.0.0.1:1/cr', bootTimeMs: Date.now() });
    const id = m.deviceId();
    assert.match(id.oui, /^[0-9A-F]{6}$/);
    assert.ok(id.serialNumber.length > 0);
    assert.deepEqual(m.getParameterNames('', true), [{ name: `${root}.`, writable: false }]);
    const ms = `${root}.ManagementServer.`;
    assert.ok(m.getParameterNames(ms, true).length > 5);
    // The fleet engine relies on these.
    assert.match(m.get(`${ms}PeriodicInformInterval`) ?? '', /^\d+$/);
    assert.notEqual(m.get(`${ms}ParameterKey`), undefined);
    m.setParameterValues([{ name: `${ms}PeriodicInformInterval`, value: '123', type: 'unsignedInt' }], 'shipped');
    assert.equal(m.get(`${ms}PeriodicInformInterval`), '123');
    assert.equal(m.get(`${ms}ParameterKey`), 'shipped');
    assertFault(() => m.getParameterValues([`${root}.NoSuchObject.`]), 9005);
    const inform = m.informParameters().map((p) => p.name);
    assert.ok(inform.includes(`${ms}ParameterKey`), 'ParameterKey is forced-inform');
    assert.ok(inform.includes(`${ms}ConnectionRequestURL`), 'ConnectionRequestURL is forced-inform');
    // A full walk is consistent between GetParameterNames and GetParameterValues.
    const all = m.getParameterNames('', false).filter((p) => !p.name.endsWith('.'));
    assert.equal(all.length, m.getParameterValues(['']).length);
    assert.equal(m.overlaySize(), 2, 'only the ParameterKey and interval values were written');
    // AddObject/DeleteObject round trip on the first writable table.
    const table = m.getParameterNames('', false).find((p) => p.writable && /[^.\d]\.$/.test(p.name));
    assert.ok(table, 'the profile has a writable table');
    const { instanceNumber } = m.addObject(table.name, 'add');
    assert.ok(m.getParameterNames(table.name, true).some((p) => p.name === `${table.name}${instanceNumber}.`));
    assert.equal(m.deleteObject(`${table.name}${instanceNumber}.`, 'del'), 0);
    assertFault(() => m.deleteObject(`${table.name}${instanceNumber}.`, 'again'), 9005);
    assert.equal(m.get(`${ms}ParameterKey`), 'del');
  });
}
