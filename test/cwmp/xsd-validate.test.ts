/** The schema validator itself: it must be able to fail, or the round-trip tests prove nothing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCpeMessage } from '../../src/cwmp/build.js';
import type { CwmpVersion, InformRequest } from '../../src/cwmp/messages.js';
import { validateCwmpEnvelope, validateCwmpEnvelopes } from '../support/xsd-validate.js';

const inform: InformRequest = {
  method: 'Inform',
  deviceId: { manufacturer: 'cpesim', oui: '00D09E', productClass: 'HG2000', serialNumber: 'S1' },
  events: [{ code: '1 BOOT', commandKey: '' }],
  maxEnvelopes: 1,
  currentTime: '2025-01-01T00:00:00Z',
  retryCount: 0,
  parameterList: [{ name: 'InternetGatewayDevice.DeviceInfo.SpecVersion', value: '1.0', type: 'string' }],
};

describe('validateCwmpEnvelope', () => {
  for (const version of [0, 2, 4] as CwmpVersion[]) {
    it(`accepts a good Inform and rejects broken ones (cwmp-1-${version})`, () => {
      const good = buildCpeMessage(inform, { cwmpVersion: version, id: '1' });
      assert.ok(validateCwmpEnvelope(good, version).ok);
      const broken = {
        misspelt: good.replaceAll('cwmp:Inform>', 'cwmp:Infrom>'),
        lowercaseOui: good.replace('<OUI>00D09E</OUI>', '<OUI>00d09e</OUI>'),
        noArrayType: good.replace(' soap-enc:arrayType="cwmp:EventStruct[1]"', ''),
        wrongOrder: good.replace('<MaxEnvelopes>1</MaxEnvelopes>', '').replace('<RetryCount>', '<MaxEnvelopes>1</MaxEnvelopes><RetryCount>'),
        qualifiedChild: good.replaceAll('DeviceId>', 'cwmp:DeviceId>'),
        badValueType: good.replace('xsi:type="xsd:string">1.0', 'xsi:type="xsd:unsignedInt">1.0'),
      };
      const results = validateCwmpEnvelopes(Object.values(broken), version);
      Object.keys(broken).forEach((name, i) => {
        assert.equal(results[i]?.ok, false, `${name} must not validate`);
        assert.match(results[i]?.output ?? '', /fails to validate/);
      });
      assert.match(results[0]?.output ?? '', /Infrom.*No matching global element declaration/);
    });
  }
});
