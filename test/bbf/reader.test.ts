import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BbfDataModelError } from '../../src/bbf/errors.js';
import { readBbfDataModel } from '../../src/bbf/reader.js';
import type { BbfDataModel, BbfParameter } from '../../src/bbf/types.js';
import { BBF_DIR } from '../../src/paths.js';

const tr098 = readBbfDataModel(join(BBF_DIR, 'tr-098-1-8-0-full.xml'));
const tr181 = readBbfDataModel(join(BBF_DIR, 'tr-181-2-19-1-cwmp-full.xml'));

function tally<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function params(model: BbfDataModel): BbfParameter[] {
  return model.objects.flatMap((o) => o.parameters);
}

function param(model: BbfDataModel, name: string): BbfParameter {
  const found = params(model).find((p) => p.name === name);
  assert.ok(found, `no parameter ${name}`);
  return found;
}

// Expected numbers: the counts table in /work/shared/bbf/README.md.
describe('BBF reader counts match the reference table', () => {
  test('TR-098 1.8.0', () => {
    assert.equal(tr098.model, 'InternetGatewayDevice:1.14');
    assert.equal(tr098.objects.length, 192);
    assert.deepEqual(tally(tr098.objects, (o) => o.status), { current: 190, obsoleted: 2 });
    assert.equal(tr098.objects.filter((o) => o.multiInstance).length, 91);
    const ps = params(tr098);
    assert.equal(ps.length, 1801);
    assert.deepEqual(tally(ps, (p) => p.status), { current: 1743, deprecated: 41, obsoleted: 16, deleted: 1 });
    assert.equal(ps.filter((p) => p.access === 'readWrite').length, 756);
    assert.deepEqual(tally(ps, (p) => p.syntax.baseType), {
      string: 741, unsignedInt: 629, boolean: 248, int: 113, dateTime: 53, base64: 9, hexBinary: 6, long: 2,
    });
    assert.deepEqual(tally(ps.filter((p) => p.syntax.dataType), (p) => p.syntax.dataType!), { Alias: 61, IPAddress: 42, MACAddress: 18, UUID: 2 });
  });

  test('TR-181 2.19.1', () => {
    assert.equal(tr181.model, 'Device:2.19');
    assert.equal(tr181.objects.length, 873);
    assert.deepEqual(tally(tr181.objects, (o) => o.status), { current: 846, deprecated: 10, obsoleted: 4, deleted: 13 });
    assert.equal(tr181.objects.filter((o) => o.multiInstance).length, 444);
    const ps = params(tr181);
    assert.equal(ps.length, 7343);
    assert.deepEqual(tally(ps, (p) => p.status), { current: 7205, deprecated: 56, obsoleted: 12, deleted: 70 });
    assert.equal(ps.filter((p) => p.access === 'readWrite').length, 2686);
    assert.deepEqual(tally(ps, (p) => p.syntax.baseType), {
      string: 2442, unsignedInt: 2405, boolean: 1116, unsignedLong: 678, int: 282, dateTime: 168, hexBinary: 156, base64: 45, decimal: 41, long: 10,
    });
    const typed = tally(ps.filter((p) => p.syntax.dataType), (p) => p.syntax.dataType!);
    assert.equal(typed.StatsCounter64, 608);
    assert.equal(typed.StatsCounter32, 338);
    assert.equal(typed._AliasCWMP, 269);
    assert.equal(typed.MACAddress, 133);
    // 1645 <dataType ref> plus the 4 anonymous <dataType base="TenthdB|TenthdBmV"> under Device.DOCSIS.
    assert.equal(Object.values(typed).reduce((a, b) => a + b, 0), 1649);
  });
});

