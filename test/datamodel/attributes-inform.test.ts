import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SetParameterAttributesStruct } from '../../src/cwmp/messages.js';
import { assertFault, deviceModel, IGD, igdModel, names } from './helpers.js';

const MS = `${IGD}.ManagementServer.`;
const WLAN1 = `${IGD}.LANDevice.1.WLANConfiguration.1.`;

function notify(name: string, notification: 0 | 1 | 2): SetParameterAttributesStruct {
  return { name, notificationChange: true, notification, accessListChange: false, accessList: [] };
}

test('GetParameterAttributes: profile defaults, full and partial names, 9005 for unknown', async () => {
  const m = await igdModel();
  assert.deepEqual(m.getParameterAttributes([`${MS}URL`, `${MS}ConnectionRequestURL`, `${IGD}.DeviceInfo.ProvisioningCode`]), [
    { name: `${MS}URL`, notification: 0, accessList: [] },
    { name: `${MS}ConnectionRequestURL`, notification: 2, accessList: [] }, // forceEnabled defaults to active
    { name: `${IGD}.DeviceInfo.ProvisioningCode`, notification: 2, accessList: [] },
  ]);
  assert.deepEqual(names(m.getParameterAttributes([`${WLAN1}WEPKey.`])), [`${WLAN1}WEPKey.1.WEPKey`]);
  assertFault(() => m.getParameterAttributes([`${MS}Nope`]), 9005);
});

test('SetParameterAttributes: NotificationChange and AccessListChange are honoured independently', async () => {
  const m = await igdModel();
  m.setParameterAttributes([notify(`${MS}URL`, 1)]);
  m.setParameterAttributes([{ name: `${MS}URL`, notificationChange: false, notification: 0, accessListChange: true, accessList: ['Subscriber'] }]);
  assert.deepEqual(m.getParameterAttributes([`${MS}URL`]), [{ name: `${MS}URL`, notification: 1, accessList: ['Subscriber'] }]);
  // Back to the defaults: the overlay entry disappears.
  m.setParameterAttributes([{ name: `${MS}URL`, notificationChange: true, notification: 0, accessListChange: true, accessList: [] }]);
  assert.equal(m.overlaySize(), 0);
});

test('SetParameterAttributes: a partial path applies to every parameter below', async () => {
  const m = await igdModel();
  m.setParameterAttributes([notify(WLAN1, 1)]);
  const attrs = m.getParameterAttributes([WLAN1]);
  assert.equal(attrs.length, 5);
  assert.ok(attrs.every((a) => a.notification === 1));
  assert.equal(m.getParameterAttributes([`${IGD}.LANDevice.1.WLANConfiguration.2.SSID`])[0]?.notification, 0);
});

test('SetParameterAttributes: 9009 for canDeny + active and forceEnabled + off; all-or-nothing; 9005 unknown', async () => {
  const m = await igdModel();
  assertFault(() => m.setParameterAttributes([notify(`${MS}URL`, 2), notify(`${IGD}.DeviceInfo.UpTime`, 2)]), 9009);
  assert.equal(m.getParameterAttributes([`${MS}URL`])[0]?.notification, 0, 'nothing applied');
  assertFault(() => m.setParameterAttributes([notify(`${MS}ConnectionRequestURL`, 0)]), 9009);
  assertFault(() => m.setParameterAttributes([notify(`${MS}URL`, 1), notify(`${MS}Nope`, 1)]), 9005);
  assert.equal(m.overlaySize(), 0);
  m.setParameterAttributes([notify(`${IGD}.DeviceInfo.UpTime`, 1)]); // passive is allowed for canDeny
  m.setParameterAttributes([notify(`${IGD}.DeviceInfo.SoftwareVersion`, 0)]); // forceDefaultEnabled may be turned off
  assert.deepEqual(
    m.getParameterAttributes([`${IGD}.DeviceInfo.UpTime`, `${IGD}.DeviceInfo.SoftwareVersion`]).map((a) => a.notification),
    [1, 0],
  );
});

test('SetParameterAttributes on a partial path skips parameters that refuse the notification', async () => {
  const m = await igdModel();
  m.setParameterAttributes([notify(`${IGD}.DeviceInfo.`, 2)]);
  const byName = new Map(m.getParameterAttributes([`${IGD}.DeviceInfo.`]).map((a) => [a.name, a.notification]));
  assert.equal(byName.get(`${IGD}.DeviceInfo.UpTime`), 0, 'canDeny kept');
  assert.equal(byName.get(`${IGD}.DeviceInfo.Manufacturer`), 2);
});

test('informParameters: forced parameters expanded over instances, plus notified setInternal changes until confirmed', async () => {
  const m = await igdModel();
  const forced = [
    `${IGD}.DeviceSummary`,
    `${IGD}.DeviceInfo.SoftwareVersion`,
    `${IGD}.DeviceInfo.ProvisioningCode`,
    `${MS}ParameterKey`,
    `${MS}ConnectionRequestURL`,
    `${IGD}.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.ExternalIPAddress`,
  ];
  assert.deepEqual(names(m.informParameters()), forced);
  assert.equal(m.informParameters()[4]?.value, 'http://10.0.0.7:7547/cr');

  m.setInternal(`${MS}URL`, 'http://elsewhere/'); // notification 0: not reported
  m.setInternal(`${WLAN1}Channel`, '6'); // notification 1 in the profile
  m.setInternal(`${IGD}.DeviceInfo.ProvisioningCode`, 'PC1'); // already forced: listed once
  assert.equal(m.pendingValueChange(), 2);
  assert.equal(m.get(`${MS}URL`), 'http://elsewhere/');
  const inform = m.informParameters();
  assert.deepEqual(names(inform), [...forced, `${WLAN1}Channel`]);
  assert.equal(inform.find((p) => p.name === `${IGD}.DeviceInfo.ProvisioningCode`)?.value, 'PC1');
  assert.deepEqual(inform.at(-1), { name: `${WLAN1}Channel`, value: '6', type: 'unsignedInt' });

  m.setInternal(`${WLAN1}Channel`, '6'); // same value again: no change
  m.confirmInform();
  assert.equal(m.pendingValueChange(), 0);
  assert.deepEqual(names(m.informParameters()), forced);
  m.setInternal(`${WLAN1}Channel`, '6');
  assert.equal(m.pendingValueChange(), 0, 'unchanged value is not a value change');
  assert.throws(() => m.setInternal(`${MS}Nope`, 'x'), { code: 'CPESIM_DATAMODEL_PATH' });
});

test('informParameters follows the live instances of forced parameters in tables (TR-181-like)', async () => {
  const d = await deviceModel();
  assert.deepEqual(names(d.informParameters()), [
    'Device.DeviceInfo.SerialNumber',
    'Device.ManagementServer.ParameterKey',
    'Device.IP.Interface.1.IPv4Address.1.IPAddress',
    'Device.IP.Interface.2.IPv4Address.1.IPAddress',
  ]);
  d.deleteObject('Device.IP.Interface.1.IPv4Address.1.', 'k');
  const added = d.addObject('Device.IP.Interface.2.IPv4Address.', 'k').instanceNumber;
  assert.deepEqual(names(d.informParameters()).slice(2), [
    'Device.IP.Interface.2.IPv4Address.1.IPAddress',
    `Device.IP.Interface.2.IPv4Address.${added}.IPAddress`,
  ]);
});
