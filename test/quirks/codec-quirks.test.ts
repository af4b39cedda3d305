/**
 * Codec quirks on the wire: what the RecordingAcs received from a CPE with one quirk, next to the same session
 * without it (so each assertion is shown to fail on a standard CPE). Schema-valid quirky envelopes are checked
 * against the BBF schemas at the end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CwmpVersion } from '../../src/cwmp/messages.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { PARAMS, runQuirkySession } from './quirk-harness.js';
import { gpn, gpv, RecordingAcs } from './recording-acs.js';

let acs: RecordingAcs;
before(async () => (acs = await RecordingAcs.start()));
after(async () => acs.close());

/** Envelopes the quirky CPEs sent that must still be schema-valid, by cwmp version. */
const validQuirky = new Map<CwmpVersion, string[]>();
function keepForSchema(version: CwmpVersion, ...xmls: string[]): void {
  validQuirky.set(version, [...(validQuirky.get(version) ?? []), ...xmls]);
}

/** Inform body and the answer to one GPV of `names`, for a CPE with `quirks`. */
async function informAndGpv(quirks: string | undefined, names: string[] = [PARAMS.upTime]): Promise<{ inform: string; answer: string }> {
  const run = await runQuirkySession(acs, quirks, { rpcs: [gpv(names, 'acs-1')] });
  assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
  const inform = acs.withMethod('Inform')[0]!.body;
  const answer = acs.requests.find((r) => r.body !== '' && !/:Inform[\s>]/.test(r.body))!.body;
  return { inform, answer };
}

