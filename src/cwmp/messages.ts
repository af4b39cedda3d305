/**
 * Typed CWMP messages, the contract between the codec (parse/build), the data model, the CPE
 * session engine and the reference ACS. Field names follow the TR-069 schema element names.
 */

/** CWMP namespace minor versions cpesim understands: urn:dslforum-org:cwmp-1-<n>. */
export type CwmpVersion = 0 | 1 | 2 | 3 | 4;

/** xsd types a parameter value can carry (TR-106 base types). */
export type ParamType =
  | 'string'
  | 'int'
  | 'unsignedInt'
  | 'long'
  | 'unsignedLong'
  | 'boolean'
  | 'dateTime'
  | 'base64'
  | 'hexBinary'
  | 'decimal';

export interface ParameterValue {
  name: string;
  value: string;
  /** xsi:type without prefix; undefined when the sender gave none (SetParameterValues may omit it). */
  type?: ParamType | undefined;
}

export interface ParameterInfo {
  name: string;
  writable: boolean;
}

export interface ParameterAttribute {
  name: string;
  notification: 0 | 1 | 2;
  accessList: string[];
}

export interface SetParameterAttributesStruct {
  name: string;
  notificationChange: boolean;
  notification: 0 | 1 | 2;
  accessListChange: boolean;
  accessList: string[];
}

export interface EventStruct {
  code: string; // e.g. "0 BOOTSTRAP", "M Reboot"
  commandKey: string;
}

export interface DeviceIdStruct {
  manufacturer: string;
  oui: string;
  productClass: string;
  serialNumber: string;
}

/** SOAP header fields the ACS or CPE may send. */
export interface SoapHeader {
  /** cwmp:ID; undefined when the message carried none. */
  id?: string | undefined;
  holdRequests?: boolean | undefined;
  noMoreRequests?: boolean | undefined;
  sessionTimeout?: number | undefined;
}

// ---------------------------------------------------------------- ACS -> CPE requests

export type AcsRequest =
  | { method: 'GetRPCMethods' }
  | { method: 'GetParameterNames'; parameterPath: string; nextLevel: boolean }
  | { method: 'GetParameterValues'; parameterNames: string[] }
  | { method: 'SetParameterValues'; parameterList: ParameterValue[]; parameterKey: string }
  | { method: 'GetParameterAttributes'; parameterNames: string[] }
  | { method: 'SetParameterAttributes'; parameterList: SetParameterAttributesStruct[] }
  | { method: 'AddObject'; objectName: string; parameterKey: string }
  | { method: 'DeleteObject'; objectName: string; parameterKey: string }
  | { method: 'Reboot'; commandKey: string }
  | { method: 'FactoryReset' }
  | { method: 'ScheduleInform'; delaySeconds: number; commandKey: string }
  | ({ method: 'Download' } & DownloadTarget & { delaySeconds: number; successUrl: string; failureUrl: string })
  | {
      method: 'Upload';
      commandKey: string;
      fileType: string;
      url: string;
      username: string;
      password: string;
      delaySeconds: number;
    }
  | { method: 'GetQueuedTransfers' }
  | { method: 'GetAllQueuedTransfers' }
  | { method: 'CancelTransfer'; commandKey: string }
  | ScheduleDownloadRequest
  | ChangeDuStateRequest
  /** Any method the codec does not decode: the CPE answers 9000. */
  | { method: 'Unknown'; name: string };

// ---------------------------------------------------------------- ACS -> CPE responses

export type AcsResponse =
  | { method: 'InformResponse'; maxEnvelopes: number }
  | { method: 'TransferCompleteResponse' }
  | { method: 'AutonomousTransferCompleteResponse' }
  | { method: 'GetRPCMethodsResponse'; methodList: string[] }
  | { method: 'RequestDownloadResponse' }
  | { method: 'DUStateChangeCompleteResponse' }
  | { method: 'AutonomousDUStateChangeCompleteResponse' }
  | { method: 'KickedResponse'; nextUrl: string };

/** A SOAP Fault (either direction). setParameterValuesFaults only for SetParameterValues 9003. */
export interface FaultStruct {
  faultCode: number;
  faultString: string;
  setParameterValuesFaults?: { parameterName: string; faultCode: number; faultString: string }[] | undefined;
}

export type AcsBody = AcsRequest | AcsResponse | { method: 'Fault'; fault: FaultStruct };

/** One parsed ACS message. */
export interface AcsEnvelope {
  header: SoapHeader;
  /** The cwmp namespace version the ACS used; the CPE answers in the same one. */
  cwmpVersion: CwmpVersion;
  body: AcsBody;
}

// ---------------------------------------------------------------- CPE -> ACS

export interface InformRequest {
  method: 'Inform';
  deviceId: DeviceIdStruct;
  events: EventStruct[];
  maxEnvelopes: number;
  currentTime: string;
  retryCount: number;
  parameterList: ParameterValue[];
}

export interface TransferCompleteRequest {
  method: 'TransferComplete';
  commandKey: string;
  fault: { faultCode: number; faultString: string };
  startTime: string;
  completeTime: string;
}

export type CpeRequest =
  | InformRequest
  | TransferCompleteRequest
  | { method: 'GetRPCMethods' }
  | AutonomousTransferCompleteRequest
  | DuStateChangeCompleteRequest
  | AutonomousDuStateChangeCompleteRequest
  | RequestDownloadRequest;

export interface QueuedTransfer {
  commandKey: string;
  state: 1 | 2 | 3; // 1 not yet started, 2 in progress, 3 completed
}

