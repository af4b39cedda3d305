/**
 * Initial values shared by a group of devices (a scenario's PeriodicInformInterval): read as the device's own
 * from power-on, replaced by the ACS's writes, no overlay entry and no value change to report; unknown paths
 * are refused once, up front.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { CpesimError } from '../../src/errors.js';
import { FIXTURES, IGD } from './helpers.js';

const PII = `${IGD}.ManagementServer.PeriodicInformInterval`;

describe('DeviceModel initial values', () => {
  it('are the values from power-on, shared, without overlay; the ACS can still change them', async () => {
    const profile = await loadProfile(join(FIXTURES, 'mini-igd.yaml'));
    const initialValues = new Map([[PII, '42']]);
    DeviceModel.checkInitialValues(profile, initialValues);
    const a = new DeviceModel(profile, { index: 1, connectionRequestUrl: 'http://cr/1', bootTimeMs: Date.now(), initialValues });
    const b = new DeviceModel(profile, { index: 2, connectionRequestUrl: 'http://cr/2', bootTimeMs: Date.now(), initialValues });
    const plain = new DeviceModel(profile, { index: 3, connectionRequestUrl: 'http://cr/3', bootTimeMs: Date.now() });
    assert.equal(a.get(PII), '42');
    assert.deepEqual(b.getParameterValues([PII]).map((p) => p.value), ['42']);
    assert.notEqual(plain.get(PII), '42');
    assert.equal(a.overlaySize(), 0, 'no per-device entry');
    assert.equal(a.pendingValueChange(), 0, 'not a value change');
    assert.equal(a.setParameterValues([{ name: PII, value: '77' }], 'k'), 0);
    assert.equal(a.get(PII), '77');
    assert.equal(b.get(PII), '42', 'one device writing does not change the others');
  });

  it('a path that is not a parameter is refused up front', async () => {
    const profile = await loadProfile(join(FIXTURES, 'mini-igd.yaml'));
    for (const path of [`${IGD}.ManagementServer.NoSuchThing`, `${IGD}.ManagementServer.`]) {
      assert.throws(() => DeviceModel.checkInitialValues(profile, new Map([[path, '1']])), (err: unknown) => {
        assert.ok(err instanceof CpesimError);
        assert.equal(err.code, 'CPESIM_DATAMODEL_PATH');
        return true;
      });
    }
  });
});