describe('codec quirks on the wire', () => {
  it('emptyHeaderNoCwmpId: an empty Header, no cwmp:ID on the Inform or on answers', async () => {
    const plain = await informAndGpv(undefined);
    assert.match(plain.inform, /<cwmp:ID soap-env:mustUnderstand="1">7\.1<\/cwmp:ID>/);
    assert.match(plain.answer, /<cwmp:ID soap-env:mustUnderstand="1">acs-1<\/cwmp:ID>/);
    const quirky = await informAndGpv('emptyHeaderNoCwmpId: true');
    for (const xml of [quirky.inform, quirky.answer]) {
      assert.match(xml, /<soap-env:Header><\/soap-env:Header><soap-env:Body>/);
      assert.doesNotMatch(xml, /cwmp:ID/);
    }
    keepForSchema(0, quirky.inform, quirky.answer);
  });

  it('fixedCwmpId: the same cwmp:ID on the Inform and every answer', async () => {
    const quirky = await informAndGpv('fixedCwmpId: { id: "X7" }');
    assert.match(quirky.inform, /<cwmp:ID soap-env:mustUnderstand="1">X7<\/cwmp:ID>/);
    assert.match(quirky.answer, /<cwmp:ID soap-env:mustUnderstand="1">X7<\/cwmp:ID>/);
    const plain = await informAndGpv(undefined);
    assert.doesNotMatch(plain.answer, />X7</);
    keepForSchema(0, quirky.inform, quirky.answer);
  });

  it('arrayTypeCount: zero-padded or wrong SOAP array counts', async () => {
    const plain = await informAndGpv(undefined);
    assert.match(plain.inform, /soap-enc:arrayType="cwmp:EventStruct\[2\]"/);
    assert.match(plain.answer, /soap-enc:arrayType="cwmp:ParameterValueStruct\[1\]"/);
    const padded = await informAndGpv('arrayTypeCount: true');
    assert.match(padded.inform, /soap-enc:arrayType="cwmp:EventStruct\[0002\]"/);
    assert.match(padded.answer, /soap-enc:arrayType="cwmp:ParameterValueStruct\[0001\]"/);
    const wrong = await informAndGpv('arrayTypeCount: { mode: wrong }');
    assert.match(wrong.inform, /soap-enc:arrayType="cwmp:EventStruct\[3\]"/);
    assert.match(wrong.answer, /soap-enc:arrayType="cwmp:ParameterValueStruct\[2\]"/);
    keepForSchema(0, padded.inform, padded.answer, wrong.inform, wrong.answer);
  });

  it('soapPrefix: SOAP-ENV and soap_env envelope prefixes', async () => {
    const plain = await informAndGpv(undefined);
    assert.match(plain.inform, /^<\?xml[^>]*\?><soap-env:Envelope xmlns:soap-env="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"/);
    for (const prefix of ['SOAP-ENV', 'soap_env']) {
      const quirky = await informAndGpv(`soapPrefix: { prefix: ${prefix} }`);
      for (const xml of [quirky.inform, quirky.answer]) {
        assert.match(xml, new RegExp(`^<\\?xml[^>]*\\?><${prefix}:Envelope xmlns:${prefix}="http://schemas.xmlsoap.org/soap/envelope/"`));
        assert.match(xml, new RegExp(`<cwmp:ID ${prefix}:mustUnderstand="1">`));
        assert.match(xml, new RegExp(`</${prefix}:Body></${prefix}:Envelope>$`));
        assert.doesNotMatch(xml, /soap-env:/);
      }
      keepForSchema(0, quirky.inform, quirky.answer);
    }
  });

  it('soapPrefix also applies to a SOAP Fault the CPE sends', async () => {
    const run = await runQuirkySession(acs, 'soapPrefix: { prefix: SOAP-ENV }', { rpcs: [gpv(['Device.NoSuch.Thing'], 'acs-f')] });
    assert.ok(run.result.ok);
    const fault = acs.withMethod('Fault')[0]!.body;
    assert.match(fault, /<SOAP-ENV:Fault><faultcode>Client<\/faultcode>/);
    assert.match(fault, /<FaultCode>9005<\/FaultCode>/);
    keepForSchema(0, fault);
  });

  it('bodyEncodingStyle: encodingStyle on the SOAP Body', async () => {
    const plain = await informAndGpv(undefined);
    assert.match(plain.inform, /<soap-env:Body><cwmp:Inform>/);
    const quirky = await informAndGpv('bodyEncodingStyle: true');
    for (const xml of [quirky.inform, quirky.answer]) {
      assert.match(xml, /<soap-env:Body soap-env:encodingStyle="http:\/\/schemas.xmlsoap.org\/soap\/encoding\/"><cwmp:/);
    }
    keepForSchema(0, quirky.inform, quirky.answer);
  });

  it('xsiType: empty xsi:type, or strings typed xsd:json (not schema-valid, on purpose)', async () => {
    const names = [PARAMS.upTime, PARAMS.manufacturer];
    const plain = await informAndGpv(undefined, names);
    assert.match(plain.answer, /<Name>Device.DeviceInfo.UpTime<\/Name><Value xsi:type="xsd:unsignedInt">42</);
    assert.match(plain.answer, /<Name>Device.DeviceInfo.Manufacturer<\/Name><Value xsi:type="xsd:string">Acme</);
    const empty = await informAndGpv('xsiType: true', names);
    assert.match(empty.answer, /<Name>Device.DeviceInfo.UpTime<\/Name><Value xsi:type="">42</);
    assert.match(empty.inform, /<Name>Device.DeviceInfo.Manufacturer<\/Name><Value xsi:type="">Acme</);
    assert.doesNotMatch(empty.answer, /xsi:type="xsd:/);
    const json = await informAndGpv('xsiType: { mode: json }', names);
    assert.match(json.answer, /<Name>Device.DeviceInfo.UpTime<\/Name><Value xsi:type="xsd:unsignedInt">42</);
    assert.match(json.answer, /<Name>Device.DeviceInfo.Manufacturer<\/Name><Value xsi:type="xsd:json">Acme</);
  });

  it('cwmpNamespace: the CPE speaks cwmp-1-4 (or 1-2) whatever the ACS uses', async () => {
    const plain = await informAndGpv(undefined);
    assert.match(plain.inform, /xmlns:cwmp="urn:dslforum-org:cwmp-1-0"/);
    assert.match(plain.answer, /xmlns:cwmp="urn:dslforum-org:cwmp-1-0"/);
    for (const version of [4, 2] as const) {
      // The recording ACS answers the Inform in the CPE's namespace but sends its RPC in cwmp-1-0.
      const quirky = await informAndGpv(`cwmpNamespace: { version: ${version} }`);
      assert.match(quirky.inform, new RegExp(`xmlns:cwmp="urn:dslforum-org:cwmp-1-${version}"`));
      assert.match(quirky.answer, new RegExp(`xmlns:cwmp="urn:dslforum-org:cwmp-1-${version}"`));
      assert.match(quirky.answer, /<cwmp:GetParameterValuesResponse>/);
      keepForSchema(version, quirky.inform, quirky.answer);
    }
  });

  it('gpnEmptyPathUnsupported: GetParameterNames "" is fault 9005', async () => {
    const rpcs = [gpn('', true, 'acs-g')];
    await runQuirkySession(acs, undefined, { rpcs });
    assert.equal(acs.withMethod('GetParameterNamesResponse').length, 1);
    assert.match(acs.withMethod('GetParameterNamesResponse')[0]!.body, /<Name>Device.<\/Name>/);
    const run = await runQuirkySession(acs, 'gpnEmptyPathUnsupported: true', { rpcs: [...rpcs, gpn('Device.DeviceInfo.', true, 'acs-h')] });
    assert.ok(run.result.ok);
    const [fault] = acs.withMethod('Fault');
    assert.match(fault!.body, /<FaultCode>9005<\/FaultCode>/);
    // A real path is still answered.
    assert.match(acs.withMethod('GetParameterNamesResponse')[0]!.body, /<Name>Device.DeviceInfo.UpTime<\/Name>/);
    keepForSchema(0, fault!.body);
  });

  it('batchedGpvFault: more than maxNames names is fault 9002 (or the code given)', async () => {
    const two = gpv([PARAMS.upTime, PARAMS.manufacturer], 'acs-2');
    await runQuirkySession(acs, undefined, { rpcs: [two] });
    assert.equal(acs.withMethod('GetParameterValuesResponse').length, 1);
    await runQuirkySession(acs, 'batchedGpvFault: true', { rpcs: [two, gpv([PARAMS.upTime], 'acs-3')] });
    assert.match(acs.withMethod('Fault')[0]!.body, /<FaultCode>9002<\/FaultCode>/);
    assert.match(acs.withMethod('GetParameterValuesResponse')[0]!.body, /<cwmp:ID soap-env:mustUnderstand="1">acs-3</);
    await runQuirkySession(acs, 'batchedGpvFault: { maxNames: 2, code: 9004 }', { rpcs: [two, gpv([PARAMS.upTime, PARAMS.manufacturer, PARAMS.parameterKey])] });
    assert.equal(acs.withMethod('GetParameterValuesResponse').length, 1);
    assert.match(acs.withMethod('Fault')[0]!.body, /<FaultCode>9004<\/FaultCode>/);
  });

  it('namespacesOnEnvelopeOnly: xmlns:cwmp on the method element is answered 9000', async () => {
    const onMethod =
      '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
      '<soapenv:Header><cwmp:ID xmlns:cwmp="urn:dslforum-org:cwmp-1-0" soapenv:mustUnderstand="1">acs-n</cwmp:ID></soapenv:Header>' +
      '<soapenv:Body><cwmp:GetParameterValues xmlns:cwmp="urn:dslforum-org:cwmp-1-0">' +
      '<ParameterNames xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" soapenc:arrayType="xsd:string[1]">' +
      '<string>Device.DeviceInfo.UpTime</string></ParameterNames></cwmp:GetParameterValues></soapenv:Body></soapenv:Envelope>';
    await runQuirkySession(acs, undefined, { rpcs: [onMethod] });
    assert.equal(acs.withMethod('GetParameterValuesResponse').length, 1);
    await runQuirkySession(acs, 'namespacesOnEnvelopeOnly: true', { rpcs: [onMethod, gpv([PARAMS.upTime])] });
    assert.match(acs.withMethod('Fault')[0]!.body, /<FaultCode>9000<\/FaultCode>/);
    // Declared on the Envelope: answered normally.
    assert.equal(acs.withMethod('GetParameterValuesResponse').length, 1);
  });

  it('the quirky envelopes that keep to the schema validate against the BBF schemas', () => {
    assert.ok(validQuirky.size > 0);
    for (const [version, xmls] of validQuirky) {
      validateCwmpEnvelopes(xmls, version).forEach((r, i) => assert.ok(r.ok, `cwmp-1-${version} #${i}:\n${r.output}\n${xmls[i]}`));
    }
  });
});
