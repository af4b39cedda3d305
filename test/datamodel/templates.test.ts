import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTemplate, renderTemplate, TemplateError, type DeviceScope } from '../../src/datamodel/template.js';
import { deviceModel, IGD, igdModel } from './helpers.js';

const device: DeviceScope = { index: 300, serial: 'S300', oui: '00D09E', crUrl: 'http://cr/300', bootTimeMs: 0 };
const render = (text: string, instances: number[] = [], depth = instances.length): string =>
  renderTemplate(compileTemplate(text, { tableDepth: depth }), device, instances);

test('literal templates compile to the string itself', () => {
  assert.equal(compileTemplate('plain', { tableDepth: 0 }), 'plain');
});

test('index with zero padding, serial, oui, crUrl', () => {
  assert.equal(render('{{index}}|{{index:6}}|{{index:2}}'), '300|000300|300');
  assert.equal(render('{{serial}}-{{oui}}-{{crUrl}}'), 'S300-00D09E-http://cr/300');
});

test('mac: OUI then 24 bits of index*16+K', () => {
  assert.equal(render('{{mac:0}}'), '00:D0:9E:00:12:C0'); // 300*16 = 4800 = 0x12C0
  assert.equal(render('{{mac:15}}'), '00:D0:9E:00:12:CF');
});

test('ipv4: index-th host after the network address; ipv6: index-th address in the prefix', () => {
  assert.equal(render('{{ipv4:192.168.0.0/16}}'), '192.168.1.45'); // 0 -> .0.1, 300 -> .1.45
  assert.equal(render('{{ipv4:10.1.2.77/24}}'), '10.1.2.47'); // host bits of the given address are ignored
  assert.equal(render('{{ipv4:10.0.0.0/30}}'), '10.0.0.1'); // 2 hosts: wraps
  assert.equal(render('{{ipv6:2001:db8:0:1::/64}}'), '2001:db8:0:1::12d');
  assert.equal(render('{{ipv6:fd00::/8}}'), 'fd00::12d');
});

test('instance numbers: {{i}} innermost, {{iN}} by table level', () => {
  assert.equal(render('{{i1}}/{{i2}}/{{i3}}:{{i}}', [4, 5, 6]), '4/5/6:6');
});

test('now and uptime are rendered at read time', async () => {
  await igdModel(); // the fixture is compiled first: loading it under load must not eat into the 500 ms margin below
  const m = await igdModel(7, Date.now() - 90_500);
  assert.equal(m.get(`${IGD}.DeviceInfo.UpTime`), '90');
  const now = m.get(`${IGD}.DeviceInfo.CurrentTime`)!;
  assert.match(now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(now) - Date.now()) < 2000);
});

test('device templates in the fixture profiles', async () => {
  const m = await igdModel(7);
  assert.deepEqual(m.deviceId(), { manufacturer: 'cpesim', oui: '00D09E', productClass: 'HG2000', serialNumber: 'CPESIM00000007' });
  const wan = `${IGD}.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.`;
  assert.equal(m.get(`${wan}ExternalIPAddress`), '100.64.0.8');
  assert.equal(m.get(`${wan}MACAddress`), '00:D0:9E:00:00:71');
  assert.equal(m.get(`${wan}X_CPESIM_IPv6`), '2001:db8::8');
  assert.equal(m.get(`${IGD}.ManagementServer.ConnectionRequestURL`), 'http://10.0.0.7:7547/cr');
  assert.equal(m.get(`${IGD}.LANDevice.1.WLANConfiguration.2.KeyPassphrase`), 'pw12');
  const d = await deviceModel(12);
  assert.deepEqual(d.deviceId(), { manufacturer: 'cpesim', oui: '0A1B2C', productClass: 'CPE-12', serialNumber: 'SN0012-0A1B2C' });
  assert.equal(d.get('Device.IP.Interface.2.IPv4Address.1.IPAddress'), '10.2.1.1');
});

test('template compile errors', () => {
  const bad: [string, number, RegExp][] = [
    ['{{nope}}', 1, /unknown template variable "nope"/],
    ['{{i}}', 0, /outside a table/],
    ['{{i3}}', 2, /only 2 table level/],
    ['{{mac}}', 0, /mac:K/],
    ['{{ipv4:10.0.0.0}}', 0, /ipv4:CIDR/],
    ['{{ipv4:300.0.0.0/8}}', 0, /ipv4:CIDR/],
    ['{{ipv6:2001:db8::}}', 0, /ipv6:PREFIX/],
    ['{{index:0}}', 0, /width/],
    ['{{serial:x}}', 0, /takes no argument/],
    ['a {{index', 0, /unbalanced/],
  ];
  for (const [text, depth, message] of bad) {
    assert.throws(() => compileTemplate(text, { tableDepth: depth }), (err: unknown) => err instanceof TemplateError && message.test(err.message), text);
  }
  assert.throws(() => compileTemplate('{{serial}}', { tableDepth: 0, deviceIdentity: true }), TemplateError);
  assert.throws(() => compileTemplate('{{now}}', { tableDepth: 0, deviceIdentity: true }), TemplateError);
});

test('mac:N+i: N plus the innermost instance number, wrapping within the device 16 MACs', () => {
  assert.equal(render('{{mac:1+i}}', [1, 4]), '00:D0:9E:00:12:C5');
  assert.equal(render('{{mac:1+i}}', [4, 1]), '00:D0:9E:00:12:C2', 'the innermost level, not the outer one');
  // An instance above the profile's (added by the ACS): 14+3 = 17 wraps to this device's MAC 1.
  assert.equal(renderTemplate(compileTemplate('{{mac:14+i}}', { tableDepth: 1, innermostInstances: 1 }), device, [3]), '00:D0:9E:00:12:C1');
  const limits = { tableDepth: 1, innermostInstances: 4 };
  assert.doesNotThrow(() => compileTemplate('{{mac:11+i}}', limits));
  assert.throws(() => compileTemplate('{{mac:12+i}}', limits), /reaches MAC 16/);
  assert.throws(() => compileTemplate('{{mac:1+i}}', { tableDepth: 0 }), /outside a table/);
  assert.throws(() => compileTemplate('{{mac:1+j}}', { tableDepth: 1 }), /K in 0\.\.15 or N\+i/);
  assert.throws(() => compileTemplate('{{mac:16}}', { tableDepth: 1 }), /K in 0\.\.15 or N\+i/);
  assert.throws(() => compileTemplate('{{mac:1+i}}', { tableDepth: 1, deviceIdentity: true }), /cannot be used in deviceId/);
});

test('per-instance values: the override for its instance numbers, the default otherwise', () => {
  const limits = { tableDepth: 2 };
  const byInstance = new Map([['1.2', compileTemplate('lan-{{i}}', limits)]]);
  const template = { byInstance, otherwise: compileTemplate('wan-{{i1}}.{{i2}}', limits) };
  assert.equal(renderTemplate(template, device, [1, 2]), 'lan-2');
  assert.equal(renderTemplate(template, device, [2, 1]), 'wan-2.1');
  assert.equal(renderTemplate(template, device, [1, 12]), 'wan-1.12');
});
