import { CwmpFault } from '../cwmp/faults.js';
import type { AcsRequest, ChangeDuStateRequest, CpeMessage, CpeResponse, CwmpVersion, ParameterValue, ScheduleDownloadRequest } from '../cwmp/messages.js';
import type { DeviceModel } from '../datamodel/device-model.js';
import { NO_QUIRKS, QUIRK, RPC_QUIRKS, type QuirkSet } from '../quirks/quirk-set.js';
import { missingQuirkRandom } from '../quirks/quirk-random.js';
import { UNKNOWN_TIME, type DownloadRequest, type QueuedTransferInfo, type UploadRequest } from './transfers.js';

/**
 * The ACS methods this CPE answers under the newest cwmp version (GetRPCMethodsResponse lists these): every
 * method TR-069 requires of a CPE, ScheduleInform, FactoryReset, Upload and the transfer queue methods.
 */
export const IMPLEMENTED_METHODS: readonly string[] = [
  'GetRPCMethods',
  'GetParameterNames',
  'GetParameterValues',
  'SetParameterValues',
  'GetParameterAttributes',
  'SetParameterAttributes',
  'AddObject',
  'DeleteObject',
  'Reboot',
  'Download',
  'ScheduleInform',
  'FactoryReset',
  'Upload',
  'GetQueuedTransfers',
  'GetAllQueuedTransfers',
  'CancelTransfer',
  'ScheduleDownload',
  'ChangeDUState',
];

/** The cwmp version whose schema first has each method that older ones lack (A.3.1 / cwmp-1-n.xsd). */
const INTRODUCED_IN: Readonly<Record<string, CwmpVersion>> = { GetAllQueuedTransfers: 1, CancelTransfer: 2, ScheduleDownload: 2, ChangeDUState: 2 };

function existsIn(method: string, version: CwmpVersion): boolean {
  return (INTRODUCED_IN[method] ?? 0) <= version;
}

const METHODS_BY_VERSION = new Map<CwmpVersion, readonly string[]>();

/** The methods the CPE offers to an ACS speaking `version`: a method its schema lacks is neither listed nor answered. */
export function rpcMethodsFor(version: CwmpVersion): readonly string[] {
  let list = METHODS_BY_VERSION.get(version);
  if (list === undefined) {
    list = Object.freeze(IMPLEMENTED_METHODS.filter((m) => existsIn(m, version)));
    METHODS_BY_VERSION.set(version, list);
  }
  return list;
}

/**
 * What the device does beyond its data model, on the ACS's request. Reboot, FactoryReset and transfers only
 * take note during the session: TR-069 has the CPE carry them out after the session ends.
 */
export interface DeviceActions {
  /** A Reboot (A.3.2.9) to perform once the session ends. */
  reboot(commandKey: string): void;
  /** Validates and accepts a Download (A.3.2.8); throws CwmpFault (9003, 9004, 9013) to refuse it. */
  download(req: DownloadRequest): void;
  /** A ScheduleInform (DelaySeconds >= 1): a session with "3 SCHEDULED" + "M ScheduleInform" that much later. */
  scheduleInform(delaySeconds: number, commandKey: string): void;
  /** A FactoryReset (A.4.1.6) to perform once the session ends. */
  factoryReset(): void;
  /** Validates and accepts an Upload (A.4.1.5) under the session's version; throws CwmpFault (9003, 9004, 9013). */
  upload(req: UploadRequest, version: CwmpVersion): void;
  /** The CPE's transfers for Get(All)QueuedTransfers: waiting, running, and completed but not yet reported. */
  listTransfers(): QueuedTransferInfo[];
  /** CancelTransfer (A.4.1.10); throws CwmpFault 9003 (no such CommandKey) or 9021 (not cancelable now). */
  cancelTransfer(commandKey: string): void;
  /** Validates and accepts a ScheduleDownload (A.4.1.8); throws CwmpFault (9003 bad time windows, 9004, 9013). */
  scheduleDownload(req: ScheduleDownloadRequest): void;
  /** Validates and accepts a ChangeDUState (A.4.1.10), carried out after the session; throws CwmpFault. */
  changeDuState(req: ChangeDuStateRequest): void;
  /** Device checks of a SetParameterValues beyond the model's (diagnostics requests); throws CwmpFault 9003. */
  checkParameterValues?(list: readonly ParameterValue[]): void;
  /** A SetParameterValues was applied: the device reacts (a diagnostic requested or canceled). */
  parameterValuesSet?(list: readonly ParameterValue[]): void;
}

/** cwmp-1-x.xsd TransferList / AllTransferList: at most 16 entries. */
const MAX_TRANSFER_LIST = 16;

/**
 * Answers one ACS request through the device model (TR-069 A.3.2). A CwmpFault from the model
 * becomes the SOAP Fault message; any other error is a simulator bug and propagates. `random` is the
 * session's seeded source for randomFaults (quirks/quirk-random.ts).
 */