describe('BBF reader syntax resolution', () => {
  test('StatsCounter64 resolves to unsignedLong and keeps the parameter units', () => {
    const s = param(tr181, 'Device.Ethernet.Interface.{i}.Stats.BytesSent').syntax;
    assert.equal(s.dataType, 'StatsCounter64');
    assert.equal(s.baseType, 'unsignedLong');
    assert.equal(s.units, 'bytes');
  });

  test('a derived type narrows its base: IPv4Address (base IPAddress) has maxLength 15 and its own patterns', () => {
    const s = param(tr181, 'Device.IP.Interface.{i}.IPv4Address.{i}.IPAddress').syntax;
    assert.equal(s.baseType, 'string');
    assert.deepEqual(s.sizes, [{ maxLength: 15 }]);
    assert.equal(s.patterns[0], '');
    assert.match(s.patterns[1]!, /25\[0-5\]/);
  });

  test('TR-098 Alias resolves through Alias -> _AliasCWMP -> _AliasCommon to string(64)', () => {
    const s = param(tr098, 'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.Alias').syntax;
    assert.equal(s.dataType, 'Alias');
    assert.equal(s.baseType, 'string');
    assert.deepEqual(s.sizes, [{ maxLength: 64 }]);
  });

  test('an anonymous <dataType base> and a ref with its own range', () => {
    assert.equal(param(tr181, 'Device.DOCSIS.DownstreamChannel.{i}.SignalQuality.SignalNoise').syntax.baseType, 'int');
    const ranged = params(tr181).find((p) => p.syntax.dataType === 'Dbm1000' && p.syntax.ranges.some((r) => r.step === '2'));
    assert.ok(ranged);
    assert.deepEqual(ranged.syntax.ranges, [{ minInclusive: '-65536', maxInclusive: '65534', step: '2' }]);
  });

  test('DiagnosticsState: the parameter lists its own enumeration values over the dataType ones', () => {
    const s = param(tr181, 'Device.IP.Diagnostics.IPPing.DiagnosticsState').syntax;
    assert.equal(s.dataType, 'DiagnosticsState');
    assert.ok(s.enumeration.includes('Error_Internal'));
    assert.equal(s.enumeration[0], 'None');
    assert.equal(s.command, false);
    assert.equal(param(tr181, 'Device.UserInterface.PasswordReset').syntax.command, true);
  });

  test('hidden (TR-098) and secured (TR-181) passwords', () => {
    const pw = param(tr098, 'InternetGatewayDevice.ManagementServer.ConnectionRequestPassword');
    assert.equal(pw.access, 'readWrite');
    assert.equal(pw.syntax.hidden, true);
    assert.equal(param(tr098, 'InternetGatewayDevice.ManagementServer.ConnectionRequestUsername').syntax.hidden, false);
    const key = param(tr181, 'Device.WiFi.AccessPoint.{i}.Security.KeyPassphrase').syntax;
    assert.equal(key.secured, true);
    assert.deepEqual(key.sizes, [{ minLength: 8, maxLength: 63 }]);
  });

  test('forcedInform and activeNotify', () => {
    const key = param(tr098, 'InternetGatewayDevice.ManagementServer.ParameterKey');
    assert.equal(key.forcedInform, true);
    assert.equal(key.activeNotify, 'canDeny');
    const url = param(tr181, 'Device.ManagementServer.ConnectionRequestURL');
    assert.equal(url.forcedInform, true);
    assert.equal(url.activeNotify, 'forceDefaultEnabled');
    assert.equal(param(tr181, 'Device.DeviceInfo.Manufacturer').forcedInform, false);
  });

  test('enumeration, range and list facets', () => {
    assert.deepEqual(param(tr098, 'InternetGatewayDevice.Time.Status').syntax.enumeration, [
      'Disabled', 'Unsynchronized', 'Synchronized', 'Error_FailedToSynchronize', 'Error',
    ]);
    assert.deepEqual(param(tr181, 'Device.ManagementServer.CWMPRetryIntervalMultiplier').syntax.ranges, [
      { minInclusive: '1000', maxInclusive: '65535' },
    ]);
    const methods = param(tr181, 'Device.ManagementServer.SupportedConnReqMethods').syntax;
    assert.ok(methods.list);
    assert.deepEqual(methods.enumeration, ['HTTP', 'STUN', 'XMPP']);
  });

  test('defaults: object defaults are read and "[]" list defaults become empty', () => {
    assert.equal(param(tr181, 'Device.IP.Interface.{i}.Type').syntax.defaultValue, 'Normal');
    assert.equal(param(tr181, 'Device.IP.Interface.{i}.LowerLayers').syntax.defaultValue, '');
  });

  test('objects: access, entries and the NumberOfEntries parameter as a full generic path', () => {
    const wlan = tr098.objects.find((o) => o.name === 'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.');
    assert.ok(wlan);
    assert.equal(wlan.multiInstance, true);
    assert.equal(wlan.access, 'readOnly');
    assert.equal(wlan.maxEntries, undefined);
    assert.equal(wlan.numEntriesParameter, 'InternetGatewayDevice.LANDevice.{i}.LANWLANConfigurationNumberOfEntries');
    const wep = tr098.objects.find((o) => o.name === 'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WEPKey.{i}.');
    assert.equal(wep?.maxEntries, 4);
    const ssid = tr181.objects.find((o) => o.name === 'Device.WiFi.SSID.{i}.');
    assert.equal(ssid?.access, 'readWrite');
    assert.equal(ssid?.numEntriesParameter, 'Device.WiFi.SSIDNumberOfEntries');
  });
});

describe('BBF reader errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpesim-bbf-'));
  const write = (name: string, xml: string): string => {
    const file = join(dir, name);
    writeFileSync(file, xml);
    return file;
  };
  const doc = (body: string) =>
    `<dm:document xmlns:dm="urn:broadband-forum-org:cwmp:datamodel-1-14" spec="urn:x"><model name="X:1.0">${body}</model></dm:document>`;

  test('an unknown dataType ref is a BbfDataModelError naming the type and parameter', () => {
    const file = write('dangling.xml', doc('<object name="X." access="readOnly"><parameter name="P" access="readOnly"><syntax><dataType ref="Nope"/></syntax></parameter></object>'));
    assert.throws(() => readBbfDataModel(file), (err: unknown) => {
      assert.ok(err instanceof BbfDataModelError);
      assert.equal(err.code, 'CPESIM_BBF');
      assert.match(err.message, /unknown dataType "Nope"/);
      return true;
    });
  });

  test('a dataType from an extra types file resolves', () => {
    const types = write('types.xml', '<dm:document xmlns:dm="urn:broadband-forum-org:cwmp:datamodel-1-14"><dataType name="Nope"><unsignedInt><range maxInclusive="9"/></unsignedInt></dataType></dm:document>');
    const file = write('with-types.xml', doc('<object name="X." access="readOnly"><parameter name="P" access="readOnly"><syntax><dataType ref="Nope"/></syntax></parameter></object>'));
    const p = readBbfDataModel(file, { typeFiles: [types] }).objects[0]!.parameters[0]!;
    assert.equal(p.syntax.baseType, 'unsignedInt');
    assert.deepEqual(p.syntax.ranges, [{ maxInclusive: '9' }]);
  });

  test('malformed XML, missing file and wrong root are BbfDataModelErrors', () => {
    assert.throws(() => readBbfDataModel(write('bad.xml', '<dm:document><model>')), BbfDataModelError);
    assert.throws(() => readBbfDataModel(join(dir, 'missing.xml')), BbfDataModelError);
    assert.throws(() => readBbfDataModel(write('other.xml', '<foo/>')), /no <dm:document>/);
  });
});
