/** The shipped device profiles (issue #5 item 4): each loads over its base chain, looks like its vendor's device, and lists its intended quirks. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateProfiles } from '../../src/bbf/generate.js';
import { SERVICE_PROFILES } from '../../src/bbf/service-profiles.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { inspectProfile } from '../../src/datamodel/profile-loader.js';
import { BBF_DIR, PROFILES_DIR } from '../../src/paths.js';
import { activeQuirks } from '../../src/quirks/catalogue.js';

const DEVICES: Record<string, string[]> = {
  'tr098-dsl': ['tr098', 'tr098-dsl'],
  'tr181-ont': ['tr181', 'tr181-ont'],
  'tr181-mesh': ['tr181', 'tr181-mesh'],
  'tr135-stb': ['tr181', 'tr135', 'tr135-stb'],
  'tr104-ata': ['tr098', 'tr104', 'tr104-ata'],
  'huawei-bm632w': ['huawei-bm632w'],
};

/** The agreed quirk names (the catalogue's), which the device profiles' `quirks:` maps use. */
const QUIRK_NAMES = new Set(
  ('booleansAsDigits emptyHeaderNoCwmpId fixedCwmpId arrayTypeCount currentTimeZone soapPrefix cwmpNamespace expect100Continue noCookies ' +
    'newConnectionAfter401 soapAction contentTypeNoCharset nullParameterKey xsiType gpnEmptyPathUnsupported batchedGpvFault bodyEncodingStyle ' +
    'namespacesOnEnvelopeOnly manufacturerNewline chunkedRequests http10 passwordReadBack misreportedTypes misreportedWritability missingParameters ' +
    'nonStandardEnums slowAnswers randomFaults neverEndsSession informRetryForever').split(' '),
);

async function model(name: string, index = 3) {
  const { profile, layers } = await inspectProfile(name);
  return { profile, layers, m: new DeviceModel(profile, { index, connectionRequestUrl: `http://cr/${index}`, bootTimeMs: Date.now() }) };
}

function value(m: DeviceModel, path: string): string {
  return m.getParameterValues([path])[0]!.value;
}

for (const [name, chain] of Object.entries(DEVICES)) {
  test(`device profile ${name}: extends ${chain.slice(0, -1).join(' → ') || 'nothing'}, DeviceInfo agrees with the Inform's DeviceId, quirks listed`, async () => {
    const { profile, layers, m } = await model(name);
    assert.deepEqual(layers.names, chain);
    assert.ok(profile.parameterCount >= 100, `${profile.parameterCount} parameters`);
    const root = profile.root;
    const id = layers.raw.deviceId;
    assert.notEqual(id.manufacturer, 'cpesim', 'a vendor of its own');
    assert.equal(value(m, `${root}.DeviceInfo.Manufacturer`), id.manufacturer);
    assert.equal(value(m, `${root}.DeviceInfo.ProductClass`), id.productClass);
    assert.equal(value(m, `${root}.DeviceInfo.ManufacturerOUI`), id.oui);
    const serial = value(m, `${root}.DeviceInfo.SerialNumber`);
    assert.notEqual(serial, value((await model(name, 4)).m, `${root}.DeviceInfo.SerialNumber`), 'serials differ per CPE');
    for (const leaf of ['PeriodicInformInterval', 'ConnectionRequestURL', 'ConnectionRequestUsername', 'ConnectionRequestPassword', 'ParameterKey']) {
      assert.ok(m.getParameterValues([`${root}.ManagementServer.${leaf}`]).length === 1, leaf);
    }
    const names = activeQuirks(profile.quirks);
    // The imported real device shows its deviations in its data; the fictional vendors in their quirks.
    assert.ok(names.length >= (name === 'huawei-bm632w' ? 1 : 5), names.join());
    assert.deepEqual(names.filter((q) => !QUIRK_NAMES.has(q)), [], 'only agreed quirk names');
  });
}

test('tr135-stb: STBService under Device.Services, no Wi-Fi, one DHCP-addressed IP interface', async () => {
  const { m } = await model('tr135-stb');
  const stb = 'Device.Services.STBService.1.';
  assert.equal(value(m, 'Device.Services.STBServiceNumberOfEntries'), '1');
  assert.equal(value(m, `${stb}Components.VideoDecoder.1.Name`), 'BCM7252 H.264/HEVC');
  assert.equal(value(m, `${stb}Capabilities.VideoDecoder.VideoStandards`), 'MPEG2-Part2,MPEG4-Part10');
  assert.equal(value(m, 'Device.IP.InterfaceNumberOfEntries'), '1');
  assert.equal(value(m, 'Device.IP.Interface.1.IPv4Address.1.AddressingType'), 'DHCP');
  assert.ok(!m.getParameterNames('Device.', true).some((p) => p.name === 'Device.WiFi.'));
});

test('tr104-ata: VoiceService with two FXS lines, each its own number; no WLAN, no DSL', async () => {
  const { m } = await model('tr104-ata', 12);
  const profile = 'InternetGatewayDevice.Services.VoiceService.1.VoiceProfile.1.';
  assert.equal(value(m, `${profile}NumberOfLines`), '2');
  assert.equal(value(m, `${profile}Line.1.DirectoryNumber`), '+49300000121');
  assert.equal(value(m, `${profile}Line.2.DirectoryNumber`), '+49300000122');
  assert.equal(value(m, `${profile}Line.2.Codec.List.3.Codec`), 'G.729');
  const top = m.getParameterNames('InternetGatewayDevice.LANDevice.1.', true).map((p) => p.name);
  assert.ok(!top.some((n) => n.includes('WLANConfiguration')), top.join());
  assert.equal(value(m, 'InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.WANAccessType'), 'Ethernet');
});

test('tr181-mesh: three radios (2.4, 5, 5 GHz backhaul) and a backhaul endpoint; tr181-ont: an optical WAN', async () => {
  const mesh = (await model('tr181-mesh')).m;
  assert.equal(value(mesh, 'Device.WiFi.RadioNumberOfEntries'), '3');
  assert.equal(value(mesh, 'Device.WiFi.Radio.3.Channel'), '116');
  assert.equal(value(mesh, 'Device.WiFi.EndPointNumberOfEntries'), '1');
  assert.ok(!mesh.getParameterNames('Device.', true).some((p) => p.name === 'Device.NAT.'));
  const ont = (await model('tr181-ont')).m;
  assert.equal(value(ont, 'Device.Optical.InterfaceNumberOfEntries'), '1');
  assert.equal(value(ont, 'Device.Optical.Interface.1.OpticalSignalLevel'), '-18520');
});

test('the generated service layers (tr135, tr104) are exactly what the generator produces now', () => {
  const out = mkdtempSync(join(tmpdir(), 'cpesim-service-profiles-'));
  const generated = generateProfiles(out, BBF_DIR, SERVICE_PROFILES);
  assert.deepEqual(generated.map((g) => g.profile), ['tr135', 'tr104']);
  for (const g of generated) {
    assert.equal(readFileSync(g.file, 'utf8'), readFileSync(join(PROFILES_DIR, `${g.profile}.yaml`), 'utf8'), `${g.profile}.yaml differs: run the generator`);
  }
});
