/**
 * Data-model quirks on the wire (values, types, writability, missing parameters, the Inform's DeviceId and
 * ParameterKey), each next to a standard CPE's session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { PARAMS, runQuirkySession } from './quirk-harness.js';
import { gpn, gpv, RecordingAcs, spv } from './recording-acs.js';

let acs: RecordingAcs;
before(async () => (acs = await RecordingAcs.start()));
after(async () => acs.close());

const valueOf = (xml: string, name: string): string | undefined =>
  new RegExp(`<Name>${name.replaceAll('.', '\\.')}</Name><Value xsi:type="[^"]*">([^<]*)</Value>`).exec(xml)?.[1];
const typeOf = (xml: string, name: string): string | undefined =>
  new RegExp(`<Name>${name.replaceAll('.', '\\.')}</Name><Value xsi:type="([^"]*)">`).exec(xml)?.[1];
const inform = () => acs.withMethod('Inform')[0]!.body;
const answer = (method: string) => acs.withMethod(method)[0]?.body ?? '';

/** Schema-valid quirky envelopes, checked at the end (all cwmp-1-0). */
const valid: string[] = [];

describe('data-model quirks on the wire', () => {
  it('booleansAsDigits: booleans read as 1/0; SetParameterValues "true" is refused with 9007, "0" accepted', async () => {
    const rpcs = [gpv([PARAMS.informEnable]), spv(PARAMS.informEnable, 'true', 'xsd:boolean', 'acs-s1'), spv(PARAMS.informEnable, '0', 'xsd:boolean', 'acs-s2')];
    await runQuirkySession(acs, undefined, { rpcs });
    assert.equal(valueOf(inform(), PARAMS.informEnable), 'true');
    assert.equal(valueOf(answer('GetParameterValuesResponse'), PARAMS.informEnable), 'true');
    assert.equal(acs.withMethod('SetParameterValuesResponse').length, 2);
    await runQuirkySession(acs, 'booleansAsDigits: true', { rpcs: [...rpcs, gpv([PARAMS.informEnable], 'acs-g2')] });
    assert.equal(valueOf(inform(), PARAMS.informEnable), '1');
    assert.equal(typeOf(inform(), PARAMS.informEnable), 'xsd:boolean');
    assert.equal(valueOf(answer('GetParameterValuesResponse'), PARAMS.informEnable), '1');
    const fault = answer('Fault');
    assert.match(fault, /<SetParameterValuesFault><ParameterName>Device.ManagementServer.PeriodicInformEnable<\/ParameterName><FaultCode>9007</);
    assert.equal(acs.withMethod('SetParameterValuesResponse').length, 1);
    // "0" was taken: the last read says 0.
    assert.equal(valueOf(acs.withMethod('GetParameterValuesResponse')[1]!.body, PARAMS.informEnable), '0');
    valid.push(inform(), fault);
  });

  it('nullParameterKey: an empty ParameterKey is informed as "(null)"', async () => {
    await runQuirkySession(acs, undefined);
    assert.equal(valueOf(inform(), PARAMS.parameterKey), '');
    await runQuirkySession(acs, 'nullParameterKey: true', { rpcs: [spv(PARAMS.informEnable, 'false', 'xsd:boolean'), gpv([PARAMS.parameterKey])] });
    assert.equal(valueOf(inform(), PARAMS.parameterKey), '(null)');
    // Once the ACS set a key, it reads back as set.
    assert.equal(valueOf(answer('GetParameterValuesResponse'), PARAMS.parameterKey), 'k1');
    valid.push(inform());
  });

  it('manufacturerNewline: the DeviceId Manufacturer ends with a newline', async () => {
    await runQuirkySession(acs, undefined);
    assert.match(inform(), /<Manufacturer>Acme<\/Manufacturer>/);
    await runQuirkySession(acs, 'manufacturerNewline: true');
    assert.match(inform(), /<Manufacturer>Acme\n<\/Manufacturer>/);
    valid.push(inform());
  });

  it('passwordReadBack: a hidden password is read back in clear text', async () => {
    await runQuirkySession(acs, undefined, { rpcs: [gpv([PARAMS.password])] });
    assert.equal(valueOf(answer('GetParameterValuesResponse'), PARAMS.password), '');
    await runQuirkySession(acs, 'passwordReadBack: true', { rpcs: [gpv([PARAMS.password])] });
    assert.equal(valueOf(answer('GetParameterValuesResponse'), PARAMS.password), 's3cret');
    valid.push(answer('GetParameterValuesResponse'));
  });

  it('misreportedTypes: listed parameters travel with a wrong xsi:type (list: string; map: the type given)', async () => {
    await runQuirkySession(acs, undefined, { rpcs: [gpv([PARAMS.upTime, PARAMS.informEnable])] });
    assert.equal(typeOf(answer('GetParameterValuesResponse'), PARAMS.upTime), 'xsd:unsignedInt');
    await runQuirkySession(acs, 'misreportedTypes: { paths: [Device.DeviceInfo.UpTime] }', { rpcs: [gpv([PARAMS.upTime, PARAMS.informEnable])] });
    assert.equal(typeOf(inform(), PARAMS.upTime), 'xsd:string');
    assert.equal(typeOf(answer('GetParameterValuesResponse'), PARAMS.upTime), 'xsd:string');
    assert.equal(typeOf(answer('GetParameterValuesResponse'), PARAMS.informEnable), 'xsd:boolean');
    valid.push(answer('GetParameterValuesResponse'));
    await runQuirkySession(acs, 'misreportedTypes: { paths: { Device.DeviceInfo.UpTime: int } }', { rpcs: [gpv([PARAMS.upTime])] });
    assert.equal(typeOf(answer('GetParameterValuesResponse'), PARAMS.upTime), 'xsd:int');
  });

  it('misreportedWritability: GetParameterNames inverts the Writable flag of listed parameters', async () => {
    const rpcs = [gpn('Device.ManagementServer.', true)];
    const writable = (xml: string, name: string) =>
      new RegExp(`<Name>${name.replaceAll('.', '\\.')}</Name><Writable>([01])</Writable>`).exec(xml)?.[1];
    await runQuirkySession(acs, undefined, { rpcs });
    assert.equal(writable(answer('GetParameterNamesResponse'), PARAMS.informEnable), '1');
    assert.equal(writable(answer('GetParameterNamesResponse'), PARAMS.parameterKey), '0');
    await runQuirkySession(acs, `misreportedWritability: { paths: [${PARAMS.informEnable}, ${PARAMS.parameterKey}] }`, { rpcs });
    assert.equal(writable(answer('GetParameterNamesResponse'), PARAMS.informEnable), '0');
    assert.equal(writable(answer('GetParameterNamesResponse'), PARAMS.parameterKey), '1');
    assert.equal(writable(answer('GetParameterNamesResponse'), PARAMS.password), '1');
    valid.push(answer('GetParameterNamesResponse'));
  });

  it('missingParameters: listed parameters and objects are absent (Inform, GPN) and unknown (9005)', async () => {
    const rpcs = [gpv([PARAMS.upTime]), gpn('Device.', false)];
    await runQuirkySession(acs, undefined, { rpcs });
    assert.equal(valueOf(inform(), PARAMS.upTime), '42');
    assert.match(answer('GetParameterNamesResponse'), /<Name>Device.WiFi.Radio.1.OperatingStandards<\/Name>/);
    await runQuirkySession(acs, 'missingParameters: { paths: [Device.DeviceInfo.UpTime, Device.WiFi.] }', { rpcs });
    assert.equal(valueOf(inform(), PARAMS.upTime), undefined);
    assert.doesNotMatch(inform(), /Device\.WiFi\./);
    assert.match(answer('Fault'), /<FaultCode>9005<\/FaultCode>/);
    assert.doesNotMatch(answer('GetParameterNamesResponse'), /Device\.WiFi\.|UpTime/);
    assert.match(answer('GetParameterNamesResponse'), /<Name>Device.DeviceInfo.Manufacturer<\/Name>/);
    valid.push(inform(), answer('GetParameterNamesResponse'));
  });

  it('nonStandardEnums: "b,g" is reported as "b/g", and "b/g" is accepted on a set', async () => {
    const quirk = 'nonStandardEnums: { values: { "Device.WiFi.Radio.{i}.OperatingStandards": { "b,g": b/g, "n": "11n" } } }';
    await runQuirkySession(acs, undefined);
    assert.equal(valueOf(inform(), PARAMS.standards), 'b,g');
    await runQuirkySession(acs, quirk, { rpcs: [spv(PARAMS.standards, '11n', 'xsd:string'), gpv([PARAMS.standards]), spv(PARAMS.standards, 'b/g', 'xsd:string'), gpv([PARAMS.standards], 'acs-g2')] });
    assert.equal(valueOf(inform(), PARAMS.standards), 'b/g');
    assert.equal(acs.withMethod('SetParameterValuesResponse').length, 2);
    const reads = acs.withMethod('GetParameterValuesResponse').map((r) => valueOf(r.body, PARAMS.standards));
    assert.deepEqual(reads, ['11n', 'b/g']);
    valid.push(inform());
  });

  it('the quirky envelopes that keep to the schema validate', () => {
    assert.ok(valid.length >= 8);
    validateCwmpEnvelopes(valid, 0).forEach((r, i) => assert.ok(r.ok, `#${i}:\n${r.output}\n${valid[i]}`));
  });
});
