import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { compileProfileText, loadProfile } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';

/** A profile with a two-level table (T.{i}.U.{i}, 2 x 10 instances) and a writable one-level table W.{i} (3). */
const BASE = [
  'profile: iv', // 1
  'root: Device', // 2
  'deviceId: { manufacturer: m, oui: 00D09E, productClass: p, serialNumber: "S{{index}}" }', // 3
  'objects:', // 4
  '  Device.T.{i}.: { instances: 2 }', // 5
  '  Device.T.{i}.U.{i}.: { instances: 10 }', // 6
  '  Device.W.{i}.: { writable: true, instances: 3 }', // 7
  'parameters:', // 8
  '  Device.A: { type: string, value: plain }', // 9
  '  Device.T.{i}.U.{i}.Addr:', // 10
  '    type: string', // 11
  '    value: "wan-{{i1}}.{{i2}}"', // 12
  '    instanceValues:', // 13
  '      "1.1": "192.168.1.1"', // 14
  '      1.10: "lan-{{index}}-{{i}}"', // 15  (unquoted: must stay the key "1.10", not the number 1.1)
  '  Device.W.{i}.Mac: { type: string, value: "{{mac:3+i}}", instanceValues: { "2": "{{mac:0}}" } }', // 16
  '  Device.W.{i}.On: { type: boolean, value: "false", instanceValues: { "3": "1" } }', // 17
].join('\n');

function withLine(line: number, text: string): string {
  const lines = BASE.split('\n');
  lines[line - 1] = text;
  return lines.join('\n');
}

function model(profile: CompiledProfile, index = 300): DeviceModel {
  return new DeviceModel(profile, { index, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });
}

test('instanceValues: the override for its instance, `value` everywhere else', () => {
  const m = model(compileProfileText(BASE, '/tmp/iv.yaml'));
  assert.equal(m.get('Device.T.1.U.1.Addr'), '192.168.1.1');
  assert.equal(m.get('Device.T.1.U.10.Addr'), 'lan-300-10', 'an unquoted 1.10 key keeps its trailing zero');
  assert.equal(m.get('Device.T.2.U.1.Addr'), 'wan-2.1', 'the same inner instance under another parent is not overridden');
  assert.equal(m.get('Device.T.1.U.2.Addr'), 'wan-1.2');
  // Literal overrides are checked and stored canonical like `value`.
  assert.deepEqual([1, 2, 3].map((n) => m.get(`Device.W.${n}.On`)), ['false', 'false', 'true']);
  // GetParameterValues over the table reads the same values as single reads.
  const values = m.getParameterValues(['Device.T.1.U.']).filter((p) => p.name.endsWith('.Addr'));
  assert.equal(values.length, 10);
  assert.equal(values.find((p) => p.name === 'Device.T.1.U.1.Addr')?.value, '192.168.1.1');
});

test('{{mac:N+i}}: one MAC per instance from a single template; instances the ACS adds wrap within the 16', () => {
  const m = model(compileProfileText(BASE, '/tmp/iv.yaml'));
  // index 300: MACs 00:D0:9E:00:12:C0 + K. W.1 -> K 4, W.2 -> override {{mac:0}}, W.3 -> K 6.
  assert.deepEqual([1, 2, 3].map((n) => m.get(`Device.W.${n}.Mac`)), ['00:D0:9E:00:12:C4', '00:D0:9E:00:12:C0', '00:D0:9E:00:12:C6']);
  for (let k = 0; k < 13; k++) m.addObject('Device.W.', `add${k}`); // instances 4..16
  assert.equal(m.get('Device.W.12.Mac'), '00:D0:9E:00:12:CF'); // 3+12 = 15
  assert.equal(m.get('Device.W.13.Mac'), '00:D0:9E:00:12:C0'); // 3+13 = 16 -> 0: still this device's block
  assert.equal(model(compileProfileText(BASE, '/tmp/iv.yaml'), 301).get('Device.W.1.Mac'), '00:D0:9E:00:12:D4');
});

