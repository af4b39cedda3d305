/**
 * Every CPE and ACS message kind, in every cwmp version whose schema defines it:
 * build → xmllint against the BBF schema → parse back → deep-equal the original.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAcsMessage, buildCpeMessage } from '../../src/cwmp/build.js';
import type { CwmpVersion } from '../../src/cwmp/messages.js';
import { cwmpNamespace } from '../../src/cwmp/namespaces.js';
import { parseAcsMessage, parseCpeMessage } from '../../src/cwmp/parse.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { ACS_SAMPLES, CPE_SAMPLES, type Sample } from './sample-messages.js';

const VERSIONS: readonly CwmpVersion[] = [0, 1, 2, 3, 4];

function label(msg: { method: string }, i: number): string {
  return `#${i} ${msg.method}`;
}

/** Every `soap-enc:arrayType="T[N]"` array must hold exactly N items (the item element is T's local name). */
function assertArrayCounts(xml: string, what: string): void {
  const arrays = [...xml.matchAll(/<(\w+) soap-enc:arrayType="\w+:(\w+)\[(\d+)\]">/g)];
  for (const m of arrays) {
    const [open, name, item, declared] = m as unknown as [string, string, string, string];
    const start = (m.index ?? 0) + open.length;
    const content = xml.slice(start, xml.indexOf(`</${name}>`, start));
    const actual = content.split(`<${item}>`).length - 1;
    assert.equal(actual, Number(declared), `${what}: ${name} declares ${declared} ${item} items, holds ${actual}`);
  }
}

function checkVersion<T extends { method: string }>(
  samples: readonly Sample<T>[],
  version: CwmpVersion,
  build: (msg: T, id: string) => string,
  parse: (xml: string) => { header: { id?: string | undefined }; cwmpVersion: CwmpVersion; body: unknown },
): void {
  const applicable = samples.filter((s) => s.since <= version);
  const docs = applicable.map((s, i) => build(s.msg, `id-${version}-${i}`));
  const results = validateCwmpEnvelopes(docs, version);
  applicable.forEach((s, i) => {
    const what = `cwmp-1-${version} ${label(s.msg, i)}`;
    const xml = docs[i] ?? '';
    assert.ok(results[i]?.ok, `${what} does not validate:\n${results[i]?.output}\n${xml}`);
    assert.ok(xml.includes(`xmlns:cwmp="${cwmpNamespace(version)}"`), `${what}: namespace`);
    assert.ok(xml.includes(`<cwmp:ID soap-env:mustUnderstand="1">id-${version}-${i}</cwmp:ID>`), `${what}: cwmp:ID echoed`);
    assertArrayCounts(xml, what);
    const parsed = parse(xml);
    assert.equal(parsed.cwmpVersion, version, `${what}: version`);
    assert.equal(parsed.header.id, `id-${version}-${i}`, `${what}: header id`);
    assert.deepEqual(parsed.body, s.msg, `${what}: round trip`);
  });
}

describe('CPE messages: build, validate, parse back', () => {
  for (const version of VERSIONS) {
    it(`cwmp-1-${version}`, () => {
      checkVersion(CPE_SAMPLES, version, (msg, id) => buildCpeMessage(msg, { cwmpVersion: version, id }), parseCpeMessage);
    });
  }
});

describe('ACS messages: build, validate, parse back', () => {
  for (const version of VERSIONS) {
    it(`cwmp-1-${version}`, () => {
      checkVersion(ACS_SAMPLES, version, (msg, id) => buildAcsMessage(msg, { cwmpVersion: version, id }), parseAcsMessage);
    });
  }
});

