/**
 * CWMP message builders: plain string templates (measured ~an order of magnitude faster than a
 * generic XML builder, see benchmarks/codec.bench.ts). Element order and array types follow
 * cwmp-1-0.xsd … cwmp-1-4.xsd: children are unqualified, only the method element and header
 * elements carry the cwmp: prefix, every SOAP array carries soap-enc:arrayType with its exact count.
 */
import { soapFaultCode } from './faults.js';
import type {
  AcsBody,
  CpeMessage,
  CwmpVersion,
  DuOperation,
  DuOpResult,
  EnvelopeContext,
  EventStruct,
  FaultStruct,
  ParameterAttribute,
  ParameterInfo,
  ParamType,
  ParameterValue,
  QueuedTransfer,
  SetParameterAttributesStruct,
  TimeWindow,
} from './messages.js';
import { SOAP_ENC_NS, SOAP_ENV_NS, XSD_NS, XSI_NS, cwmpNamespace } from './namespaces.js';
import { escapeXmlText as esc } from './xml-escape.js';
import { CODEC_QUIRKS, NO_QUIRKS, QUIRK, type QuirkSet } from '../quirks/quirk-set.js';

/** XML declaration + Envelope start tag per cwmp version, built once. */
const ENVELOPE_OPEN: readonly string[] = ([0, 1, 2, 3, 4] as const).map(
  (v) =>
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soap-env:Envelope xmlns:soap-env="${SOAP_ENV_NS}" xmlns:soap-enc="${SOAP_ENC_NS}"` +
    ` xmlns:xsd="${XSD_NS}" xmlns:xsi="${XSI_NS}" xmlns:cwmp="${cwmpNamespace(v)}">`,
);
const ENVELOPE_CLOSE = '</soap-env:Body></soap-env:Envelope>';

function envelope(body: string, version: CwmpVersion, id: string | undefined, holdRequests: boolean | undefined, q: QuirkSet): string {
  if ((q.flags & CODEC_QUIRKS) !== 0) return quirkyEnvelope(body, version, id, holdRequests, q);
  let header = '';
  if (id !== undefined) header += `<cwmp:ID soap-env:mustUnderstand="1">${esc(id)}</cwmp:ID>`;
  if (holdRequests !== undefined) {
    header += `<cwmp:HoldRequests soap-env:mustUnderstand="1">${holdRequests ? '1' : '0'}</cwmp:HoldRequests>`;
  }
  const open = ENVELOPE_OPEN[version];
  if (open === undefined) throw new RangeError(`unsupported cwmp version ${String(version)}`);
  return (
    open + (header ? `<soap-env:Header>${header}</soap-env:Header>` : '') + '<soap-env:Body>' + body + ENVELOPE_CLOSE
  );
}

/**
 * The envelope of a CPE with codec quirks (src/quirks/catalogue.ts): soapPrefix, emptyHeaderNoCwmpId,
 * bodyEncodingStyle. Kept apart so the quirk-free path above stays constant strings.
 */
function quirkyEnvelope(body: string, version: CwmpVersion, id: string | undefined, holdRequests: boolean | undefined, q: QuirkSet): string {
  if (ENVELOPE_OPEN[version] === undefined) throw new RangeError(`unsupported cwmp version ${String(version)}`);
  const p = q.soapPrefix;
  let header = '';
  if (q.flags & QUIRK.emptyHeaderNoCwmpId) header = `<${p}:Header></${p}:Header>`;
  else {
    if (id !== undefined) header += `<cwmp:ID ${p}:mustUnderstand="1">${esc(id)}</cwmp:ID>`;
    if (holdRequests !== undefined) header += `<cwmp:HoldRequests ${p}:mustUnderstand="1">${holdRequests ? '1' : '0'}</cwmp:HoldRequests>`;
    if (header) header = `<${p}:Header>${header}</${p}:Header>`;
  }
  const encodingStyle = q.flags & QUIRK.bodyEncodingStyle ? ` ${p}:encodingStyle="${SOAP_ENC_NS}"` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<${p}:Envelope xmlns:${p}="${SOAP_ENV_NS}" xmlns:soap-enc="${SOAP_ENC_NS}"` +
    ` xmlns:xsd="${XSD_NS}" xmlns:xsi="${XSI_NS}" xmlns:cwmp="${cwmpNamespace(version)}">` +
    `${header}<${p}:Body${encodingStyle}>${body}</${p}:Body></${p}:Envelope>`
  );
}

