import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFault, deviceModel, IGD, igdModel, names } from './helpers.js';

test('empty path with NextLevel=true is just the root object', async () => {
  const m = await igdModel();
  assert.deepEqual(m.getParameterNames('', true), [{ name: `${IGD}.`, writable: false }]);
  const d = await deviceModel();
  assert.deepEqual(names(d.getParameterNames('', true)), ['Device.']);
});

test('empty path with NextLevel=false is everything, root first, in document order', async () => {
  const m = await igdModel();
  const all = names(m.getParameterNames('', false));
  assert.equal(all[0], `${IGD}.`);
  assert.equal(all[1], `${IGD}.DeviceSummary`);
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.includes(`${IGD}.LANDevice.1.WLANConfiguration.2.WEPKey.1.WEPKey`));
  // Every parameter of the full listing is also what GetParameterValues("") returns, same order.
  assert.deepEqual(all.filter((n) => !n.endsWith('.')), names(m.getParameterValues([''])));
});

test('partial path NextLevel=true lists immediate children only; objects end with "."', async () => {
  const m = await igdModel();
  assert.deepEqual(m.getParameterNames(`${IGD}.LANDevice.1.`, true), [
    { name: `${IGD}.LANDevice.1.LANWLANConfigurationNumberOfEntries`, writable: false },
    { name: `${IGD}.LANDevice.1.WLANConfiguration.`, writable: true },
    { name: `${IGD}.LANDevice.1.Hosts.`, writable: false },
  ]);
  // A table's next level is its instances, ascending.
  assert.deepEqual(m.getParameterNames(`${IGD}.LANDevice.1.WLANConfiguration.`, true), [
    { name: `${IGD}.LANDevice.1.WLANConfiguration.1.`, writable: true },
    { name: `${IGD}.LANDevice.1.WLANConfiguration.2.`, writable: true },
  ]);
  // Read-only tables: neither the table nor its instances are writable.
  assert.deepEqual(m.getParameterNames(`${IGD}.LANDevice.`, true), [{ name: `${IGD}.LANDevice.1.`, writable: false }]);
});

test('partial path NextLevel=false is the object itself and all descendants', async () => {
  const m = await igdModel();
  assert.deepEqual(names(m.getParameterNames(`${IGD}.LANDevice.1.WLANConfiguration.2.`, false)), [
    `${IGD}.LANDevice.1.WLANConfiguration.2.`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.Enable`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.SSID`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.Channel`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.KeyPassphrase`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.WEPKey.`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.WEPKey.1.`,
    `${IGD}.LANDevice.1.WLANConfiguration.2.WEPKey.1.WEPKey`,
  ]);
});

test('a full parameter name: NextLevel=false gives it alone, NextLevel=true is 9003', async () => {
  const m = await igdModel();
  assert.deepEqual(m.getParameterNames(`${IGD}.ManagementServer.URL`, false), [{ name: `${IGD}.ManagementServer.URL`, writable: true }]);
  assertFault(() => m.getParameterNames(`${IGD}.ManagementServer.URL`, true), 9003);
});

test('unknown or malformed paths are 9005', async () => {
  const m = await igdModel();
  for (const path of [
    `${IGD}.Nope.`,
    `${IGD}.ManagementServer`, // object without the trailing dot
    `${IGD}.ManagementServer.URL.`, // parameter with a trailing dot
    `${IGD}.LANDevice.2.`, // no such instance
    `${IGD}.LANDevice.01.`, // instance numbers have no leading zero
    `${IGD}.LANDevice.{i}.`,
    'Device.',
    `${IGD}..DeviceInfo.`,
  ]) {
    assertFault(() => m.getParameterNames(path, false), 9005);
  }
});
