/**
 * CWMP message parsers. fast-xml-parser turns the text into a plain tree once (namespace prefixes
 * removed, so `soap:`, `SOAP-ENV:`, `soapenv:` and default-namespace envelopes look the same);
 * the decoders below map that tree onto the typed messages of messages.ts.
 */
import { XMLParser } from 'fast-xml-parser';
import { ProtocolError, UnsupportedMethodError } from '../errors.js';
import type {
  AcsBody,
  AcsEnvelope,
  CpeMessage,
  CwmpVersion,
  DeploymentUnitState,
  DuOperation,
  DuOpResult,
  DownloadTarget,
  EventStruct,
  FaultStruct,
  ParamType,
  ParameterAttribute,
  ParameterInfo,
  ParameterValue,
  QueuedTransfer,
  SetParameterAttributesStruct,
  SoapHeader,
  TimeWindow,
} from './messages.js';
import { CWMP_NS_PREFIX } from './namespaces.js';
import { xmlEntityDecoder } from './xml-entities.js';

/** One parsed CPE message (AcsEnvelope, its mirror image, lives in messages.ts). */
export interface CpeEnvelope {
  header: SoapHeader;
  cwmpVersion: CwmpVersion;
  body: CpeMessage;
}

/** Element names that are SOAP array items: always arrays in the tree, even with one item. */
const ARRAY_ITEMS = new Set([
  'string',
  'EventStruct',
  'ParameterValueStruct',
  'ParameterInfoStruct',
  'ParameterAttributeStruct',
  'SetParameterAttributesStruct',
  'QueuedTransferStruct',
  'AllQueuedTransferStruct',
  'SetParameterValuesFault',
  'TimeWindowStruct',
  'ArgStruct',
  // Repeated elements (not SOAP arrays) of ChangeDUState / DUStateChangeComplete.
  'Operations',
  'Results',
]);

const ATTR = '@';
const TEXT = '#text';

/**
 * The decoders read one attribute: xsi:type, of a ParameterValueStruct's Value and of a ChangeDUState operation
 * (its *OpStruct). Attributes are a large share of a parse (each of the Envelope's xmlns declarations is matched,
 * split and mapped), so a message without either goes to `untyped`, which skips them (validation still checks them).
 */
const TYPED_ELEMENT = 'ParameterValueStruct';
const TYPED_OPERATION = 'OpStruct';

