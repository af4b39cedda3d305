/** Shared fixtures for the data-model tests. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CwmpFault } from '../../src/cwmp/faults.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

export const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'profiles');
export const IGD = 'InternetGatewayDevice';

export async function igdModel(index = 7, bootTimeMs = Date.now()): Promise<DeviceModel> {
  const profile = await loadProfile(join(FIXTURES, 'mini-igd.yaml'));
  return new DeviceModel(profile, { index, connectionRequestUrl: `http://10.0.0.${index}:7547/cr`, bootTimeMs });
}

export async function deviceModel(index = 3): Promise<DeviceModel> {
  const profile = await loadProfile(join(FIXTURES, 'mini-device.yaml'));
  return new DeviceModel(profile, { index, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });
}

/** Asserts that `fn` throws a CwmpFault with `code` and returns it. */
export function assertFault(fn: () => unknown, code: number): CwmpFault {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof CwmpFault, `expected CwmpFault ${code}, got ${String(caught)}`);
  assert.equal(caught.faultCode, code, caught.message);
  return caught;
}

export function names(list: { name: string }[]): string[] {
  return list.map((p) => p.name);
}
