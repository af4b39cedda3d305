/**
 * Codec micro-benchmark: the string-template builders against fast-xml-parser's XMLBuilder writing
 * the same document (baseline measured in the same run), and the parsers on typical messages.
 * Run: node dist/benchmarks/codec.bench.js   (prints operations per CPU-second; no assertions on time)
 */
import { XMLBuilder } from 'fast-xml-parser';
import { buildAcsMessage, buildCpeMessage } from '../src/cwmp/build.js';
import type { AcsBody, CpeMessage, EnvelopeContext, InformRequest, ParameterValue } from '../src/cwmp/messages.js';
import { SOAP_ENC_NS, SOAP_ENV_NS, XSD_NS, XSI_NS, cwmpNamespace } from '../src/cwmp/namespaces.js';
import { parseAcsMessage, parseCpeMessage } from '../src/cwmp/parse.js';
import { opsPerSecond, publish, sinkValue, type SummaryRow } from './harness.js';

const CTX: EnvelopeContext = { cwmpVersion: 0, id: '123456' };

const inform: InformRequest = {
  method: 'Inform',
  deviceId: { manufacturer: 'cpesim', oui: '00D09E', productClass: 'HG2000', serialNumber: 'CPESIM00000042' },
  events: [
    { code: '2 PERIODIC', commandKey: '' },
    { code: '4 VALUE CHANGE', commandKey: '' },
  ],
  maxEnvelopes: 1,
  currentTime: '2025-01-01T00:00:00Z',
  retryCount: 0,
  parameterList: [
    { name: 'InternetGatewayDevice.DeviceSummary', value: 'InternetGatewayDevice:1.4[](Baseline:1)', type: 'string' },
    { name: 'InternetGatewayDevice.DeviceInfo.SpecVersion', value: '1.0', type: 'string' },
    { name: 'InternetGatewayDevice.DeviceInfo.HardwareVersion', value: 'HW-1.0', type: 'string' },
    { name: 'InternetGatewayDevice.DeviceInfo.SoftwareVersion', value: 'SW-1.0.0', type: 'string' },
    { name: 'InternetGatewayDevice.DeviceInfo.ProvisioningCode', value: '', type: 'string' },
    { name: 'InternetGatewayDevice.ManagementServer.ConnectionRequestURL', value: 'http://10.0.0.42:7547/cr', type: 'string' },
    { name: 'InternetGatewayDevice.ManagementServer.ParameterKey', value: '', type: 'string' },
    { name: 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.ExternalIPAddress', value: '10.0.0.42', type: 'string' },
  ],
};

const fifty: ParameterValue[] = Array.from({ length: 50 }, (_, i) => ({
  name: `InternetGatewayDevice.LANDevice.1.Hosts.Host.${i + 1}.HostName`,
  value: i % 2 ? `host-${i}` : String(i * 1000),
  type: i % 2 ? 'string' : 'unsignedInt',
}));
const gpvResponse: CpeMessage = { method: 'GetParameterValuesResponse', parameterList: fifty };

// ---------------------------------------------------------------- XMLBuilder baseline (same document)

const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressBooleanAttributes: false });

function pvList(list: readonly ParameterValue[]): object {
  return {
    '@soap-enc:arrayType': `cwmp:ParameterValueStruct[${list.length}]`,
    ParameterValueStruct: list.map((p) => ({ Name: p.name, Value: { '@xsi:type': `xsd:${p.type ?? 'string'}`, '#text': p.value } })),
  };
}

function viaXmlBuilder(method: string, body: object, ctx: EnvelopeContext): string {
  return xmlBuilder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    'soap-env:Envelope': {
      '@xmlns:soap-env': SOAP_ENV_NS,
      '@xmlns:soap-enc': SOAP_ENC_NS,
      '@xmlns:xsd': XSD_NS,
      '@xmlns:xsi': XSI_NS,
      '@xmlns:cwmp': cwmpNamespace(ctx.cwmpVersion),
      'soap-env:Header': { 'cwmp:ID': { '@soap-env:mustUnderstand': '1', '#text': ctx.id } },
      'soap-env:Body': { [`cwmp:${method}`]: body },
    },
  }) as string;
}