/**
 * Any CPE → ACS message (request, RPC response or Fault) as a complete SOAP envelope, written with the
 * profile's codec quirks when it has any.
 */
export function buildCpeMessage(msg: CpeMessage, ctx: EnvelopeContext, quirks: QuirkSet = NO_QUIRKS): string {
  return envelope(buildBody(msg, quirks), ctx.cwmpVersion, ctx.id, undefined, quirks);
}

/**
 * Any ACS → CPE message as a complete SOAP envelope. `{method:'Unknown', name}` is written as an
 * empty `<cwmp:NAME/>` (not schema-valid on purpose: it exercises the CPE's 9000 answer).
 */
export function buildAcsMessage(body: AcsBody, ctx: EnvelopeContext & { holdRequests?: boolean }): string {
  return envelope(buildBody(body, NO_QUIRKS), ctx.cwmpVersion, ctx.id, ctx.holdRequests, NO_QUIRKS);
}

// ---------------------------------------------------------------- body

const bool = (b: boolean): string => (b ? '1' : '0');
const el = (name: string, text: string): string => `<${name}>${esc(text)}</${name}>`;
const num = (name: string, n: number): string => `<${name}>${n}</${name}>`;
const arrayOpen = (name: string, itemType: string, count: number, q: QuirkSet): string =>
  `<${name} soap-enc:arrayType="${itemType}[${q.flags & QUIRK.arrayTypeCount ? quirkyCount(count, q) : count}]">`;

/** arrayTypeCount quirk: "0003" (zero-padded to 4 digits) or one more than the items sent. */
function quirkyCount(count: number, q: QuirkSet): string {
  return q.arrayTypeCount === 'wrong' ? String(count + 1) : String(count).padStart(4, '0');
}

function stringArray(name: string, items: readonly string[], q: QuirkSet): string {
  let s = arrayOpen(name, 'xsd:string', items.length, q);
  for (const item of items) s += `<string>${esc(item)}</string>`;
  return s + `</${name}>`;
}

/** xsi:type per TR-106 type; `base64` is `xsd:base64Binary` on the wire (there is no xsd:base64). */
const XSI_TYPE: Readonly<Record<ParamType, string>> = {
  string: 'xsd:string',
  int: 'xsd:int',
  unsignedInt: 'xsd:unsignedInt',
  long: 'xsd:long',
  unsignedLong: 'xsd:unsignedLong',
  boolean: 'xsd:boolean',
  dateTime: 'xsd:dateTime',
  base64: 'xsd:base64Binary',
  hexBinary: 'xsd:hexBinary',
  decimal: 'xsd:decimal',
};

function parameterValueList(list: readonly ParameterValue[], q: QuirkSet): string {
  let s = arrayOpen('ParameterList', 'cwmp:ParameterValueStruct', list.length, q);
  for (const p of list) {
    const type = q.flags & QUIRK.xsiType ? quirkyXsiType(p.type ?? 'string', q) : XSI_TYPE[p.type ?? 'string'];
    s += `<ParameterValueStruct><Name>${esc(p.name)}</Name><Value xsi:type="${type}">${esc(p.value)}</Value></ParameterValueStruct>`;
  }
  return s + '</ParameterList>';
}

/** xsiType quirk: every type empty, or strings typed as the non-existent xsd:json. */
function quirkyXsiType(type: ParamType, q: QuirkSet): string {
  if (q.xsiType === 'empty') return '';
  return type === 'string' ? 'xsd:json' : XSI_TYPE[type];
}

