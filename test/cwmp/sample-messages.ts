/**
 * One realistic, schema-valid example of every CPE and ACS message kind, with the first cwmp
 * version whose schema defines it. Values exercise escaping (& < > CR), spaces kept at both ends,
 * one-item and empty arrays, and every xsi:type.
 */
import type { AcsBody, CpeMessage, CwmpVersion, DuOpResult } from '../../src/cwmp/messages.js';

export interface Sample<T> {
  msg: T;
  /** Lowest cwmp-1-N schema that declares the element. */
  since: CwmpVersion;
}

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:00:07Z';

/** A DUStateChangeComplete result of an installed unit, field by field overridable. */
function duResult(over: Partial<DuOpResult> = {}): DuOpResult {
  return {
    uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000001',
    deploymentUnitRef: 'Device.SoftwareModules.DeploymentUnit.1',
    version: '1.2.0',
    currentState: 'Installed',
    resolved: true,
    executionUnitRefList: 'Device.SoftwareModules.ExecutionUnit.1',
    startTime: T0,
    completeTime: T1,
    fault: { faultCode: 0, faultString: '' },
    ...over,
  };
}

export const CPE_SAMPLES: readonly Sample<CpeMessage>[] = [
  {
    since: 0,
    msg: {
      method: 'Inform',
      deviceId: { manufacturer: 'cpesim & Co <test>', oui: '00D09E', productClass: 'HG2000', serialNumber: 'CPESIM00000001' },
      events: [
        { code: '0 BOOTSTRAP', commandKey: '' },
        { code: '1 BOOT', commandKey: '' },
        { code: 'M Reboot', commandKey: 'reboot-42' },
      ],
      maxEnvelopes: 1,
      currentTime: T0,
      retryCount: 3,
      parameterList: [
        { name: 'InternetGatewayDevice.DeviceInfo.SpecVersion', value: '1.0', type: 'string' },
        { name: 'InternetGatewayDevice.DeviceInfo.UpTime', value: '4242', type: 'unsignedInt' },
        { name: 'InternetGatewayDevice.ManagementServer.ConnectionRequestURL', value: 'http://127.0.0.1:7548/cr?a=1&b=2', type: 'string' },
        { name: 'InternetGatewayDevice.ManagementServer.ParameterKey', value: '', type: 'string' },
      ],
    },
  },
  {
    since: 0,
    msg: { method: 'TransferComplete', commandKey: 'dl-1', fault: { faultCode: 0, faultString: '' }, startTime: T0, completeTime: T1 },
  },
  { since: 0, msg: { method: 'GetRPCMethods' } },
  {
    since: 0,
    msg: { method: 'GetRPCMethodsResponse', methodList: ['GetRPCMethods', 'GetParameterValues', 'SetParameterValues', 'Reboot'] },
  },
  {
    since: 0,
    msg: {
      method: 'GetParameterNamesResponse',
      parameterList: [
        { name: 'InternetGatewayDevice.LANDevice.', writable: false },
        { name: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', writable: true },
      ],
    },
  },
  {
    since: 0,
    msg: {
      method: 'GetParameterValuesResponse',
      parameterList: [
        { name: 'A.String', value: '  spaces kept  ', type: 'string' },
        { name: 'A.Escaped', value: 'a & b < c > d "q" \'s\' \r\n x', type: 'string' },
        { name: 'A.Unicode', value: 'Grüße ✓', type: 'string' },
        { name: 'A.Int', value: '-5', type: 'int' },
        { name: 'A.UnsignedInt', value: '300', type: 'unsignedInt' },
        { name: 'A.Long', value: '-9007199254740993', type: 'long' },
        { name: 'A.UnsignedLong', value: '18446744073709551615', type: 'unsignedLong' },
        { name: 'A.Boolean', value: '1', type: 'boolean' },
        { name: 'A.DateTime', value: T0, type: 'dateTime' },
        { name: 'A.Base64', value: 'AAECAw==', type: 'base64' },
        { name: 'A.HexBinary', value: '0a1b2c', type: 'hexBinary' },
        { name: 'A.Decimal', value: '1.5', type: 'decimal' },
      ],
    },
  },
  { since: 0, msg: { method: 'GetParameterValuesResponse', parameterList: [] } },
  { since: 0, msg: { method: 'SetParameterValuesResponse', status: 1 } },
  {
    since: 0,
    msg: {
      method: 'GetParameterAttributesResponse',
      parameterList: [
        { name: 'InternetGatewayDevice.DeviceInfo.SoftwareVersion', notification: 2, accessList: [] },
        { name: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID', notification: 0, accessList: ['Subscriber'] },
      ],
    },
  },
  { since: 0, msg: { method: 'SetParameterAttributesResponse' } },
  { since: 0, msg: { method: 'AddObjectResponse', instanceNumber: 3, status: 0 } },
  { since: 0, msg: { method: 'DeleteObjectResponse', status: 1 } },
  { since: 0, msg: { method: 'RebootResponse' } },
  { since: 0, msg: { method: 'FactoryResetResponse' } },
  { since: 0, msg: { method: 'ScheduleInformResponse' } },
  { since: 0, msg: { method: 'DownloadResponse', status: 1, startTime: '0001-01-01T00:00:00Z', completeTime: '0001-01-01T00:00:00Z' } },
  { since: 0, msg: { method: 'UploadResponse', status: 0, startTime: T0, completeTime: T1 } },
  {
    since: 0,
    msg: {
      method: 'GetQueuedTransfersResponse',
      transferList: [
        { commandKey: 'dl-1', state: 2 },
        { commandKey: 'dl-2', state: 1 },
      ],
    },
  },
  {
    since: 1,
    msg: {
      method: 'GetAllQueuedTransfersResponse',
      transferList: [
        { commandKey: 'dl-1', state: 2, isDownload: true, fileType: '1 Firmware Upgrade Image', fileSize: 1048576, targetFileName: 'fw.bin' },
      ],
    },
  },
  { since: 2, msg: { method: 'CancelTransferResponse' } },
  { since: 2, msg: { method: 'ScheduleDownloadResponse' } },
  { since: 2, msg: { method: 'ChangeDUStateResponse' } },
  {
    since: 1,
    msg: {
      method: 'AutonomousTransferComplete',
      announceUrl: '',
      transferUrl: 'http://127.0.0.1:8080/fw-4.3.0.bin?a=1&b=2',
      isDownload: true,
      fileType: '1 Firmware Upgrade Image',
      fileSize: 4096,
      targetFileName: 'fw-4.3.0.bin',
      fault: { faultCode: 0, faultString: '' },
      startTime: T0,
      completeTime: T1,
    },
  },
  {
    since: 2,
    msg: {
      method: 'DUStateChangeComplete',
      results: [
        duResult(),
        duResult({
          uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000002',
          deploymentUnitRef: '',
          version: '',
          currentState: 'Failed',
          resolved: false,
          executionUnitRefList: '',
          fault: { faultCode: 9015, faultString: 'Download failure: unable to contact file server' },
        }),
      ],
      commandKey: 'du-1',
    },
  },
  {
    since: 2,
    msg: {
      method: 'DUStateChangeComplete',
      results: [
        duResult({ currentState: 'Uninstalled', executionUnitRefList: '' }),
      ],
      commandKey: undefined,
    },
  },
  {
    since: 2,
    msg: {
      method: 'AutonomousDUStateChangeComplete',
      results: [
        {
          ...duResult({ uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000003', deploymentUnitRef: 'Device.SoftwareModules.DeploymentUnit.2', version: '2.0' }),
          operationPerformed: 'Install',
        },
      ],
    },
  },
  { since: 0, msg: { method: 'RequestDownload', fileType: '1 Firmware Upgrade Image', fileTypeArg: [{ name: 'Version', value: '4.3.0 & <later>' }] } },
  { since: 0, msg: { method: 'RequestDownload', fileType: '3 Vendor Configuration File', fileTypeArg: [] } },
  { since: 0, msg: { method: 'Fault', fault: { faultCode: 9005, faultString: 'Invalid parameter name' } } },
  {
    since: 0,
    msg: {
      method: 'Fault',
      fault: {
        faultCode: 9003,
        faultString: 'Invalid arguments',
        setParameterValuesFaults: [
          { parameterName: 'InternetGatewayDevice.DeviceInfo.SerialNumber', faultCode: 9008, faultString: 'Attempt to set a non-writable parameter' },
          { parameterName: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', faultCode: 9007, faultString: 'Invalid parameter value' },
        ],
      },
    },
  },
];

export const ACS_SAMPLES: readonly Sample<AcsBody>[] = [
  { since: 0, msg: { method: 'GetRPCMethods' } },
  { since: 0, msg: { method: 'GetParameterNames', parameterPath: 'InternetGatewayDevice.', nextLevel: true } },
  { since: 0, msg: { method: 'GetParameterNames', parameterPath: '', nextLevel: false } },
  {
    since: 0,
    msg: { method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.', 'InternetGatewayDevice.ManagementServer.URL'] },
  },
  { since: 0, msg: { method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.'] } },
  {
    since: 0,
    msg: {
      method: 'SetParameterValues',
      parameterList: [
        { name: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', value: '60', type: 'unsignedInt' },
        { name: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID', value: 'café & <bar>', type: 'string' },
      ],
      parameterKey: 'key-1',
    },
  },
  { since: 0, msg: { method: 'GetParameterAttributes', parameterNames: ['InternetGatewayDevice.DeviceInfo.SoftwareVersion'] } },
  {
    since: 0,
    msg: {
      method: 'SetParameterAttributes',
      parameterList: [
        {
          name: 'InternetGatewayDevice.DeviceInfo.SoftwareVersion',
          notificationChange: true,
          notification: 2,
          accessListChange: false,
          accessList: [],
        },
        { name: 'InternetGatewayDevice.LANDevice.', notificationChange: false, notification: 0, accessListChange: true, accessList: ['Subscriber'] },
      ],
    },
  },
  { since: 0, msg: { method: 'AddObject', objectName: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.', parameterKey: '' } },
  { since: 0, msg: { method: 'DeleteObject', objectName: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.2.', parameterKey: 'k2' } },
  { since: 0, msg: { method: 'Reboot', commandKey: 'reboot-42' } },
  { since: 0, msg: { method: 'FactoryReset' } },
  { since: 0, msg: { method: 'ScheduleInform', delaySeconds: 30, commandKey: 'si' } },
  {
    since: 0,
    msg: {
      method: 'Download',
      commandKey: 'dl-1',
      fileType: '1 Firmware Upgrade Image',
      url: 'http://127.0.0.1:8080/fw.bin?x=1&y=2',
      username: 'u',
      password: 'p<w>',
      fileSize: 1048576,
      targetFileName: 'fw.bin',
      delaySeconds: 0,
      successUrl: '',
      failureUrl: '',
    },
  },
  {
    since: 0,
    msg: {
      method: 'Upload',
      commandKey: 'ul-1',
      fileType: '1 Vendor Configuration File',
      url: 'http://127.0.0.1:8080/upload',
      username: '',
      password: '',
      delaySeconds: 5,
    },
  },
  { since: 0, msg: { method: 'GetQueuedTransfers' } },
  { since: 1, msg: { method: 'GetAllQueuedTransfers' } },
  { since: 2, msg: { method: 'CancelTransfer', commandKey: 'dl-1' } },
  {
    since: 2,
    msg: {
      method: 'ScheduleDownload',
      commandKey: 'sd-1',
      fileType: '1 Firmware Upgrade Image',
      url: 'http://127.0.0.1:8080/fw.bin?x=1&y=2',
      username: '',
      password: '',
      fileSize: 0,
      targetFileName: '',
      timeWindowList: [
        { windowStart: 0, windowEnd: 60, windowMode: '1 At Any Time', userMessage: '', maxRetries: -1 },
        { windowStart: 120, windowEnd: 300, windowMode: '4 Confirmation Needed', userMessage: 'Upgrade & <reboot>?', maxRetries: 2 },
      ],
    },
  },
  {
    since: 2,
    msg: {
      method: 'ChangeDUState',
      operations: [
        { op: 'Install', url: 'http://127.0.0.1:8080/du/app-1.0.ipk', uuid: undefined, username: undefined, password: undefined, executionEnvRef: undefined },
        {
          op: 'Install',
          url: 'http://127.0.0.1:8080/du/app-2.0.ipk?a=1&b=2',
          uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000001',
          username: 'u',
          password: 'p<w>',
          executionEnvRef: 'Device.SoftwareModules.ExecEnv.1',
        },
        { op: 'Update', uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000001', version: '1.0', url: 'http://127.0.0.1:8080/du/app-2.1.ipk', username: undefined, password: undefined },
        { op: 'Update', uuid: undefined, version: undefined, url: undefined, username: undefined, password: undefined },
        { op: 'Uninstall', uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000001', version: undefined, executionEnvRef: undefined },
      ],
      commandKey: 'du-1',
    },
  },
  {
    since: 2,
    msg: {
      method: 'ChangeDUState',
      operations: [{ op: 'Uninstall', uuid: '6f1c0e2a-8d3b-4c5e-9a7f-000000000001', version: '1.0', executionEnvRef: 'Device.SoftwareModules.ExecEnv.1' }],
      commandKey: undefined,
    },
  },
  { since: 0, msg: { method: 'InformResponse', maxEnvelopes: 1 } },
  { since: 0, msg: { method: 'TransferCompleteResponse' } },
  { since: 1, msg: { method: 'AutonomousTransferCompleteResponse' } },
  { since: 0, msg: { method: 'GetRPCMethodsResponse', methodList: ['Inform', 'GetRPCMethods', 'TransferComplete'] } },
  { since: 0, msg: { method: 'RequestDownloadResponse' } },
  { since: 2, msg: { method: 'DUStateChangeCompleteResponse' } },
  { since: 2, msg: { method: 'AutonomousDUStateChangeCompleteResponse' } },
  { since: 0, msg: { method: 'KickedResponse', nextUrl: 'http://127.0.0.1/next?a=1&b=2' } },
  { since: 0, msg: { method: 'Fault', fault: { faultCode: 8005, faultString: 'Retry request' } } },
];