test('instanceValues errors name file, line and field', () => {
  const cases: [string, number, string, RegExp][] = [
    [withLine(14, '      "1": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues[1]', /key "1": the path has 2 table level\(s\).*the key has 1/],
    [withLine(14, '      "1.1.1": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["1.1.1"]', /the key has 3/],
    [withLine(14, '      "3.1": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["3.1"]', /creates 2 instance\(s\) of "Device.T.\{i\}.", not 3/],
    [withLine(14, '      "1.11": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["1.11"]', /creates 10 instance\(s\) of "Device.T.\{i\}.U.\{i\}."/],
    [withLine(14, '      "1.01": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["1.01"]', /without leading zeros/],
    [withLine(14, '      "1.x": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["1.x"]', /positive integers/],
    [withLine(14, '      "0.1": "x"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["0.1"]', /positive integers/],
    [withLine(14, '      "1.1": "{{i3}}"'), 14, 'parameters["Device.T.{i}.U.{i}.Addr"].instanceValues["1.1"]', /only 2 table level/],
    [withLine(17, '  Device.W.{i}.On: { type: boolean, instanceValues: { "3": "yes" } }'), 17, 'parameters["Device.W.{i}.On"].instanceValues[3]', /value for instance 3 "yes" is not a valid boolean/],
    [withLine(9, '  Device.A: { type: string, instanceValues: { "1": "x" } }'), 9, 'parameters["Device.A"].instanceValues', /applies to parameters of tables only/],
    [withLine(9, '  Device.A: { type: string, instanceValues: {} }'), 9, 'parameters["Device.A"].instanceValues', /must NOT have fewer than 1 properties/],
    [withLine(16, '  Device.W.{i}.Mac: { type: string, value: "{{mac:13+i}}" }'), 16, 'parameters["Device.W.{i}.Mac"].value', /mac:13\+i.*reaches MAC 16/],
    [withLine(9, '  Device.A: { type: string, value: "{{mac:1+i}}" }'), 9, 'parameters["Device.A"].value', /outside a table/],
  ];
  for (const [text, line, field, message] of cases) {
    let caught: unknown;
    try {
      compileProfileText(text, '/tmp/iv.yaml');
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ConfigError, `${field}: expected a ConfigError, got ${String(caught)}`);
    assert.equal(caught.line, line, caught.message);
    assert.equal(caught.field, field, caught.message);
    assert.match(caught.message, message);
  }
  // Keys are compared as strings: "1" and 1 are the same key, which YAML itself rejects as a duplicate.
  assert.throws(() => compileProfileText(`${withLine(17, '  Device.W.{i}.On: { type: boolean, instanceValues: { "3": "1", 3: "0" } }')}`, '/tmp/iv.yaml'), ConfigError);
});

test('shipped TR-181: IP.Interface.1 is the LAN, IP.Interface.2 the WAN; radio 2 is 5 GHz', async () => {
  const m = model(await loadProfile('tr181'), 5);
  const v4 = (n: number, leaf: string) => m.get(`Device.IP.Interface.${n}.IPv4Address.1.${leaf}`);
  assert.deepEqual([v4(1, 'IPAddress'), v4(1, 'SubnetMask'), v4(1, 'AddressingType')], ['192.168.1.1', '255.255.255.0', 'Static']);
  assert.deepEqual([v4(2, 'IPAddress'), v4(2, 'SubnetMask'), v4(2, 'AddressingType')], ['100.64.0.6', '255.192.0.0', 'DHCP']);
  assert.notEqual(m.get('Device.IP.Interface.1.IPv6Address.1.IPAddress'), m.get('Device.IP.Interface.2.IPv6Address.1.IPAddress'));
  assert.deepEqual([1, 2].map((n) => m.get(`Device.WiFi.Radio.${n}.OperatingFrequencyBand`)), ['2.4GHz', '5GHz']);
  assert.deepEqual([1, 2].map((n) => m.get(`Device.WiFi.Radio.${n}.Channel`)), ['6', '36']);
  assert.deepEqual([1, 2, 3, 4].map((n) => m.get(`Device.Ethernet.Interface.${n}.Upstream`)), ['false', 'true', 'false', 'false']);
});

/** Every MAC-valued parameter of a device: name -> value. */
function macs(m: DeviceModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of m.getParameterValues([''])) if (/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(p.value)) out.set(p.name, p.value);
  return out;
}

test('shipped profiles: every port, WLAN and SSID has its own MAC, all within the device', async () => {
  const tr098 = macs(model(await loadProfile('tr098'), 9));
  const lan = 'InternetGatewayDevice.LANDevice.1.';
  const ports = [1, 2, 3, 4].map((n) => tr098.get(`${lan}LANEthernetInterfaceConfig.${n}.MACAddress`));
  const bssids = [1, 2].map((n) => tr098.get(`${lan}WLANConfiguration.${n}.BSSID`));
  const wan = tr098.get('InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.MACAddress');
  const bridge = tr098.get(`${lan}LANHostConfigManagement.MACAddress`);
  const all098 = [wan, bridge, ...ports, ...bssids];
  assert.ok(all098.every((mac) => mac?.startsWith('00:D0:9E:00:00:9')), all098.join(' ')); // index 9: 9*16 = 0x90
  assert.equal(new Set(all098).size, 8, all098.join(' '));

  const tr181 = macs(model(await loadProfile('tr181'), 9));
  const eth = [1, 2, 3, 4].map((n) => tr181.get(`Device.Ethernet.Interface.${n}.MACAddress`));
  const ssid = [1, 2].map((n) => tr181.get(`Device.WiFi.SSID.${n}.BSSID`));
  const links = [1, 2].map((n) => tr181.get(`Device.Ethernet.Link.${n}.MACAddress`));
  const all181 = [...links, ...eth, ...ssid];
  assert.ok(all181.every((mac) => mac?.startsWith('00:D0:9E:00:00:9')), all181.join(' '));
  assert.equal(new Set(all181).size, 8, all181.join(' '));
  assert.deepEqual([1, 2].map((n) => tr181.get(`Device.WiFi.SSID.${n}.MACAddress`)), ssid);
});
