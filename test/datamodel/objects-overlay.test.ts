import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFault, deviceModel, IGD, igdModel, names } from './helpers.js';

const LAN = `${IGD}.LANDevice.1.`;
const WLAN = `${LAN}WLANConfiguration.`;

test('AddObject: new instance numbers are monotonic, never reused; ParameterKey set; NumberOfEntries follows', async () => {
  const m = await igdModel();
  assert.deepEqual(m.addObject(WLAN, 'add-1'), { instanceNumber: 3, status: 0 });
  assert.equal(m.get(`${IGD}.ManagementServer.ParameterKey`), 'add-1');
  assert.equal(m.get(`${LAN}LANWLANConfigurationNumberOfEntries`), '3');
  assert.equal(m.deleteObject(`${WLAN}3.`, 'del-3'), 0);
  assert.equal(m.get(`${IGD}.ManagementServer.ParameterKey`), 'del-3');
  assert.equal(m.deleteObject(`${WLAN}1.`, 'del-1'), 0);
  assert.equal(m.get(`${LAN}LANWLANConfigurationNumberOfEntries`), '1');
  assert.equal(m.addObject(WLAN, 'k').instanceNumber, 4);
  assert.deepEqual(names(m.getParameterNames(WLAN, true)), [`${WLAN}2.`, `${WLAN}4.`]);
  // The new instance has the profile defaults, rendered for its own instance number.
  assert.equal(m.get(`${WLAN}4.SSID`), 'cpesim-CPESIM00000007-4');
  assert.equal(m.get(`${WLAN}4.Channel`), '4');
  // Sub-tables of an added instance start empty.
  assert.deepEqual(m.getParameterNames(`${WLAN}4.WEPKey.`, true), []);
  assert.equal(m.addObject(`${WLAN}4.WEPKey.`, 'k').instanceNumber, 1);
  assert.equal(m.get(`${WLAN}4.WEPKey.1.WEPKey`), 'k4.1');
  assert.equal(m.get(`${WLAN}1.SSID`), undefined, 'deleted instance is gone');
});

test('AddObject faults: 9005 for a non-table or read-only table or missing dot, 9004 at maxEntries', async () => {
  const m = await igdModel();
  assertFault(() => m.addObject(`${IGD}.ManagementServer.`, 'k'), 9005);
  assertFault(() => m.addObject(`${WLAN}1.`, 'k'), 9005); // an instance, not a table
  assertFault(() => m.addObject(`${IGD}.LANDevice.1.WLANConfiguration`, 'k'), 9005);
  assertFault(() => m.addObject(`${LAN}Hosts.Host.`, 'k'), 9005); // read-only table
  assertFault(() => m.addObject(`${IGD}.ManagementServer.URL`, 'k'), 9005);
  m.addObject(WLAN, 'k');
  m.addObject(WLAN, 'k');
  assertFault(() => m.addObject(WLAN, 'k5'), 9004);
  assert.equal(m.get(`${IGD}.ManagementServer.ParameterKey`), 'k');
});

test('DeleteObject faults: 9005 for a table path, missing instance, read-only table, parameter', async () => {
  const m = await igdModel();
  assertFault(() => m.deleteObject(WLAN, 'k'), 9005);
  assertFault(() => m.deleteObject(`${WLAN}9.`, 'k'), 9005);
  assertFault(() => m.deleteObject(`${WLAN}1`, 'k'), 9005);
  assertFault(() => m.deleteObject(`${LAN}Hosts.Host.1.`, 'k'), 9005);
  assertFault(() => m.deleteObject(`${WLAN}1.SSID`, 'k'), 9005);
  assert.equal(m.overlaySize(), 0);
});

test('DeleteObject removes the instance and everything below it from the overlay', async () => {
  const m = await igdModel();
  m.setParameterValues([{ name: `${WLAN}2.SSID`, value: 'x' }, { name: `${WLAN}2.WEPKey.1.WEPKey`, value: 'y' }], 'k');
  m.setParameterAttributes([{ name: `${WLAN}2.`, notificationChange: true, notification: 1, accessListChange: false, accessList: [] }]);
  m.addObject(`${WLAN}2.WEPKey.`, 'k');
  m.setInternal(`${WLAN}2.Channel`, '11');
  m.deleteObject(`${WLAN}2.`, 'k');
  // Left: ParameterKey value, the WLANConfiguration table state.
  assert.equal(m.overlaySize(), 2);
  assert.equal(m.pendingValueChange(), 0);
  assertFault(() => m.getParameterValues([`${WLAN}2.`]), 9005);
});

test('a fresh model has an empty overlay; two models of one profile do not see each other', async () => {
  const a = await igdModel(1);
  const b = await igdModel(2);
  assert.equal(a.overlaySize(), 0);
  a.getParameterValues(['']);
  a.getParameterNames('', false);
  a.informParameters();
  assert.equal(a.overlaySize(), 0, 'reads allocate no overlay');
  a.setParameterValues([{ name: `${WLAN}1.SSID`, value: 'mine' }], 'k');
  a.addObject(WLAN, 'k');
  assert.equal(b.get(`${WLAN}1.SSID`), 'cpesim-CPESIM00000002-1');
  assert.deepEqual(names(b.getParameterNames(WLAN, true)), [`${WLAN}1.`, `${WLAN}2.`]);
  assert.equal(b.overlaySize(), 0);
});

test('factoryReset drops values, attributes and instance changes', async () => {
  const m = await igdModel();
  m.setParameterValues([{ name: `${WLAN}1.SSID`, value: 'mine' }], 'k');
  m.deleteObject(`${WLAN}2.`, 'k');
  m.setInternal(`${WLAN}1.Channel`, '9');
  m.factoryReset();
  assert.equal(m.overlaySize(), 0);
  assert.equal(m.get(`${WLAN}1.SSID`), 'cpesim-CPESIM00000007-1');
  assert.deepEqual(names(m.getParameterNames(WLAN, true)), [`${WLAN}1.`, `${WLAN}2.`]);
});

test('TR-181-like: an empty writable table, AddObject, NumberOfEntries created from numEntries', async () => {
  const d = await deviceModel();
  assert.deepEqual(d.getParameterNames('Device.NAT.PortMapping.', false), [{ name: 'Device.NAT.PortMapping.', writable: true }]);
  assert.equal(d.get('Device.NAT.PortMappingNumberOfEntries'), '0');
  assert.equal(d.addObject('Device.NAT.PortMapping.', 'pm').instanceNumber, 1);
  d.setParameterValues([{ name: 'Device.NAT.PortMapping.1.ExternalPort', value: '8080', type: 'unsignedInt' }], 'pm2');
  assert.deepEqual(d.getParameterValues(['Device.NAT.']), [
    { name: 'Device.NAT.PortMapping.1.Enable', value: 'false', type: 'boolean' },
    { name: 'Device.NAT.PortMapping.1.ExternalPort', value: '8080', type: 'unsignedInt' },
    { name: 'Device.NAT.PortMappingNumberOfEntries', value: '1', type: 'unsignedInt' },
  ]);
  assert.equal(d.get('Device.ManagementServer.ParameterKey'), 'pm2');
});