export type CpeResponse =
  | { method: 'GetRPCMethodsResponse'; methodList: string[] }
  | { method: 'GetParameterNamesResponse'; parameterList: ParameterInfo[] }
  | { method: 'GetParameterValuesResponse'; parameterList: ParameterValue[] }
  | { method: 'SetParameterValuesResponse'; status: 0 | 1 }
  | { method: 'GetParameterAttributesResponse'; parameterList: ParameterAttribute[] }
  | { method: 'SetParameterAttributesResponse' }
  | { method: 'AddObjectResponse'; instanceNumber: number; status: 0 | 1 }
  | { method: 'DeleteObjectResponse'; status: 0 | 1 }
  | { method: 'RebootResponse' }
  | { method: 'FactoryResetResponse' }
  | { method: 'ScheduleInformResponse' }
  | { method: 'DownloadResponse'; status: 0 | 1; startTime: string; completeTime: string }
  | { method: 'UploadResponse'; status: 0 | 1; startTime: string; completeTime: string }
  | { method: 'GetQueuedTransfersResponse'; transferList: QueuedTransfer[] }
  | {
      method: 'GetAllQueuedTransfersResponse';
      transferList: (QueuedTransfer & { isDownload: boolean; fileType: string; fileSize: number; targetFileName: string })[];
    }
  | { method: 'CancelTransferResponse' }
  | { method: 'ScheduleDownloadResponse' }
  | { method: 'ChangeDUStateResponse' };

/** Everything the CPE can put in an HTTP POST body, besides the empty POST. */
export type CpeMessage = CpeRequest | CpeResponse | { method: 'Fault'; fault: FaultStruct };

/** What a CPE message is built against: the version to speak and the cwmp:ID to echo. */
export interface EnvelopeContext {
  cwmpVersion: CwmpVersion;
  /** cwmp:ID; undefined omits the header element. */
  id?: string | undefined;
}

// ---------------------------------------------------------------- cwmp-1-1+ / 1-2+ transfer and software-module messages

/** TimeWindowStruct (A.4.1.8): seconds after the ScheduleDownload was received. */
export interface TimeWindow {
  windowStart: number;
  windowEnd: number;
  /** "1 At Any Time", "2 Immediately", "3 When Idle", "4 Confirmation Needed" or a vendor "X <OUI> ...". */
  windowMode: string;
  userMessage: string;
  /** -1: the CPE decides; 0: no retry. */
  maxRetries: number;
}

/** The arguments Download (A.3.2.8) and ScheduleDownload (A.4.1.8) share: what to fetch, from where, as what. */
export interface DownloadTarget {
  commandKey: string;
  fileType: string;
  url: string;
  username: string;
  password: string;
  fileSize: number;
  targetFileName: string;
}

/** ScheduleDownload (A.4.1.8, cwmp-1-2+). */
export interface ScheduleDownloadRequest extends DownloadTarget {
  method: 'ScheduleDownload';
  timeWindowList: TimeWindow[];
}

/** One ChangeDUState operation (InstallOpStruct / UpdateOpStruct / UninstallOpStruct); absent optional elements are undefined. */
export type DuOperation =
  | { op: 'Install'; url: string; uuid?: string | undefined; username?: string | undefined; password?: string | undefined; executionEnvRef?: string | undefined }
  | { op: 'Update'; uuid?: string | undefined; version?: string | undefined; url?: string | undefined; username?: string | undefined; password?: string | undefined }
  | { op: 'Uninstall'; uuid: string; version?: string | undefined; executionEnvRef?: string | undefined };

/** ChangeDUState (A.4.1.10, cwmp-1-2+). */
export interface ChangeDuStateRequest {
  method: 'ChangeDUState';
  operations: DuOperation[];
  /** Optional in the schema; undefined when absent. */
  commandKey?: string | undefined;
}

export type DeploymentUnitState = 'Installed' | 'Uninstalled' | 'Failed';

/** OpResultStruct (A.3.3.2). */
export interface DuOpResult {
  uuid: string;
  deploymentUnitRef: string;
  version: string;
  currentState: DeploymentUnitState;
  resolved: boolean;
  executionUnitRefList: string;
  startTime: string;
  completeTime: string;
  fault: { faultCode: number; faultString: string };
}

/** DUStateChangeComplete (A.3.3.2). */
export interface DuStateChangeCompleteRequest {
  method: 'DUStateChangeComplete';
  results: DuOpResult[];
  commandKey?: string | undefined;
}

/** AutonomousDUStateChangeComplete (A.3.3.3 of Amendment 3): each result names the operation performed. */
export interface AutonomousDuStateChangeCompleteRequest {
  method: 'AutonomousDUStateChangeComplete';
  results: (DuOpResult & { operationPerformed: string })[];
}

/** AutonomousTransferComplete (A.3.3.3, cwmp-1-1+). */
export interface AutonomousTransferCompleteRequest {
  method: 'AutonomousTransferComplete';
  announceUrl: string;
  transferUrl: string;
  isDownload: boolean;
  fileType: string;
  fileSize: number;
  targetFileName: string;
  fault: { faultCode: number; faultString: string };
  startTime: string;
  completeTime: string;
}

/** RequestDownload (A.4.2.2): the CPE asks the ACS for a file. */
export interface RequestDownloadRequest {
  method: 'RequestDownload';
  fileType: string;
  fileTypeArg: { name: string; value: string }[];
}
