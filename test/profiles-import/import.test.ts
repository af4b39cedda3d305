import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { ConfigError } from '../../src/errors.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { parseCsvDump } from '../../src/profiles-import/csv-dump.js';
import { importDump } from '../../src/profiles-import/import-dump.js';
import { tempDir } from '../support/cli.js';

const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'import');
const IGD = 'InternetGatewayDevice';

function values(model: DeviceModel, names: string[]): Record<string, string> {
  return Object.fromEntries(model.getParameterValues(names).map((p) => [p.name, p.value]));
}

function reported(report: { kind: string; message: string }[], kind: string, text: RegExp): void {
  assert.ok(report.some((r) => r.kind === kind && text.test(r.message)), `no ${kind} report line matching ${text}:\n${report.map((r) => `${r.kind}: ${r.message}`).join('\n')}`);
}

test('CSV (genieacs-sim): identity templated, instances renumbered, secrets dropped, counters linked, guesses reported', async () => {
  const r = await importDump([join(FIXTURES, 'gateway.csv')]);
  assert.equal(r.name, 'example-ex100');
  assert.equal(r.profile.root, IGD);
  assert.equal(r.profile.deviceId.manufacturer, 'Example Networks, Inc.');
  assert.equal(r.profile.deviceId.oui, '0A1B2C');
  const a = new DeviceModel(r.profile, { index: 1, connectionRequestUrl: 'http://cr/1', bootTimeMs: Date.now() });
  const b = new DeviceModel(r.profile, { index: 2, connectionRequestUrl: 'http://cr/2', bootTimeMs: Date.now() });
  const lan = `${IGD}.LANDevice.1.`;
  const wan = `${IGD}.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.`;
  const names = [`${IGD}.DeviceInfo.SerialNumber`, `${lan}LANEthernetInterfaceConfig.1.MACAddress`, `${lan}LANEthernetInterfaceConfig.2.MACAddress`, `${wan}ExternalIPAddress`,
    `${lan}Hosts.Host.2.MACAddress`, `${lan}Hosts.Host.2.HostName`, `${lan}Hosts.HostNumberOfEntries`, `${IGD}.ManagementServer.ConnectionRequestURL`,
    `${lan}WLANConfiguration.1.Enable`, `${lan}LANHostConfigManagement.IPInterface.1.IPInterfaceIPAddress`];
  const va = values(a, names);
  const vb = values(b, names);
  assert.equal(va[names[0]!], 'EXN0000000001');
  assert.equal(vb[names[0]!], 'EXN0000000002');
  assert.notEqual(va[names[1]!], va[names[2]!], 'each own MAC its own number');
  assert.notEqual(va[names[1]!], vb[names[1]!], 'own MACs differ per CPE');
  assert.notEqual(va[names[3]!], vb[names[3]!], 'the WAN address differs per CPE');
  assert.equal(va[names[4]!], '10:68:3F:77:88:20', 'a LAN client\'s MAC is kept as it was');
  assert.equal(vb[names[4]!], '10:68:3F:77:88:20');
  assert.equal(va[names[5]!], 'phone', 'Host.5 became instance 2');
  assert.equal(va[names[6]!], '2');
  assert.equal(va[names[7]!], 'http://cr/1');
  assert.equal(va[names[8]!], 'true', 'boolean 1 canonical');
  assert.equal(va[names[9]!], '192.168.1.1', 'a LAN address is the same on every CPE');
  assert.ok(!r.yaml.includes('s3cret') && !r.yaml.includes('hunter22'), 'secrets are not copied');
  const writable = new Map(a.getParameterNames(`${IGD}.`, false).map((p) => [p.name, p.writable]));
  assert.equal(writable.get(`${IGD}.ManagementServer.PeriodicInformInterval`), true);
  assert.equal(writable.get(`${IGD}.DeviceInfo.SoftwareVersion`), false);
  assert.equal(writable.get(`${lan}LANHostConfigManagement.DHCPStaticAddress.`), true, 'an empty writable object became an empty table');
  reported(r.report, 'type', /X_EXN_LedMode: no type → unsignedInt/);
  reported(r.report, 'instances', /Hosts\.Host\.\{i\}\.: 2 instance\(s\) per parent \(the dump had 2,5/);
  reported(r.report, 'hidden', /KeyPassphrase/);
  reported(r.report, 'value', /Uptime: "bogus" is not a valid unsignedInt/);
  reported(r.report, 'added', /PeriodicInformEnable/);
  reported(r.report, 'format', /cwmp-1-0 assumed/);
});

test('SOAP dump: GetParameterNamesResponse gives writability and tables, GetParameterValuesResponse values and types', async () => {
  const r = await importDump([join(FIXTURES, 'gpn.xml'), join(FIXTURES, 'gpv.xml')]);
  assert.equal(r.profile.root, 'Device');
  assert.equal(r.profile.cwmpVersion, 2, 'from the envelopes\' namespace');
  assert.equal(r.profile.deviceId.productClass, 'FL-ONT2');
  const m = new DeviceModel(r.profile, { index: 9, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });
  assert.deepEqual(values(m, ['Device.WiFi.SSID.1.SSID', 'Device.WiFi.SSID.2.SSID', 'Device.WiFi.SSIDNumberOfEntries', 'Device.ManagementServer.PeriodicInformInterval']), {
    'Device.WiFi.SSID.1.SSID': 'FL-2G', 'Device.WiFi.SSID.2.SSID': 'FL-5G', 'Device.WiFi.SSIDNumberOfEntries': '2', 'Device.ManagementServer.PeriodicInformInterval': '86400',
  });
  const infos = new Map(m.getParameterNames('Device.', false).map((p) => [p.name, p.writable]));
  assert.equal(infos.get('Device.WiFi.SSID.'), true, 'AddObject allowed, from GetParameterNames');
  assert.equal(infos.get('Device.WiFi.SSID.1.SSID'), true);
  reported(r.report, 'type', /X_FL_Temperature: no type → unsignedInt/);
  reported(r.report, 'writable', /1 parameter\(s\) without writability/);
  // Values alone: writability is unknown and said so.
  const valuesOnly = await importDump([join(FIXTURES, 'gpv.xml')]);
  reported(valuesOnly.report, 'format', /no GetParameterNamesResponse/);
  reported(valuesOnly.report, 'writable', /without writability/);
});

test('GenieACS device export: _value/_type/_writable/_object, [value, type] pairs, first device of a list', async () => {
  const r = await importDump([join(FIXTURES, 'device.json')]);
  assert.equal(r.profile.deviceId.serialNumber.length > 0, true);
  const m = new DeviceModel(r.profile, { index: 42, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });
  assert.deepEqual(values(m, ['Device.DeviceInfo.SerialNumber', 'Device.WiFi.Radio.2.Channel', 'Device.ManagementServer.PeriodicInformInterval', 'Device.WiFi.X_MSH_Backhaul.Rssi']), {
    'Device.DeviceInfo.SerialNumber': 'MSH0042',
    'Device.WiFi.Radio.2.Channel': '36',
    'Device.ManagementServer.PeriodicInformInterval': '600',
    'Device.WiFi.X_MSH_Backhaul.Rssi': '-61',
  });
  reported(r.report, 'format', /2 devices in the export: the first \(5A6B7C-MX3-MSH0042\)/);
  reported(r.report, 'type', /Rssi: no type → int/);
});

test('bad dumps are ConfigErrors naming the file (and line)', async () => {
  const dir = await tempDir('cpesim-import-');
  const bad = join(dir, 'bad.csv');
  await writeFile(bad, 'Parameter,Object,Writable,Value,Value type\nInternetGatewayDevice.X,maybe,false,1,xsd:int\n');
  await assert.rejects(importDump([bad]), (e: unknown) => e instanceof ConfigError && e.file === bad && e.line === 2 && /Object must be true or false/.test(e.message));
  assert.throws(() => parseCsvDump('a,b\n', 'x.csv'), (e: unknown) => e instanceof ConfigError && e.line === 1);
  const xml = join(dir, 'inform.xml');
  await writeFile(xml, 'no envelope here');
  await assert.rejects(importDump([xml]), (e: unknown) => e instanceof ConfigError && /no SOAP Envelope/.test(e.message));
  await assert.rejects(importDump([join(dir, 'dump.txt')]), (e: unknown) => e instanceof ConfigError && e.field === '--format');
});