describe('sample coverage', () => {
  it('has every message kind of both directions', () => {
    const cpe = new Set(CPE_SAMPLES.map((s) => s.msg.method));
    const acs = new Set(ACS_SAMPLES.map((s) => s.msg.method));
    // The method lists of messages.ts (CpeMessage, AcsBody without 'Unknown'): keep in step.
    const cpeKinds = [
      'Inform', 'TransferComplete', 'GetRPCMethods', 'GetRPCMethodsResponse', 'GetParameterNamesResponse',
      'GetParameterValuesResponse', 'SetParameterValuesResponse', 'GetParameterAttributesResponse',
      'SetParameterAttributesResponse', 'AddObjectResponse', 'DeleteObjectResponse', 'RebootResponse',
      'FactoryResetResponse', 'ScheduleInformResponse', 'DownloadResponse', 'UploadResponse',
      'GetQueuedTransfersResponse', 'GetAllQueuedTransfersResponse', 'CancelTransferResponse', 'Fault',
      'ScheduleDownloadResponse', 'ChangeDUStateResponse', 'AutonomousTransferComplete', 'DUStateChangeComplete',
      'AutonomousDUStateChangeComplete', 'RequestDownload',
    ];
    const acsKinds = [
      'GetRPCMethods', 'GetParameterNames', 'GetParameterValues', 'SetParameterValues', 'GetParameterAttributes',
      'SetParameterAttributes', 'AddObject', 'DeleteObject', 'Reboot', 'FactoryReset', 'ScheduleInform', 'Download',
      'Upload', 'GetQueuedTransfers', 'GetAllQueuedTransfers', 'CancelTransfer', 'InformResponse',
      'TransferCompleteResponse', 'AutonomousTransferCompleteResponse', 'GetRPCMethodsResponse',
      'RequestDownloadResponse', 'DUStateChangeCompleteResponse', 'KickedResponse', 'Fault',
      'ScheduleDownload', 'ChangeDUState', 'AutonomousDUStateChangeCompleteResponse',
    ];
    assert.deepEqual([...cpe].sort(), [...cpeKinds].sort());
    assert.deepEqual([...acs].sort(), [...acsKinds].sort());
  });
});

describe('envelope header', () => {
  it('omits the Header when there is no cwmp:ID and no HoldRequests', () => {
    const xml = buildCpeMessage({ method: 'RebootResponse' }, { cwmpVersion: 0 });
    assert.ok(!xml.includes('Header'), xml);
    assert.ok(validateCwmpEnvelopes([xml], 0)[0]?.ok);
    assert.deepEqual(parseCpeMessage(xml).header, {});
  });

  it('writes HoldRequests with mustUnderstand and parses it back', () => {
    for (const hold of [true, false]) {
      const xml = buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: 2, id: '7', holdRequests: hold });
      assert.ok(xml.includes(`<cwmp:HoldRequests soap-env:mustUnderstand="1">${hold ? 1 : 0}</cwmp:HoldRequests>`), xml);
      const result = validateCwmpEnvelopes([xml], 2)[0];
      assert.ok(result?.ok, result?.output);
      assert.deepEqual(parseAcsMessage(xml).header, { id: '7', holdRequests: hold });
    }
  });

  it('escapes the cwmp:ID text', () => {
    const xml = buildCpeMessage({ method: 'RebootResponse' }, { cwmpVersion: 0, id: 'a<b&c' });
    assert.ok(xml.includes('>a&lt;b&amp;c</cwmp:ID>'), xml);
    assert.equal(parseCpeMessage(xml).header.id, 'a<b&c');
  });
});

describe('builder details', () => {
  it('writes xsi:type="xsd:string" for a value without a type', () => {
    const xml = buildAcsMessage(
      { method: 'SetParameterValues', parameterList: [{ name: 'A.B', value: 'x' }], parameterKey: '' },
      { cwmpVersion: 0 },
    );
    assert.ok(xml.includes('<Value xsi:type="xsd:string">x</Value>'), xml);
  });

  it('writes faultcode Client or Server from faults.ts and faultstring "CWMP fault"', () => {
    const client = buildCpeMessage({ method: 'Fault', fault: { faultCode: 9005, faultString: 'x' } }, { cwmpVersion: 0 });
    const server = buildCpeMessage({ method: 'Fault', fault: { faultCode: 9002, faultString: 'x' } }, { cwmpVersion: 0 });
    assert.match(client, /<faultcode>Client<\/faultcode><faultstring>CWMP fault<\/faultstring>/);
    assert.match(server, /<faultcode>Server<\/faultcode>/);
  });

  it('writes an Unknown ACS request as an empty element the CPE decodes back as Unknown', () => {
    const xml = buildAcsMessage({ method: 'Unknown', name: 'X_ACME_Frobnicate' }, { cwmpVersion: 0, id: '1' });
    assert.ok(xml.includes('<cwmp:X_ACME_Frobnicate/>'), xml);
    assert.deepEqual(parseAcsMessage(xml).body, { method: 'Unknown', name: 'X_ACME_Frobnicate' });
  });
});