export function dispatchAcsRequest(
  model: DeviceModel,
  actions: DeviceActions,
  req: AcsRequest,
  version: CwmpVersion,
  quirks: QuirkSet = NO_QUIRKS,
  random: () => number = missingQuirkRandom,
): CpeMessage {
  try {
    if (quirks.flags & RPC_QUIRKS) checkRpcQuirks(req, quirks, random);
    return answer(model, actions, req, version);
  } catch (err) {
    if (err instanceof CwmpFault) return { method: 'Fault', fault: err.toStruct() };
    throw err;
  }
}

/** The RPC quirks (src/quirks/catalogue.ts): throws the CwmpFault the quirky device answers with. */
function checkRpcQuirks(req: AcsRequest, q: QuirkSet, random: () => number): void {
  if (q.flags & QUIRK.randomFaults && random() < q.randomFaultRate) throw new CwmpFault(q.randomFaultCode, `${req.method} (quirk randomFaults)`);
  if (q.flags & QUIRK.gpnEmptyPathUnsupported && req.method === 'GetParameterNames' && req.parameterPath === '') {
    throw new CwmpFault(9005, 'empty ParameterPath not supported (quirk gpnEmptyPathUnsupported)');
  }
  if (q.flags & QUIRK.batchedGpvFault && req.method === 'GetParameterValues' && req.parameterNames.length > q.batchedGpvMaxNames) {
    throw new CwmpFault(q.batchedGpvCode, `${req.parameterNames.length} names in one request (quirk batchedGpvFault)`);
  }
}

function answer(model: DeviceModel, actions: DeviceActions, req: AcsRequest, version: CwmpVersion): CpeResponse {
  if (!existsIn(req.method, version)) throw new CwmpFault(9000, `${req.method} does not exist in cwmp-1-${version}`);
  switch (req.method) {
    case 'GetRPCMethods':
      return { method: 'GetRPCMethodsResponse', methodList: rpcMethodsFor(version) as string[] };
    case 'GetParameterNames':
      return { method: 'GetParameterNamesResponse', parameterList: model.getParameterNames(req.parameterPath, req.nextLevel) };
    case 'GetParameterValues':
      return { method: 'GetParameterValuesResponse', parameterList: model.getParameterValues(req.parameterNames) };
    case 'SetParameterValues': {
      actions.checkParameterValues?.(req.parameterList);
      const status = model.setParameterValues(req.parameterList, req.parameterKey);
      actions.parameterValuesSet?.(req.parameterList);
      return { method: 'SetParameterValuesResponse', status };
    }
    case 'GetParameterAttributes':
      return { method: 'GetParameterAttributesResponse', parameterList: model.getParameterAttributes(req.parameterNames) };
    case 'SetParameterAttributes':
      model.setParameterAttributes(req.parameterList);
      return { method: 'SetParameterAttributesResponse' };
    case 'AddObject': {
      const { instanceNumber, status } = model.addObject(req.objectName, req.parameterKey);
      return { method: 'AddObjectResponse', instanceNumber, status };
    }
    case 'DeleteObject':
      return { method: 'DeleteObjectResponse', status: model.deleteObject(req.objectName, req.parameterKey) };
    case 'Reboot':
      actions.reboot(req.commandKey);
      return { method: 'RebootResponse' };
    case 'Download':
      actions.download(req);
      // Status 1: the transfer has not completed; a TransferComplete will follow (A.3.2.8).
      return { method: 'DownloadResponse', status: 1, startTime: UNKNOWN_TIME, completeTime: UNKNOWN_TIME };
    case 'ScheduleInform':
      // TR-069 A.4.1.2: the delay must be greater than zero (the schema's plain unsignedInt allows 0: 9003 here).
      if (req.delaySeconds < 1) throw new CwmpFault(9003, `ScheduleInform DelaySeconds must be at least 1, got ${req.delaySeconds}`);
      actions.scheduleInform(req.delaySeconds, req.commandKey);
      return { method: 'ScheduleInformResponse' };
    case 'FactoryReset':
      actions.factoryReset();
      return { method: 'FactoryResetResponse' };
    case 'Upload':
      actions.upload(req, version);
      // Status 1: a TransferComplete will follow (A.4.1.5).
      return { method: 'UploadResponse', status: 1, startTime: UNKNOWN_TIME, completeTime: UNKNOWN_TIME };
    case 'GetQueuedTransfers':
      return {
        method: 'GetQueuedTransfersResponse',
        transferList: actions.listTransfers().slice(0, MAX_TRANSFER_LIST).map((t) => ({ commandKey: t.commandKey, state: t.state })),
      };
    case 'GetAllQueuedTransfers':
      return { method: 'GetAllQueuedTransfersResponse', transferList: actions.listTransfers().slice(0, MAX_TRANSFER_LIST) };
    case 'CancelTransfer':
      actions.cancelTransfer(req.commandKey);
      return { method: 'CancelTransferResponse' };
    case 'ScheduleDownload':
      actions.scheduleDownload(req);
      return { method: 'ScheduleDownloadResponse' };
    case 'ChangeDUState':
      actions.changeDuState(req);
      return { method: 'ChangeDUStateResponse' };
    case 'Unknown':
      throw new CwmpFault(9000, req.name);
  }
}
