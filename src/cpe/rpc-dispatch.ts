import { CwmpFault } from '../cwmp/faults.js';
import type { AcsRequest, CpeMessage, CpeResponse } from '../cwmp/messages.js';
import type { DeviceModel } from '../datamodel/device-model.js';

/**
 * The ACS methods this CPE answers (GetRPCMethodsResponse lists exactly these). Reboot, Download,
 * Upload, FactoryReset, ScheduleInform and the transfer queries are answered with 9000 until the
 * device behaviours behind them exist.
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
];

/**
 * Answers one ACS request through the device model (TR-069 A.3.2). A CwmpFault from the model
 * becomes the SOAP Fault message; any other error is a simulator bug and propagates.
 */
export function dispatchAcsRequest(model: DeviceModel, req: AcsRequest): CpeMessage {
  try {
    return answer(model, req);
  } catch (err) {
    if (err instanceof CwmpFault) return { method: 'Fault', fault: err.toStruct() };
    throw err;
  }
}

function answer(model: DeviceModel, req: AcsRequest): CpeResponse {
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
    case 'FactoryReset':
    case 'ScheduleInform':
    case 'Download':
    case 'Upload':
    case 'GetQueuedTransfers':
    case 'GetAllQueuedTransfers':
    case 'CancelTransfer':
      throw new CwmpFault(9000, `${req.method} is not implemented by cpesim yet`);
    case 'Unknown':
      throw new CwmpFault(9000, req.name);
  }
}
