import { CwmpFault } from '../cwmp/faults.js';
import type { AcsRequest, CpeMessage, CpeResponse } from '../cwmp/messages.js';
import type { DeviceModel } from '../datamodel/device-model.js';
import { UNKNOWN_TIME, type DownloadRequest } from './transfers.js';

/**
 * The ACS methods this CPE answers (GetRPCMethodsResponse lists exactly these): every method TR-069
 * requires of a CPE, and ScheduleInform. Upload, FactoryReset and the transfer queries are answered with
 * 9000 until the device behaviours behind them exist.
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
];

/**
 * What the device does beyond its data model, on the ACS's request. Both only take note during the
 * session: TR-069 has the CPE reboot / start a transfer after the session ends.
 */
export interface DeviceActions {
  /** A Reboot (A.3.2.9) to perform once the session ends. */
  reboot(commandKey: string): void;
  /** Validates and accepts a Download (A.3.2.8); throws CwmpFault (9003, 9004, 9013) to refuse it. */
  download(req: DownloadRequest): void;
  /** A ScheduleInform (DelaySeconds >= 1): a session with "3 SCHEDULED" + "M ScheduleInform" that much later. */
  scheduleInform(delaySeconds: number, commandKey: string): void;
}

/**
 * Answers one ACS request through the device model (TR-069 A.3.2). A CwmpFault from the model
 * becomes the SOAP Fault message; any other error is a simulator bug and propagates.
 */
export function dispatchAcsRequest(model: DeviceModel, actions: DeviceActions, req: AcsRequest): CpeMessage {
  try {
    return answer(model, actions, req);
  } catch (err) {
    if (err instanceof CwmpFault) return { method: 'Fault', fault: err.toStruct() };
    throw err;
  }
}

function answer(model: DeviceModel, actions: DeviceActions, req: AcsRequest): CpeResponse {
  switch (req.method) {
    case 'GetRPCMethods':
      return { method: 'GetRPCMethodsResponse', methodList: IMPLEMENTED_METHODS as string[] };
    case 'GetParameterNames':
      return { method: 'GetParameterNamesResponse', parameterList: model.getParameterNames(req.parameterPath, req.nextLevel) };
    case 'GetParameterValues':
      return { method: 'GetParameterValuesResponse', parameterList: model.getParameterValues(req.parameterNames) };
    case 'SetParameterValues':
      return { method: 'SetParameterValuesResponse', status: model.setParameterValues(req.parameterList, req.parameterKey) };
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
    case 'Upload':
    case 'GetQueuedTransfers':
    case 'GetAllQueuedTransfers':
    case 'CancelTransfer':
      throw new CwmpFault(9000, `${req.method} is not implemented by cpesim yet`);
    case 'Unknown':
      throw new CwmpFault(9000, req.name);
  }
}