function parameterInfoList(list: readonly ParameterInfo[], q: QuirkSet): string {
  let s = arrayOpen('ParameterList', 'cwmp:ParameterInfoStruct', list.length, q);
  for (const p of list) {
    s += `<ParameterInfoStruct><Name>${esc(p.name)}</Name><Writable>${bool(p.writable)}</Writable></ParameterInfoStruct>`;
  }
  return s + '</ParameterList>';
}

function parameterAttributeList(list: readonly ParameterAttribute[], q: QuirkSet): string {
  let s = arrayOpen('ParameterList', 'cwmp:ParameterAttributeStruct', list.length, q);
  for (const p of list) {
    s += `<ParameterAttributeStruct><Name>${esc(p.name)}</Name>${num('Notification', p.notification)}${stringArray('AccessList', p.accessList, q)}</ParameterAttributeStruct>`;
  }
  return s + '</ParameterList>';
}

function setParameterAttributesList(list: readonly SetParameterAttributesStruct[], q: QuirkSet): string {
  let s = arrayOpen('ParameterList', 'cwmp:SetParameterAttributesStruct', list.length, q);
  for (const p of list) {
    s +=
      `<SetParameterAttributesStruct><Name>${esc(p.name)}</Name>` +
      `<NotificationChange>${bool(p.notificationChange)}</NotificationChange>${num('Notification', p.notification)}` +
      `<AccessListChange>${bool(p.accessListChange)}</AccessListChange>${stringArray('AccessList', p.accessList, q)}` +
      '</SetParameterAttributesStruct>';
  }
  return s + '</ParameterList>';
}

function eventList(events: readonly EventStruct[], q: QuirkSet): string {
  let s = arrayOpen('Event', 'cwmp:EventStruct', events.length, q);
  for (const e of events) s += `<EventStruct>${el('EventCode', e.code)}${el('CommandKey', e.commandKey)}</EventStruct>`;
  return s + '</Event>';
}

function queuedTransferList(list: readonly QueuedTransfer[], q: QuirkSet): string {
  let s = arrayOpen('TransferList', 'cwmp:QueuedTransferStruct', list.length, q);
  for (const t of list) s += `<QueuedTransferStruct>${el('CommandKey', t.commandKey)}${num('State', t.state)}</QueuedTransferStruct>`;
  return s + '</TransferList>';
}

function soapFault(fault: FaultStruct, q: QuirkSet): string {
  let detail = num('FaultCode', fault.faultCode) + el('FaultString', fault.faultString);
  for (const f of fault.setParameterValuesFaults ?? []) {
    detail += `<SetParameterValuesFault>${el('ParameterName', f.parameterName)}${num('FaultCode', f.faultCode)}${el('FaultString', f.faultString)}</SetParameterValuesFault>`;
  }
  // faultcode without prefix, as in the TR-069 examples and what CPEs in the field send.
  return (
    `<${q.soapPrefix}:Fault><faultcode>${soapFaultCode(fault.faultCode)}</faultcode><faultstring>CWMP fault</faultstring>` +
    `<detail><cwmp:Fault>${detail}</cwmp:Fault></detail></${q.soapPrefix}:Fault>`
  );
}

/** An optional element (minOccurs 0): omitted when undefined. */
const opt = (name: string, text: string | undefined): string => (text === undefined ? '' : el(name, text));

function timeWindowList(list: readonly TimeWindow[], q: QuirkSet): string {
  let s = arrayOpen('TimeWindowList', 'cwmp:TimeWindowStruct', list.length, q);
  for (const w of list) {
    s +=
      `<TimeWindowStruct>${num('WindowStart', w.windowStart)}${num('WindowEnd', w.windowEnd)}${el('WindowMode', w.windowMode)}` +
      `${el('UserMessage', w.userMessage)}${num('MaxRetries', w.maxRetries)}</TimeWindowStruct>`;
  }
  return s + '</TimeWindowList>';
}