function informViaXmlBuilder(m: InformRequest, ctx: EnvelopeContext): string {
  return viaXmlBuilder(
    'Inform',
    {
      DeviceId: {
        Manufacturer: m.deviceId.manufacturer,
        OUI: m.deviceId.oui,
        ProductClass: m.deviceId.productClass,
        SerialNumber: m.deviceId.serialNumber,
      },
      Event: {
        '@soap-enc:arrayType': `cwmp:EventStruct[${m.events.length}]`,
        EventStruct: m.events.map((e) => ({ EventCode: e.code, CommandKey: e.commandKey })),
      },
      MaxEnvelopes: String(m.maxEnvelopes),
      CurrentTime: m.currentTime,
      RetryCount: String(m.retryCount),
      ParameterList: pvList(m.parameterList),
    },
    ctx,
  );
}

const gpvViaXmlBuilder = (list: readonly ParameterValue[], ctx: EnvelopeContext): string =>
  viaXmlBuilder('GetParameterValuesResponse', { ParameterList: pvList(list) }, ctx);

// ---------------------------------------------------------------- harness

/** Codec operations take microseconds: warm up well and read the clock every 50 calls. */
const codecOpsPerSecond = (fn: () => unknown): number => opsPerSecond(fn, 1000, 2000, 50);

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);

// Every number, for run-all's JSON; the build ratios are also headline rows.
const data: { build: Record<string, { template: number; xmlBuilder: number; sameDocument: boolean }>; parse: Record<string, number> } = {
  build: {},
  parse: {},
};
const rows: SummaryRow[] = [];

function compare(what: string, template: () => string, baseline: () => string): void {
  const same = template() === baseline();
  const a = codecOpsPerSecond(template);
  const b = codecOpsPerSecond(baseline);
  console.log(`build ${what.padEnd(34)} template ${fmt(a)} ops/s   XMLBuilder ${fmt(b)} ops/s   ratio ${(a / b).toFixed(1)}x   same document: ${same ? 'yes' : 'NO'}`);
  data.build[what] = { template: a, xmlBuilder: b, sameDocument: same };
  rows.push({ metric: `build ${what}: template ÷ XMLBuilder speed`, value: a / b, unit: 'x' });
}

function parse(what: string, fn: () => object): void {
  const ops = codecOpsPerSecond(fn);
  console.log(`parse ${what.padEnd(34)} ${fmt(ops)} ops/s`);
  data.parse[what] = ops;
}

console.log(`node ${process.version}; ops/s = operations per CPU-second of this process`);
compare('Inform (2 events, 8 params)', () => buildCpeMessage(inform, CTX), () => informViaXmlBuilder(inform, CTX));
compare('GetParameterValuesResponse (50)', () => buildCpeMessage(gpvResponse, CTX), () => gpvViaXmlBuilder(fifty, CTX));

const acsMessages: [string, AcsBody][] = [
  ['InformResponse', { method: 'InformResponse', maxEnvelopes: 1 }],
  ['GetParameterValues (10 names)', { method: 'GetParameterValues', parameterNames: fifty.slice(0, 10).map((p) => p.name) }],
  ['SetParameterValues (5 params)', { method: 'SetParameterValues', parameterList: fifty.slice(0, 5), parameterKey: 'k' }],
  ['GetParameterNames', { method: 'GetParameterNames', parameterPath: 'InternetGatewayDevice.', nextLevel: true }],
];
for (const [what, body] of acsMessages) {
  const xml = buildAcsMessage(body, CTX);
  parse(`${what}`, () => parseAcsMessage(xml));
}
const informXml = buildCpeMessage(inform, CTX);
parse('Inform (CPE → ACS)', () => parseCpeMessage(informXml));
const gpvXml = buildCpeMessage(gpvResponse, CTX);
parse('GetParameterValuesResponse (50)', () => parseCpeMessage(gpvXml));
if (sinkValue() === -1) console.log(sinkValue());
publish({ rows, data: { unit: 'operations per CPU-second', ...data } });
