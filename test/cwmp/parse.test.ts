/** The parsers on hand-written envelopes as real ACSes and CPEs write them, and on garbage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, UnsupportedMethodError } from '../../src/errors.js';
import { parseAcsMessage, parseCpeMessage } from '../../src/cwmp/parse.js';

const NS =
  'xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function assertProtocolError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ProtocolError, `expected ProtocolError, got ${String(err)}`);
    assert.equal(err.code, 'CPESIM_PROTOCOL');
    assert.match(err.message, message);
    return true;
  });
}

describe('parseAcsMessage: prefixes and namespaces', () => {
  it('reads a SOAP-ENV / cwmp-1-0 envelope with whitespace, newlines and a one-item array', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ${NS}
    xmlns:cwmp="urn:dslforum-org:cwmp-1-0">
  <SOAP-ENV:Header>
    <cwmp:ID SOAP-ENV:mustUnderstand="1">42</cwmp:ID>
  </SOAP-ENV:Header>
  <SOAP-ENV:Body>
    <cwmp:GetParameterValues>
      <ParameterNames soapenc:arrayType="xsd:string[1]">
        <string>InternetGatewayDevice.DeviceInfo.</string>
      </ParameterNames>
    </cwmp:GetParameterValues>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>
`;
    assert.deepEqual(parseAcsMessage(xml), {
      header: { id: '42' },
      cwmpVersion: 0,
      body: { method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.'] },
    });
  });

  it('reads a soapenv / cwmp-1-4 envelope with all header fields', () => {
    const xml = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ${NS} xmlns:cwmp="urn:dslforum-org:cwmp-1-4">
<soapenv:Header><cwmp:ID soapenv:mustUnderstand="1">abc</cwmp:ID><cwmp:HoldRequests soapenv:mustUnderstand="1">true</cwmp:HoldRequests>
<cwmp:NoMoreRequests>1</cwmp:NoMoreRequests><cwmp:SessionTimeout>30</cwmp:SessionTimeout></soapenv:Header>
<soapenv:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></soapenv:Body></soapenv:Envelope>`;
    assert.deepEqual(parseAcsMessage(xml), {
      header: { id: 'abc', holdRequests: true, noMoreRequests: true, sessionTimeout: 30 },
      cwmpVersion: 4,
      body: { method: 'InformResponse', maxEnvelopes: 1 },
    });
  });

  it('reads an envelope in the default namespace with no header (no cwmp:ID)', () => {
    const xml = `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>
<SetParameterValues xmlns="urn:dslforum-org:cwmp-1-2"><ParameterList>
<ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name><Value>x</Value></ParameterValueStruct>
</ParameterList><ParameterKey></ParameterKey></SetParameterValues></Body></Envelope>`;
    assert.deepEqual(parseAcsMessage(xml), {
      header: {},
      cwmpVersion: 2,
      // no xsi:type: the type stays undefined (absent), the data model applies the parameter's own
      body: { method: 'SetParameterValues', parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', value: 'x' }], parameterKey: '' },
    });
  });

  it('decodes booleans from 1/0/true/false, numbers as numbers, xsi:type without prefix, entities in values', () => {
    const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ${NS} xmlns:c="urn:dslforum-org:cwmp-1-1"><s:Body>
<c:SetParameterAttributes><ParameterList soapenc:arrayType="c:SetParameterAttributesStruct[1]"><SetParameterAttributesStruct>
<Name>A.B</Name><NotificationChange>true</NotificationChange><Notification>2</Notification><AccessListChange>0</AccessListChange>
<AccessList soapenc:arrayType="xsd:string[0]"></AccessList></SetParameterAttributesStruct></ParameterList></c:SetParameterAttributes>
</s:Body></s:Envelope>`;
    assert.deepEqual(parseAcsMessage(xml).body, {
      method: 'SetParameterAttributes',
      parameterList: [{ name: 'A.B', notificationChange: true, notification: 2, accessListChange: false, accessList: [] }],
    });
    const spv = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ${NS} xmlns:c="urn:dslforum-org:cwmp-1-0"><s:Body>
<c:SetParameterValues><ParameterList><ParameterValueStruct><Name>A.B</Name><Value xsi:type="soapenc:base64">QQ==</Value></ParameterValueStruct>
<ParameterValueStruct><Name>A.C</Name><Value xsi:type="xsd:string"><![CDATA[<raw>]]> &amp;&#65;&#x42;</Value></ParameterValueStruct>
<ParameterValueStruct><Name>A.D</Name><Value xsi:type="xsd:anyURI">http://x</Value></ParameterValueStruct></ParameterList>
<ParameterKey>k</ParameterKey></c:SetParameterValues></s:Body></s:Envelope>`;
    assert.deepEqual(parseAcsMessage(spv).body, {
      method: 'SetParameterValues',
      parameterList: [
        { name: 'A.B', value: 'QQ==', type: 'base64' },
        { name: 'A.C', value: '<raw> &AB', type: 'string' },
        { name: 'A.D', value: 'http://x' }, // an xsi:type outside TR-106's types counts as absent
      ],
      parameterKey: 'k',
    });
  });

  it('decodes an unknown method as Unknown (the CPE answers 9000)', () => {
    const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
<soap:Header><cwmp:ID soap:mustUnderstand="1">9</cwmp:ID></soap:Header>
<soap:Body><cwmp:SetVouchers><CommandKey>x</CommandKey></cwmp:SetVouchers></soap:Body></soap:Envelope>`;
    assert.deepEqual(parseAcsMessage(xml), { header: { id: '9' }, cwmpVersion: 2, body: { method: 'Unknown', name: 'SetVouchers' } });
  });

  it('decodes an ACS SOAP Fault', () => {
    const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Body>
<soap:Fault><faultcode>soap:Server</faultcode><faultstring>CWMP fault</faultstring>
<detail><cwmp:Fault><FaultCode>8005</FaultCode><FaultString>Retry request</FaultString></cwmp:Fault></detail></soap:Fault>
</soap:Body></soap:Envelope>`;
    assert.deepEqual(parseAcsMessage(xml).body, { method: 'Fault', fault: { faultCode: 8005, faultString: 'Retry request' } });
  });
});

describe('parseCpeMessage', () => {
  it('decodes a CPE Fault with a one-item SetParameterValuesFault list', () => {
    const xml = `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">
<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand="1">5</cwmp:ID></SOAP-ENV:Header>
<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail>
<cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>
<SetParameterValuesFault><ParameterName>A.B</ParameterName><FaultCode>9007</FaultCode><FaultString>Invalid parameter value</FaultString></SetParameterValuesFault>
</cwmp:Fault></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
    assert.deepEqual(parseCpeMessage(xml), {
      header: { id: '5' },
      cwmpVersion: 0,
      body: {
        method: 'Fault',
        fault: {
          faultCode: 9003,
          faultString: 'Invalid arguments',
          setParameterValuesFaults: [{ parameterName: 'A.B', faultCode: 9007, faultString: 'Invalid parameter value' }],
        },
      },
    });
  });

  it('decodes a one-event Inform with self-closing empty elements', () => {
    const xml = `<soap_env:Envelope xmlns:soap_env="http://schemas.xmlsoap.org/soap/envelope/" ${NS} xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
 <soap_env:Header><cwmp:ID soap_env:mustUnderstand="1">1</cwmp:ID></soap_env:Header>
 <soap_env:Body><cwmp:Inform>
  <DeviceId><Manufacturer>TDT</Manufacturer><OUI>000149</OUI><ProductClass>c1500</ProductClass><SerialNumber>00014900E6D0</SerialNumber></DeviceId>
  <Event soapenc:arrayType="cwmp:EventStruct[1]"><EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey /></EventStruct></Event>
  <MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2016-03-08T08:26:59+00:00</CurrentTime><RetryCount>0</RetryCount>
  <ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[1]">
   <ParameterValueStruct><Name>InternetGatewayDevice.ManagementServer.ParameterKey</Name><Value xsi:type="xsd:string"/></ParameterValueStruct>
  </ParameterList>
 </cwmp:Inform></soap_env:Body></soap_env:Envelope>`;
    assert.deepEqual(parseCpeMessage(xml).body, {
      method: 'Inform',
      deviceId: { manufacturer: 'TDT', oui: '000149', productClass: 'c1500', serialNumber: '00014900E6D0' },
      events: [{ code: '2 PERIODIC', commandKey: '' }],
      maxEnvelopes: 1,
      currentTime: '2016-03-08T08:26:59+00:00',
      retryCount: 0,
      parameterList: [{ name: 'InternetGatewayDevice.ManagementServer.ParameterKey', value: '', type: 'string' }],
    });
  });

  it('rejects a method a CPE does not send, naming it and keeping its cwmp:ID', () => {
    const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><s:Header><cwmp:ID s:mustUnderstand="1">42</cwmp:ID></s:Header><s:Body><cwmp:Reboot><CommandKey/></cwmp:Reboot></s:Body></s:Envelope>`;
    assertProtocolError(() => parseCpeMessage(xml), /unsupported CWMP message cwmp:Reboot/);
    assert.throws(() => parseCpeMessage(xml), (e: unknown) => e instanceof UnsupportedMethodError && e.method === 'Reboot' && e.id === '42');
  });
});

describe('parsers: what is not CWMP', () => {
  const envelope = (body: string, ns = 'urn:dslforum-org:cwmp-1-0'): string =>
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="${ns}"><s:Body>${body}</s:Body></s:Envelope>`;

  it('empty string', () => {
    assertProtocolError(() => parseAcsMessage(''), /empty message/);
    assertProtocolError(() => parseCpeMessage('  \n'), /empty message/);
  });

  it('malformed XML', () => {
    assertProtocolError(() => parseAcsMessage(envelope('<cwmp:InformResponse><MaxEnvelopes>1</cwmp:InformResponse>')), /malformed XML/);
    assertProtocolError(() => parseAcsMessage(envelope('<cwmp:InformResponse>').slice(0, -20)), /malformed XML/);
    assertProtocolError(() => parseAcsMessage('not xml at all'), /malformed XML/);
  });

  it('malformed attributes, also where the decoders read none (those messages are parsed without attributes)', () => {
    const withId = (id: string): string =>
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><s:Header>${id}</s:Header>` +
      '<s:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></s:Body></s:Envelope>';
    assert.deepEqual(parseAcsMessage(withId('<cwmp:ID s:mustUnderstand="1">7</cwmp:ID>')).header, { id: '7' });
    assertProtocolError(() => parseAcsMessage(withId('<cwmp:ID s:mustUnderstand=1>7</cwmp:ID>')), /malformed XML/);
    assertProtocolError(() => parseAcsMessage(withId('<cwmp:ID s:mustUnderstand="1" s:mustUnderstand="0">7</cwmp:ID>')), /malformed XML/);
    assertProtocolError(() => parseAcsMessage(envelope('<cwmp:Reboot><CommandKey x="1>k</CommandKey></cwmp:Reboot>')), /malformed XML/);
  });

  it('an HTML error page', () => {
    assertProtocolError(
      () => parseAcsMessage('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>'),
      /expected a SOAP Envelope as the root element, found <html>/,
    );
    assertProtocolError(() => parseAcsMessage('<!DOCTYPE html><html><body><p>Error<br></p></body></html>'), /malformed XML/);
  });

  it('an empty Body and an Envelope without Body', () => {
    assertProtocolError(() => parseAcsMessage(envelope('')), /empty SOAP Body: expected a CWMP method element/);
    assertProtocolError(
      () => parseAcsMessage('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/></s:Envelope>'),
      /Envelope without Body/,
    );
  });

  it('no or an unknown CWMP namespace', () => {
    assertProtocolError(
      () => parseAcsMessage('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x:InformResponse xmlns:x="urn:other"/></s:Body></s:Envelope>'),
      /no urn:dslforum-org:cwmp-1-N namespace/,
    );
    assertProtocolError(() => parseAcsMessage(envelope('<cwmp:InformResponse/>', 'urn:dslforum-org:cwmp-1-9')), /unsupported CWMP namespace/);
  });

  it('field values of the wrong kind name the element', () => {
    assertProtocolError(
      () => parseAcsMessage(envelope('<cwmp:InformResponse><MaxEnvelopes>many</MaxEnvelopes></cwmp:InformResponse>')),
      /MaxEnvelopes: expected an integer, got 'many'/,
    );
    assertProtocolError(
      () => parseAcsMessage(envelope('<cwmp:GetParameterNames><ParameterPath/><NextLevel>yes</NextLevel></cwmp:GetParameterNames>')),
      /NextLevel: expected a boolean/,
    );
  });

  it('does not expand entities a DOCTYPE declares (no entity-expansion attacks from the peer)', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY e "boom">]>${envelope('<cwmp:Reboot><CommandKey>&e;&amp;</CommandKey></cwmp:Reboot>')}`;
    assert.deepEqual(parseAcsMessage(xml).body, { method: 'Reboot', commandKey: '&e;&' });
  });

  it('a SOAP Fault without cwmp:Fault detail', () => {
    assertProtocolError(
      () => parseAcsMessage(envelope('<s:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault>')),
      /without a cwmp:Fault detail \(faultstring: 'boom'\)/,
    );
  });
});