/** One ChangeDUState operation: `Operations` elements typed by xsi:type (OperationStruct is abstract). */
function duOperation(o: DuOperation): string {
  switch (o.op) {
    case 'Install':
      return (
        `<Operations xsi:type="cwmp:InstallOpStruct">${el('URL', o.url)}${opt('UUID', o.uuid)}${opt('Username', o.username)}` +
        `${opt('Password', o.password)}${opt('ExecutionEnvRef', o.executionEnvRef)}</Operations>`
      );
    case 'Update':
      return (
        `<Operations xsi:type="cwmp:UpdateOpStruct">${opt('UUID', o.uuid)}${opt('Version', o.version)}${opt('URL', o.url)}` +
        `${opt('Username', o.username)}${opt('Password', o.password)}</Operations>`
      );
    case 'Uninstall':
      return `<Operations xsi:type="cwmp:UninstallOpStruct">${el('UUID', o.uuid)}${opt('Version', o.version)}${opt('ExecutionEnvRef', o.executionEnvRef)}</Operations>`;
  }
}

/** OpResultStruct's elements (AutonOpResultStruct appends OperationPerformed). */
function duOpResult(r: DuOpResult): string {
  return (
    `${el('UUID', r.uuid)}${el('DeploymentUnitRef', r.deploymentUnitRef)}${el('Version', r.version)}${el('CurrentState', r.currentState)}` +
    `<Resolved>${bool(r.resolved)}</Resolved>${el('ExecutionUnitRefList', r.executionUnitRefList)}${el('StartTime', r.startTime)}` +
    `${el('CompleteTime', r.completeTime)}<Fault>${num('FaultCode', r.fault.faultCode)}${el('FaultString', r.fault.faultString)}</Fault>`
  );
}