/** Parsers for the process: option objects are not rebuilt per message. */
const PARSER_OPTIONS = {
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Values are significant to the last space; whitespace between elements lands in '#text' and is ignored.
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  entityDecoder: xmlEntityDecoder,
  jPath: false, // callbacks get the live matcher instead of a path string built for every tag
  isArray: (name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute && ARRAY_ITEMS.has(name),
};
const typed = new XMLParser({ ...PARSER_OPTIONS, ignoreAttributes: false, attributeNamePrefix: ATTR });
const untyped = new XMLParser({ ...PARSER_OPTIONS, ignoreAttributes: true });

/** A parsed element: text, or an object of children/attributes. Absent elements are undefined. */
type XmlNode = string | XmlObject | XmlNode[] | undefined;
interface XmlObject {
  [key: string]: XmlNode;
}

// ---------------------------------------------------------------- entry points

/**
 * Whether the Envelope start tag itself declares a cwmp namespace. For the namespacesOnEnvelopeOnly quirk: the
 * parser above resolves declarations anywhere, a device with a string-matching reader does not.
 */
export function envelopeDeclaresCwmp(xml: string): boolean {
  const start = xml.search(/<([A-Za-z_][\w.-]*:)?Envelope[\s>]/);
  if (start < 0) return false;
  const end = xml.indexOf('>', start);
  return xml.slice(start, end < 0 ? xml.length : end).includes(CWMP_NS_PREFIX);
}

/** Parses the body of an ACS HTTP response (what a CPE receives). Throws ProtocolError. */
export function parseAcsMessage(xml: string): AcsEnvelope {
  const { header, cwmpVersion, method, node } = parseEnvelope(xml);
  const decode = ACS_DECODERS[method];
  const body: AcsBody = decode ? decode(node, method) : { method: 'Unknown', name: method };
  return { header, cwmpVersion, body };
}

/**
 * Parses the body of a CPE HTTP POST (what an ACS receives). Throws ProtocolError; a well-formed message with a
 * method the codec does not decode throws UnsupportedMethodError (carrying its cwmp:ID) so an ACS can answer 8000.
 */
export function parseCpeMessage(xml: string): CpeEnvelope {
  const { header, cwmpVersion, method, node } = parseEnvelope(xml);
  const decode = CPE_DECODERS[method];
  if (!decode) throw new UnsupportedMethodError(method, header.id);
  return { header, cwmpVersion, body: decode(node, method) };
}

// ---------------------------------------------------------------- envelope

const CWMP_NS_RE = /urn:dslforum-org:cwmp-1-(\d+)/;

function detectVersion(xml: string): CwmpVersion {
  const m = CWMP_NS_RE.exec(xml);
  if (!m) throw new ProtocolError(`not a CWMP message: no ${CWMP_NS_PREFIX}N namespace declared`);
  const n = Number(m[1]);
  if (n > 4) throw new ProtocolError(`unsupported CWMP namespace ${CWMP_NS_PREFIX}${m[1]} (cpesim knows 1-0 … 1-4)`);
  return n as CwmpVersion;
}

function parseEnvelope(xml: string): { header: SoapHeader; cwmpVersion: CwmpVersion; method: string; node: XmlNode } {
  if (xml.trim() === '') throw new ProtocolError('empty message: expected a SOAP Envelope');
  let tree: XmlObject;
  try {
    tree = (xml.includes(TYPED_ELEMENT) || xml.includes(TYPED_OPERATION) ? typed : untyped).parse(xml, true) as XmlObject;
  } catch (err) {
    throw new ProtocolError(`malformed XML: ${(err as Error).message}`, { cause: err });
  }
  const envelope = tree['Envelope'];
  if (!isObject(envelope)) {
    const root = Object.keys(tree).find((k) => !k.startsWith('?')) ?? 'nothing';
    throw new ProtocolError(`expected a SOAP Envelope as the root element, found <${root}>`);
  }
  const body = envelope['Body'];
  if (body === undefined) throw new ProtocolError('SOAP Envelope without Body');
  const method = isObject(body) ? Object.keys(body).find((k) => k !== TEXT && !k.startsWith(ATTR)) : undefined;
  if (method === undefined || !isObject(body)) throw new ProtocolError('empty SOAP Body: expected a CWMP method element');
  return {
    header: decodeHeader(envelope['Header']),
    cwmpVersion: detectVersion(xml),
    method,
    node: body[method],
  };
}

function decodeHeader(node: XmlNode): SoapHeader {
  const header: SoapHeader = {};
  if (!isObject(node)) return header;
  if (node['ID'] !== undefined) header.id = text(node['ID']);
  if (node['HoldRequests'] !== undefined) header.holdRequests = bool(node, 'HoldRequests');
  if (node['NoMoreRequests'] !== undefined) header.noMoreRequests = bool(node, 'NoMoreRequests');
  if (node['SessionTimeout'] !== undefined) header.sessionTimeout = uint(node, 'SessionTimeout');
  return header;
}

// ---------------------------------------------------------------- field readers

function isObject(node: XmlNode): node is XmlObject {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** Text content of an element ('' when absent or empty). */
function text(node: XmlNode): string {
  if (typeof node === 'string') return node;
  if (isObject(node)) {
    const t = node[TEXT];
    return typeof t === 'string' ? t : '';
  }
  return '';
}

const str = (parent: XmlNode, name: string): string => (isObject(parent) ? text(parent[name]) : '');

function bool(parent: XmlNode, name: string): boolean {
  const t = str(parent, name).trim();
  if (t === '1' || t === 'true') return true;
  if (t === '0' || t === 'false' || t === '') return false;
  throw new ProtocolError(`${name}: expected a boolean (0, 1, false, true), got '${t}'`);
}

function int(parent: XmlNode, name: string): number {
  const t = str(parent, name).trim();
  if (t === '') return 0;
  const n = Number(t);
  if (!Number.isInteger(n)) throw new ProtocolError(`${name}: expected an integer, got '${t}'`);
  return n;
}

function uint(parent: XmlNode, name: string): number {
  const n = int(parent, name);
  if (n < 0) throw new ProtocolError(`${name}: expected an unsigned integer, got ${n}`);
  return n;
}

function oneOf<T extends number>(parent: XmlNode, name: string, allowed: readonly T[]): T {
  const n = int(parent, name);
  if (!(allowed as readonly number[]).includes(n)) throw new ProtocolError(`${name}: expected one of ${allowed.join(', ')}, got ${n}`);
  return n as T;
}

const STATUS = [0, 1] as const;
const NOTIFICATION = [0, 1, 2] as const;
const TRANSFER_STATE = [1, 2, 3] as const;

/** Items of a SOAP array element (`<ParameterList><ParameterValueStruct>…`), [] when absent. */
function items(parent: XmlNode, arrayName: string, itemName: string): XmlNode[] {
  const arr = isObject(parent) ? parent[arrayName] : undefined;
  const list = isObject(arr) ? arr[itemName] : undefined;
  return Array.isArray(list) ? list : [];
}

const strings = (parent: XmlNode, arrayName: string): string[] => items(parent, arrayName, 'string').map(text);

/** xsi:type local name → TR-106 type. base64: xsd:base64Binary, and soap-enc:base64 / xsd:base64 as sent in the field. */
const PARAM_TYPES: ReadonlyMap<string, ParamType> = new Map<string, ParamType>([
  ['string', 'string'],
  ['int', 'int'],
  ['unsignedInt', 'unsignedInt'],
  ['long', 'long'],
  ['unsignedLong', 'unsignedLong'],
  ['boolean', 'boolean'],
  ['dateTime', 'dateTime'],
  ['base64Binary', 'base64'],
  ['base64', 'base64'],
  ['hexBinary', 'hexBinary'],
  ['decimal', 'decimal'],
]);

function parameterValue(node: XmlNode): ParameterValue {
  const value = isObject(node) ? node['Value'] : undefined;
  const pv: ParameterValue = { name: str(node, 'Name'), value: text(value) };
  const xsiType = isObject(value) ? value[`${ATTR}type`] : undefined;
  if (typeof xsiType === 'string') {
    // An xsi:type outside TR-106's base types is treated as absent: the parameter's own type applies.
    const type = PARAM_TYPES.get(xsiType.slice(xsiType.indexOf(':') + 1));
    if (type !== undefined) pv.type = type;
  }
  return pv;
}

const parameterValues = (node: XmlNode): ParameterValue[] => items(node, 'ParameterList', 'ParameterValueStruct').map(parameterValue);

function parameterInfo(node: XmlNode): ParameterInfo {
  return { name: str(node, 'Name'), writable: bool(node, 'Writable') };
}

function parameterAttribute(node: XmlNode): ParameterAttribute {
  return { name: str(node, 'Name'), notification: oneOf(node, 'Notification', NOTIFICATION), accessList: strings(node, 'AccessList') };
}

function setParameterAttributes(node: XmlNode): SetParameterAttributesStruct {
  return {
    name: str(node, 'Name'),
    notificationChange: bool(node, 'NotificationChange'),
    notification: oneOf(node, 'Notification', NOTIFICATION),
    accessListChange: bool(node, 'AccessListChange'),
    accessList: strings(node, 'AccessList'),
  };
}

function eventStruct(node: XmlNode): EventStruct {
  return { code: str(node, 'EventCode'), commandKey: str(node, 'CommandKey') };
}

function queuedTransfer(node: XmlNode): QueuedTransfer {
  return { commandKey: str(node, 'CommandKey'), state: oneOf(node, 'State', TRANSFER_STATE) };
}

/** The arguments Download and ScheduleDownload share, in their schema order. */
function downloadTarget(n: XmlNode): DownloadTarget {
  return {
    commandKey: str(n, 'CommandKey'),
    fileType: str(n, 'FileType'),
    url: str(n, 'URL'),
    username: str(n, 'Username'),
    password: str(n, 'Password'),
    fileSize: uint(n, 'FileSize'),
    targetFileName: str(n, 'TargetFileName'),
  };
}

/** An optional element's text: undefined when the element is absent (minOccurs 0). */
function optional(parent: XmlNode, name: string): string | undefined {
  return isObject(parent) && parent[name] !== undefined ? text(parent[name]) : undefined;
}

function timeWindow(node: XmlNode): TimeWindow {
  return {
    windowStart: uint(node, 'WindowStart'),
    windowEnd: uint(node, 'WindowEnd'),
    windowMode: str(node, 'WindowMode'),
    userMessage: str(node, 'UserMessage'),
    maxRetries: int(node, 'MaxRetries'),
  };
}

/** A ChangeDUState `Operations` element, told apart by its xsi:type (OperationStruct is abstract). */
function duOperation(node: XmlNode): DuOperation {
  const xsiType = isObject(node) ? node[`${ATTR}type`] : undefined;
  const type = typeof xsiType === 'string' ? xsiType.slice(xsiType.indexOf(':') + 1) : '';
  const o = (name: string) => optional(node, name);
  switch (type) {
    case 'InstallOpStruct':
      return { op: 'Install', url: str(node, 'URL'), uuid: o('UUID'), username: o('Username'), password: o('Password'), executionEnvRef: o('ExecutionEnvRef') };
    case 'UpdateOpStruct':
      return { op: 'Update', uuid: o('UUID'), version: o('Version'), url: o('URL'), username: o('Username'), password: o('Password') };
    case 'UninstallOpStruct':
      return { op: 'Uninstall', uuid: str(node, 'UUID'), version: o('Version'), executionEnvRef: o('ExecutionEnvRef') };
    default:
      throw new ProtocolError(`ChangeDUState Operations: unknown xsi:type '${typeof xsiType === 'string' ? xsiType : '(none)'}'`);
  }
}

const DU_STATES: readonly DeploymentUnitState[] = ['Installed', 'Uninstalled', 'Failed'];

function duOpResult(node: XmlNode): DuOpResult {
  const state = str(node, 'CurrentState');
  if (!(DU_STATES as readonly string[]).includes(state)) throw new ProtocolError(`CurrentState: expected one of ${DU_STATES.join(', ')}, got '${state}'`);
  const f = isObject(node) ? node['Fault'] : undefined;
  return {
    uuid: str(node, 'UUID'),
    deploymentUnitRef: str(node, 'DeploymentUnitRef'),
    version: str(node, 'Version'),
    currentState: state as DeploymentUnitState,
    resolved: bool(node, 'Resolved'),
    executionUnitRefList: str(node, 'ExecutionUnitRefList'),
    startTime: str(node, 'StartTime'),
    completeTime: str(node, 'CompleteTime'),
    fault: { faultCode: uint(f, 'FaultCode'), faultString: str(f, 'FaultString') },
  };
}

/** Repeated child elements (`<Results>…</Results><Results>…`), [] when absent. */
function repeated(parent: XmlNode, name: string): XmlNode[] {
  const list = isObject(parent) ? parent[name] : undefined;
  return Array.isArray(list) ? list : [];
}

/** A SOAP Fault's cwmp:Fault detail; the SOAP faultcode/faultstring carry nothing CWMP needs. */
function fault(node: XmlNode): FaultStruct {
  const detail = isObject(node) ? node['detail'] : undefined;
  const cwmpFault = isObject(detail) ? detail['Fault'] : undefined;
  if (!isObject(cwmpFault)) {
    throw new ProtocolError(`SOAP Fault without a cwmp:Fault detail (faultstring: '${str(node, 'faultstring')}')`);
  }
  const result: FaultStruct = { faultCode: uint(cwmpFault, 'FaultCode'), faultString: str(cwmpFault, 'FaultString') };
  const list = cwmpFault['SetParameterValuesFault'];
  if (Array.isArray(list) && list.length > 0) {
    result.setParameterValuesFaults = list.map((f) => ({
      parameterName: str(f, 'ParameterName'),
      faultCode: uint(f, 'FaultCode'),
      faultString: str(f, 'FaultString'),
    }));
  }
  return result;
}

// ---------------------------------------------------------------- decoders per method

type Decoder<T> = (node: XmlNode, method: string) => T;

/** Messages both sides may send with the same shape. */
const SHARED_DECODERS = {
  GetRPCMethods: () => ({ method: 'GetRPCMethods' as const }),
  GetRPCMethodsResponse: (n: XmlNode) => ({ method: 'GetRPCMethodsResponse' as const, methodList: strings(n, 'MethodList') }),
  Fault: (n: XmlNode) => ({ method: 'Fault' as const, fault: fault(n) }),
};

/** Methods whose message has no arguments: the element name is the whole message. */
function noArgs<M extends string>(): Decoder<{ method: M }> {
  return (_node, method) => ({ method: method as M });
}

const ACS_DECODERS: Readonly<Record<string, Decoder<AcsBody>>> = {
  ...SHARED_DECODERS,
  GetParameterNames: (n) => ({ method: 'GetParameterNames', parameterPath: str(n, 'ParameterPath'), nextLevel: bool(n, 'NextLevel') }),
  GetParameterValues: (n) => ({ method: 'GetParameterValues', parameterNames: strings(n, 'ParameterNames') }),
  SetParameterValues: (n) => ({ method: 'SetParameterValues', parameterList: parameterValues(n), parameterKey: str(n, 'ParameterKey') }),
  GetParameterAttributes: (n) => ({ method: 'GetParameterAttributes', parameterNames: strings(n, 'ParameterNames') }),
  SetParameterAttributes: (n) => ({
    method: 'SetParameterAttributes',
    parameterList: items(n, 'ParameterList', 'SetParameterAttributesStruct').map(setParameterAttributes),
  }),
  AddObject: (n) => ({ method: 'AddObject', objectName: str(n, 'ObjectName'), parameterKey: str(n, 'ParameterKey') }),
  DeleteObject: (n) => ({ method: 'DeleteObject', objectName: str(n, 'ObjectName'), parameterKey: str(n, 'ParameterKey') }),
  Reboot: (n) => ({ method: 'Reboot', commandKey: str(n, 'CommandKey') }),
  FactoryReset: noArgs<'FactoryReset'>(),
  ScheduleInform: (n) => ({ method: 'ScheduleInform', delaySeconds: uint(n, 'DelaySeconds'), commandKey: str(n, 'CommandKey') }),
  Download: (n) => ({
    method: 'Download',
    ...downloadTarget(n),
    delaySeconds: uint(n, 'DelaySeconds'),
    successUrl: str(n, 'SuccessURL'),
    failureUrl: str(n, 'FailureURL'),
  }),
  Upload: (n) => ({
    method: 'Upload',
    commandKey: str(n, 'CommandKey'),
    fileType: str(n, 'FileType'),
    url: str(n, 'URL'),
    username: str(n, 'Username'),
    password: str(n, 'Password'),
    delaySeconds: uint(n, 'DelaySeconds'),
  }),
  GetQueuedTransfers: noArgs<'GetQueuedTransfers'>(),
  GetAllQueuedTransfers: noArgs<'GetAllQueuedTransfers'>(),
  CancelTransfer: (n) => ({ method: 'CancelTransfer', commandKey: str(n, 'CommandKey') }),
  ScheduleDownload: (n) => ({
    method: 'ScheduleDownload',
    ...downloadTarget(n),
    timeWindowList: items(n, 'TimeWindowList', 'TimeWindowStruct').map(timeWindow),
  }),
  ChangeDUState: (n) => ({ method: 'ChangeDUState', operations: repeated(n, 'Operations').map(duOperation), commandKey: optional(n, 'CommandKey') }),
  InformResponse: (n) => ({ method: 'InformResponse', maxEnvelopes: uint(n, 'MaxEnvelopes') }),
  TransferCompleteResponse: noArgs<'TransferCompleteResponse'>(),
  AutonomousTransferCompleteResponse: noArgs<'AutonomousTransferCompleteResponse'>(),
  RequestDownloadResponse: noArgs<'RequestDownloadResponse'>(),
  DUStateChangeCompleteResponse: noArgs<'DUStateChangeCompleteResponse'>(),
  AutonomousDUStateChangeCompleteResponse: noArgs<'AutonomousDUStateChangeCompleteResponse'>(),
  KickedResponse: (n) => ({ method: 'KickedResponse', nextUrl: str(n, 'NextURL') }),
};

const CPE_DECODERS: Readonly<Record<string, Decoder<CpeMessage>>> = {
  ...SHARED_DECODERS,
  Inform: (n) => {
    const d = isObject(n) ? n['DeviceId'] : undefined;
    return {
      method: 'Inform',
      deviceId: {
        manufacturer: str(d, 'Manufacturer'),
        oui: str(d, 'OUI'),
        productClass: str(d, 'ProductClass'),
        serialNumber: str(d, 'SerialNumber'),
      },
      events: items(n, 'Event', 'EventStruct').map(eventStruct),
      maxEnvelopes: uint(n, 'MaxEnvelopes'),
      currentTime: str(n, 'CurrentTime'),
      retryCount: uint(n, 'RetryCount'),
      parameterList: parameterValues(n),
    };
  },
  TransferComplete: (n) => {
    const f = isObject(n) ? n['FaultStruct'] : undefined;
    return {
      method: 'TransferComplete',
      commandKey: str(n, 'CommandKey'),
      fault: { faultCode: uint(f, 'FaultCode'), faultString: str(f, 'FaultString') },
      startTime: str(n, 'StartTime'),
      completeTime: str(n, 'CompleteTime'),
    };
  },
  GetParameterNamesResponse: (n) => ({
    method: 'GetParameterNamesResponse',
    parameterList: items(n, 'ParameterList', 'ParameterInfoStruct').map(parameterInfo),
  }),
  GetParameterValuesResponse: (n) => ({ method: 'GetParameterValuesResponse', parameterList: parameterValues(n) }),
  SetParameterValuesResponse: (n) => ({ method: 'SetParameterValuesResponse', status: oneOf(n, 'Status', STATUS) }),
  GetParameterAttributesResponse: (n) => ({
    method: 'GetParameterAttributesResponse',
    parameterList: items(n, 'ParameterList', 'ParameterAttributeStruct').map(parameterAttribute),
  }),
  SetParameterAttributesResponse: noArgs<'SetParameterAttributesResponse'>(),
  AddObjectResponse: (n) => ({ method: 'AddObjectResponse', instanceNumber: uint(n, 'InstanceNumber'), status: oneOf(n, 'Status', STATUS) }),
  DeleteObjectResponse: (n) => ({ method: 'DeleteObjectResponse', status: oneOf(n, 'Status', STATUS) }),
  RebootResponse: noArgs<'RebootResponse'>(),
  FactoryResetResponse: noArgs<'FactoryResetResponse'>(),
  ScheduleInformResponse: noArgs<'ScheduleInformResponse'>(),
  DownloadResponse: (n) => ({
    method: 'DownloadResponse',
    status: oneOf(n, 'Status', STATUS),
    startTime: str(n, 'StartTime'),
    completeTime: str(n, 'CompleteTime'),
  }),
  UploadResponse: (n) => ({
    method: 'UploadResponse',
    status: oneOf(n, 'Status', STATUS),
    startTime: str(n, 'StartTime'),
    completeTime: str(n, 'CompleteTime'),
  }),
  GetQueuedTransfersResponse: (n) => ({
    method: 'GetQueuedTransfersResponse',
    transferList: items(n, 'TransferList', 'QueuedTransferStruct').map(queuedTransfer),
  }),
  GetAllQueuedTransfersResponse: (n) => ({
    method: 'GetAllQueuedTransfersResponse',
    transferList: items(n, 'TransferList', 'AllQueuedTransferStruct').map((t) => ({
      ...queuedTransfer(t),
      isDownload: bool(t, 'IsDownload'),
      fileType: str(t, 'FileType'),
      fileSize: uint(t, 'FileSize'),
      targetFileName: str(t, 'TargetFileName'),
    })),
  }),
  CancelTransferResponse: noArgs<'CancelTransferResponse'>(),
  ScheduleDownloadResponse: noArgs<'ScheduleDownloadResponse'>(),
  ChangeDUStateResponse: noArgs<'ChangeDUStateResponse'>(),
  AutonomousTransferComplete: (n) => {
    const f = isObject(n) ? n['FaultStruct'] : undefined;
    return {
      method: 'AutonomousTransferComplete',
      announceUrl: str(n, 'AnnounceURL'),
      transferUrl: str(n, 'TransferURL'),
      isDownload: bool(n, 'IsDownload'),
      fileType: str(n, 'FileType'),
      fileSize: uint(n, 'FileSize'),
      targetFileName: str(n, 'TargetFileName'),
      fault: { faultCode: uint(f, 'FaultCode'), faultString: str(f, 'FaultString') },
      startTime: str(n, 'StartTime'),
      completeTime: str(n, 'CompleteTime'),
    };
  },
  DUStateChangeComplete: (n) => ({ method: 'DUStateChangeComplete', results: repeated(n, 'Results').map(duOpResult), commandKey: optional(n, 'CommandKey') }),
  AutonomousDUStateChangeComplete: (n) => ({
    method: 'AutonomousDUStateChangeComplete',
    results: repeated(n, 'Results').map((r) => ({ ...duOpResult(r), operationPerformed: str(r, 'OperationPerformed') })),
  }),
  RequestDownload: (n) => ({
    method: 'RequestDownload',
    fileType: str(n, 'FileType'),
    fileTypeArg: items(n, 'FileTypeArg', 'ArgStruct').map((a) => ({ name: str(a, 'Name'), value: str(a, 'Value') })),
  }),
};