const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/** One body element for any message of either direction (the shared methods have one shape). */
function buildBody(msg: CpeMessage | AcsBody, q: QuirkSet): string {
  switch (msg.method) {
    // ---- CPE requests
    case 'Inform': {
      const d = msg.deviceId;
      return (
        '<cwmp:Inform><DeviceId>' +
        el('Manufacturer', d.manufacturer) +
        el('OUI', d.oui) +
        el('ProductClass', d.productClass) +
        el('SerialNumber', d.serialNumber) +
        '</DeviceId>' +
        eventList(msg.events, q) +
        num('MaxEnvelopes', msg.maxEnvelopes) +
        el('CurrentTime', msg.currentTime) +
        num('RetryCount', msg.retryCount) +
        parameterValueList(msg.parameterList, q) +
        '</cwmp:Inform>'
      );
    }
    case 'TransferComplete':
      return (
        `<cwmp:TransferComplete>${el('CommandKey', msg.commandKey)}` +
        `<FaultStruct>${num('FaultCode', msg.fault.faultCode)}${el('FaultString', msg.fault.faultString)}</FaultStruct>` +
        `${el('StartTime', msg.startTime)}${el('CompleteTime', msg.completeTime)}</cwmp:TransferComplete>`
      );
    case 'GetRPCMethods':
      return '<cwmp:GetRPCMethods/>';
    case 'AutonomousTransferComplete':
      return (
        `<cwmp:AutonomousTransferComplete>${el('AnnounceURL', msg.announceUrl)}${el('TransferURL', msg.transferUrl)}` +
        `<IsDownload>${bool(msg.isDownload)}</IsDownload>${el('FileType', msg.fileType)}${num('FileSize', msg.fileSize)}` +
        `${el('TargetFileName', msg.targetFileName)}` +
        `<FaultStruct>${num('FaultCode', msg.fault.faultCode)}${el('FaultString', msg.fault.faultString)}</FaultStruct>` +
        `${el('StartTime', msg.startTime)}${el('CompleteTime', msg.completeTime)}</cwmp:AutonomousTransferComplete>`
      );
    case 'DUStateChangeComplete':
      return (
        `<cwmp:DUStateChangeComplete>${msg.results.map((r) => `<Results>${duOpResult(r)}</Results>`).join('')}` +
        `${opt('CommandKey', msg.commandKey)}</cwmp:DUStateChangeComplete>`
      );
    case 'AutonomousDUStateChangeComplete':
      return (
        '<cwmp:AutonomousDUStateChangeComplete>' +
        msg.results.map((r) => `<Results>${duOpResult(r)}${el('OperationPerformed', r.operationPerformed)}</Results>`).join('') +
        '</cwmp:AutonomousDUStateChangeComplete>'
      );
    case 'RequestDownload': {
      let args = arrayOpen('FileTypeArg', 'cwmp:ArgStruct', msg.fileTypeArg.length, q);
      for (const a of msg.fileTypeArg) args += `<ArgStruct>${el('Name', a.name)}${el('Value', a.value)}</ArgStruct>`;
      return `<cwmp:RequestDownload>${el('FileType', msg.fileType)}${args}</FileTypeArg></cwmp:RequestDownload>`;
    }
    // ---- CPE responses
    case 'GetRPCMethodsResponse':
      return `<cwmp:GetRPCMethodsResponse>${stringArray('MethodList', msg.methodList, q)}</cwmp:GetRPCMethodsResponse>`;
    case 'GetParameterNamesResponse':
      return `<cwmp:GetParameterNamesResponse>${parameterInfoList(msg.parameterList, q)}</cwmp:GetParameterNamesResponse>`;
    case 'GetParameterValuesResponse':
      return `<cwmp:GetParameterValuesResponse>${parameterValueList(msg.parameterList, q)}</cwmp:GetParameterValuesResponse>`;
    case 'SetParameterValuesResponse':
      return `<cwmp:SetParameterValuesResponse>${num('Status', msg.status)}</cwmp:SetParameterValuesResponse>`;
    case 'GetParameterAttributesResponse':
      return `<cwmp:GetParameterAttributesResponse>${parameterAttributeList(msg.parameterList, q)}</cwmp:GetParameterAttributesResponse>`;
    case 'AddObjectResponse':
      return `<cwmp:AddObjectResponse>${num('InstanceNumber', msg.instanceNumber)}${num('Status', msg.status)}</cwmp:AddObjectResponse>`;
    case 'DeleteObjectResponse':
      return `<cwmp:DeleteObjectResponse>${num('Status', msg.status)}</cwmp:DeleteObjectResponse>`;
    case 'DownloadResponse':
    case 'UploadResponse':
      return `<cwmp:${msg.method}>${num('Status', msg.status)}${el('StartTime', msg.startTime)}${el('CompleteTime', msg.completeTime)}</cwmp:${msg.method}>`;
    case 'GetQueuedTransfersResponse':
      return `<cwmp:GetQueuedTransfersResponse>${queuedTransferList(msg.transferList, q)}</cwmp:GetQueuedTransfersResponse>`;
    case 'GetAllQueuedTransfersResponse': {
      let s = arrayOpen('TransferList', 'cwmp:AllQueuedTransferStruct', msg.transferList.length, q);
      for (const t of msg.transferList) {
        s +=
          `<AllQueuedTransferStruct>${el('CommandKey', t.commandKey)}${num('State', t.state)}` +
          `<IsDownload>${bool(t.isDownload)}</IsDownload>${el('FileType', t.fileType)}${num('FileSize', t.fileSize)}` +
          `${el('TargetFileName', t.targetFileName)}</AllQueuedTransferStruct>`;
      }
      return `<cwmp:GetAllQueuedTransfersResponse>${s}</TransferList></cwmp:GetAllQueuedTransfersResponse>`;
    }
    case 'SetParameterAttributesResponse':
    case 'RebootResponse':
    case 'FactoryResetResponse':
    case 'ScheduleInformResponse':
    case 'CancelTransferResponse':
    case 'ScheduleDownloadResponse':
    case 'ChangeDUStateResponse':
    // ---- ACS responses without arguments
    case 'TransferCompleteResponse':
    case 'AutonomousTransferCompleteResponse':
    case 'RequestDownloadResponse':
    case 'DUStateChangeCompleteResponse':
    case 'AutonomousDUStateChangeCompleteResponse':
    // ---- ACS requests without arguments
    case 'FactoryReset':
    case 'GetQueuedTransfers':
    case 'GetAllQueuedTransfers':
      return `<cwmp:${msg.method}/>`;
    case 'Fault':
      return soapFault(msg.fault, q);
    // ---- ACS responses with arguments
    case 'InformResponse':
      return `<cwmp:InformResponse>${num('MaxEnvelopes', msg.maxEnvelopes)}</cwmp:InformResponse>`;
    case 'KickedResponse':
      return `<cwmp:KickedResponse>${el('NextURL', msg.nextUrl)}</cwmp:KickedResponse>`;
    // ---- ACS requests
    case 'GetParameterNames':
      return `<cwmp:GetParameterNames>${el('ParameterPath', msg.parameterPath)}<NextLevel>${bool(msg.nextLevel)}</NextLevel></cwmp:GetParameterNames>`;
    case 'GetParameterValues':
    case 'GetParameterAttributes':
      return `<cwmp:${msg.method}>${stringArray('ParameterNames', msg.parameterNames, q)}</cwmp:${msg.method}>`;
    case 'SetParameterValues':
      return `<cwmp:SetParameterValues>${parameterValueList(msg.parameterList, q)}${el('ParameterKey', msg.parameterKey)}</cwmp:SetParameterValues>`;
    case 'SetParameterAttributes':
      return `<cwmp:SetParameterAttributes>${setParameterAttributesList(msg.parameterList, q)}</cwmp:SetParameterAttributes>`;
    case 'AddObject':
    case 'DeleteObject':
      return `<cwmp:${msg.method}>${el('ObjectName', msg.objectName)}${el('ParameterKey', msg.parameterKey)}</cwmp:${msg.method}>`;
    case 'Reboot':
    case 'CancelTransfer':
      return `<cwmp:${msg.method}>${el('CommandKey', msg.commandKey)}</cwmp:${msg.method}>`;
    case 'ScheduleInform':
      return `<cwmp:ScheduleInform>${num('DelaySeconds', msg.delaySeconds)}${el('CommandKey', msg.commandKey)}</cwmp:ScheduleInform>`;
    case 'Download':
      return (
        `<cwmp:Download>${el('CommandKey', msg.commandKey)}${el('FileType', msg.fileType)}${el('URL', msg.url)}` +
        `${el('Username', msg.username)}${el('Password', msg.password)}${num('FileSize', msg.fileSize)}` +
        `${el('TargetFileName', msg.targetFileName)}${num('DelaySeconds', msg.delaySeconds)}` +
        `${el('SuccessURL', msg.successUrl)}${el('FailureURL', msg.failureUrl)}</cwmp:Download>`
      );
    case 'Upload':
      return (
        `<cwmp:Upload>${el('CommandKey', msg.commandKey)}${el('FileType', msg.fileType)}${el('URL', msg.url)}` +
        `${el('Username', msg.username)}${el('Password', msg.password)}${num('DelaySeconds', msg.delaySeconds)}</cwmp:Upload>`
      );
    case 'ScheduleDownload':
      return (
        `<cwmp:ScheduleDownload>${el('CommandKey', msg.commandKey)}${el('FileType', msg.fileType)}${el('URL', msg.url)}` +
        `${el('Username', msg.username)}${el('Password', msg.password)}${num('FileSize', msg.fileSize)}` +
        `${el('TargetFileName', msg.targetFileName)}${timeWindowList(msg.timeWindowList, q)}</cwmp:ScheduleDownload>`
      );
    case 'ChangeDUState':
      return `<cwmp:ChangeDUState>${msg.operations.map(duOperation).join('')}${opt('CommandKey', msg.commandKey)}</cwmp:ChangeDUState>`;
    case 'Unknown':
      if (!XML_NAME.test(msg.name)) throw new RangeError(`not an XML element name: '${msg.name}'`);
      return `<cwmp:${msg.name}/>`;
  }
}
