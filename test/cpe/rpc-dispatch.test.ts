import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatchAcsRequest as dispatchIn, IMPLEMENTED_METHODS, rpcMethodsFor, type DeviceActions } from '../../src/cpe/rpc-dispatch.js';
import { DEFAULT_TRANSFER_LIMITS, validateDownload, validateUpload, type DownloadRequest, type QueuedTransferInfo } from '../../src/cpe/transfers.js';
import { CwmpFault } from '../../src/cwmp/faults.js';
import type { CpeMessage, CwmpVersion } from '../../src/cwmp/messages.js';
import type { AcsRequest } from '../../src/cwmp/messages.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { testProfile } from './scripted-acs.js';
import { downloadRequest } from '../support/acs-requests.js';

const model = () => new DeviceModel(testProfile(), { index: 5, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });

/** Device actions that must not be reached by data-model RPCs. */
const NO_ACTIONS: DeviceActions = {
  reboot: () => assert.fail('reboot called'),
  download: () => assert.fail('download called'),
  scheduleInform: () => assert.fail('scheduleInform called'),
  factoryReset: () => assert.fail('factoryReset called'),
  upload: () => assert.fail('upload called'),
  listTransfers: () => assert.fail('listTransfers called'),
  cancelTransfer: () => assert.fail('cancelTransfer called'),
  scheduleDownload: () => assert.fail('scheduleDownload called'),
  changeDuState: () => assert.fail('changeDuState called'),
};

/** Dispatch as a cwmp-1-2 session would (the newest schema with every method). */
const dispatchAcsRequest = (m: DeviceModel, a: DeviceActions, r: AcsRequest, version: CwmpVersion = 2): CpeMessage => dispatchIn(m, a, r, version);
const faultOf = (m: CpeMessage): number => (m.method === 'Fault' ? m.fault.faultCode : 0);
const upload = (over: Partial<Extract<AcsRequest, { method: 'Upload' }>> = {}): Extract<AcsRequest, { method: 'Upload' }> => ({
  method: 'Upload', commandKey: 'up-1', fileType: '1 Vendor Configuration File', url: 'http://files.example/up', username: '', password: '', delaySeconds: 0, ...over,
});

const download = downloadRequest;

describe('dispatchAcsRequest', () => {
  it('answers through the model', () => {
    const m = model();
    const spv = dispatchAcsRequest(m, NO_ACTIONS, {
      method: 'SetParameterValues',
      parameterList: [{ name: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', value: '120' }],
      parameterKey: 'k',
    });
    assert.deepEqual(spv, { method: 'SetParameterValuesResponse', status: 0 });
    assert.equal(m.get('InternetGatewayDevice.ManagementServer.PeriodicInformInterval'), '120');
    assert.deepEqual(dispatchAcsRequest(m, NO_ACTIONS, { method: 'GetRPCMethods' }), { method: 'GetRPCMethodsResponse', methodList: IMPLEMENTED_METHODS });
  });

  it('model faults become Fault messages, with the per-parameter list for SetParameterValues', () => {
    const r = dispatchAcsRequest(model(), NO_ACTIONS, {
      method: 'SetParameterValues',
      parameterList: [{ name: 'InternetGatewayDevice.DeviceInfo.SerialNumber', value: 'x' }],
      parameterKey: '',
    });
    assert.equal(r.method, 'Fault');
    if (r.method !== 'Fault') return;
    assert.equal(r.fault.faultCode, 9003);
    assert.deepEqual(r.fault.setParameterValuesFaults?.map((f) => [f.parameterName, f.faultCode]), [['InternetGatewayDevice.DeviceInfo.SerialNumber', 9008]]);
  });

  it('unknown methods, and methods the session version lacks -> 9000 (without reaching the device)', () => {
    assert.equal(faultOf(dispatchAcsRequest(model(), NO_ACTIONS, { method: 'Unknown', name: 'X_Thing' })), 9000);
    assert.equal(faultOf(dispatchAcsRequest(model(), NO_ACTIONS, { method: 'CancelTransfer', commandKey: 'k' }, 1)), 9000);
    assert.equal(faultOf(dispatchAcsRequest(model(), NO_ACTIONS, { method: 'GetAllQueuedTransfers' }, 0)), 9000);
    assert.equal(faultOf(dispatchAcsRequest(model(), NO_ACTIONS, { method: 'ChangeDUState', operations: [], commandKey: 'k' }, 1)), 9000);
    const sd = { method: 'ScheduleDownload' as const, commandKey: 'k', fileType: '1 Firmware Upgrade Image', url: 'http://x/fw', username: '', password: '', fileSize: 0, targetFileName: '', timeWindowList: [] };
    assert.equal(faultOf(dispatchAcsRequest(model(), NO_ACTIONS, sd, 1)), 9000);
  });

  it('GetRPCMethods lists every method TR-069 requires of a CPE, and the optional ones cpesim has, per version', () => {
    const required = ['GetRPCMethods', 'SetParameterValues', 'GetParameterValues', 'GetParameterNames', 'SetParameterAttributes',
      'GetParameterAttributes', 'AddObject', 'DeleteObject', 'Reboot', 'Download'];
    const optional = ['ScheduleInform', 'FactoryReset', 'Upload', 'GetQueuedTransfers', 'GetAllQueuedTransfers', 'CancelTransfer', 'ScheduleDownload', 'ChangeDUState'];
    assert.deepEqual([...IMPLEMENTED_METHODS].sort(), [...required, ...optional].sort());
    assert.deepEqual(dispatchAcsRequest(model(), NO_ACTIONS, { method: 'GetRPCMethods' }, 4), { method: 'GetRPCMethodsResponse', methodList: IMPLEMENTED_METHODS });
    assert.deepEqual(rpcMethodsFor(1).filter((m) => !IMPLEMENTED_METHODS.includes(m)), []);
    assert.ok(!rpcMethodsFor(1).includes('CancelTransfer') && rpcMethodsFor(1).includes('GetAllQueuedTransfers'));
    // ScheduleDownload and ChangeDUState arrived with cwmp-1-2.
    assert.ok(!rpcMethodsFor(1).includes('ScheduleDownload') && !rpcMethodsFor(1).includes('ChangeDUState'));
    assert.ok(rpcMethodsFor(2).includes('ScheduleDownload') && rpcMethodsFor(2).includes('ChangeDUState'));
    assert.ok(!rpcMethodsFor(0).includes('GetAllQueuedTransfers') && rpcMethodsFor(0).includes('GetQueuedTransfers'));
  });

  it('FactoryReset, Upload, queued-transfer listings and CancelTransfer reach the device actions', () => {
    const seen: string[] = [];
    const list: QueuedTransferInfo[] = [
      { commandKey: 'a', state: 1, isDownload: true, fileType: '3 Vendor Configuration File', fileSize: 10, targetFileName: 'c.bin' },
      { commandKey: 'b', state: 2, isDownload: false, fileType: '2 Vendor Log File', fileSize: 0, targetFileName: '' },
    ];
    const actions: DeviceActions = {
      ...NO_ACTIONS,
      factoryReset: () => seen.push('reset'),
      upload: (r, v) => seen.push(`upload ${r.commandKey} ${validateUpload(r, v)}`),
      listTransfers: () => list,
      cancelTransfer: (k) => {
        if (k !== 'a') throw new CwmpFault(9021, k);
        seen.push(`cancel ${k}`);
      },
    };
    assert.deepEqual(dispatchAcsRequest(model(), actions, { method: 'FactoryReset' }), { method: 'FactoryResetResponse' });
    assert.deepEqual(dispatchAcsRequest(model(), actions, upload()), { method: 'UploadResponse', status: 1, startTime: '0001-01-01T00:00:00Z', completeTime: '0001-01-01T00:00:00Z' });
    assert.deepEqual(dispatchAcsRequest(model(), actions, { method: 'GetQueuedTransfers' }), {
      method: 'GetQueuedTransfersResponse',
      transferList: [{ commandKey: 'a', state: 1 }, { commandKey: 'b', state: 2 }],
    });
    assert.deepEqual(dispatchAcsRequest(model(), actions, { method: 'GetAllQueuedTransfers' }), { method: 'GetAllQueuedTransfersResponse', transferList: list });
    assert.deepEqual(dispatchAcsRequest(model(), actions, { method: 'CancelTransfer', commandKey: 'a' }), { method: 'CancelTransferResponse' });
    assert.equal(faultOf(dispatchAcsRequest(model(), actions, { method: 'CancelTransfer', commandKey: 'b' })), 9021);
    assert.deepEqual(seen, ['reset', 'upload up-1 config', 'cancel a']);
  });

  it('Upload validation: file types per schema version, URL scheme 9013', () => {
    const code = (over: Parameters<typeof upload>[0], v: CwmpVersion) => {
      try {
        validateUpload(upload(over), v);
        return 0;
      } catch (err) {
        return err instanceof CwmpFault ? err.faultCode : -1;
      }
    };
    assert.equal(code({ fileType: '2 Vendor Log File' }, 0), 0);
    assert.equal(code({ fileType: 'X 00D09E Crash Dump' }, 0), 0);
    assert.equal(code({ fileType: 'X acme Crash Dump' }, 0), 9003);
    assert.equal(code({ fileType: '3 Vendor Configuration File 2' }, 0), 9003);
    assert.equal(code({ fileType: '3 Vendor Configuration File 2' }, 2), 0);
    assert.equal(code({ fileType: '4 Vendor Log File 1' }, 2), 0);
    assert.equal(code({ fileType: '1 Firmware Upgrade Image' }, 2), 9003);
    assert.equal(code({ url: 'ftp://files.example/up' }, 2), 9013);
    assert.equal(code({ url: 'nope' }, 2), 9003);
    assert.equal(validateUpload(upload({ fileType: '4 Vendor Log File 1' }), 2), 'log');
  });

  it('Reboot and Download reach the device actions; Download answers Status 1 with the unknown times', () => {
    const seen: string[] = [];
    const actions: DeviceActions = {
      ...NO_ACTIONS,
      reboot: (k) => seen.push(`reboot ${k}`),
      download: (r) => seen.push(`download ${r.commandKey}`),
    };
    assert.deepEqual(dispatchAcsRequest(model(), actions, { method: 'Reboot', commandKey: 'rb-9' }), { method: 'RebootResponse' });
    assert.deepEqual(dispatchAcsRequest(model(), actions, download()), {
      method: 'DownloadResponse',
      status: 1,
      startTime: '0001-01-01T00:00:00Z',
      completeTime: '0001-01-01T00:00:00Z',
    });
    assert.deepEqual(seen, ['reboot rb-9', 'download dl-1']);
  });

  it('a refused Download (CwmpFault from the actions) becomes its Fault', () => {
    const actions: DeviceActions = { ...NO_ACTIONS, reboot: () => undefined, download: (r) => validateDownload(r, DEFAULT_TRANSFER_LIMITS), scheduleInform: () => undefined };
    const code = (r: DownloadRequest) => {
      const m = dispatchAcsRequest(model(), actions, r);
      return m.method === 'Fault' ? m.fault.faultCode : 0;
    };
    assert.equal(code(download()), 0);
    assert.equal(code(download({ url: 'https://files.example/fw.img', fileType: '1 Firmware Upgrade Image' })), 0);
    assert.equal(code(download({ fileType: 'X 00D09E Frobnicator Image' })), 0);
    assert.equal(code(download({ url: 'ftp://files.example/cfg.bin' })), 9013);
    assert.equal(code(download({ url: 'tftp://files.example/cfg.bin' })), 9013);
    assert.equal(code(download({ url: 'not a url' })), 9003);
    assert.equal(code(download({ fileType: 'Firmware' })), 9003);
    assert.equal(code(download({ fileType: '0 Firmware' })), 9003);
    assert.equal(code(download({ fileType: '1' })), 9003);
    assert.equal(code(download({ fileType: `3 ${'x'.repeat(70)}` })), 9003);
    assert.equal(code(download({ url: `http://files.example/${'a'.repeat(260)}` })), 9003);
    assert.equal(code(download({ fileSize: DEFAULT_TRANSFER_LIMITS.maxBytes + 1 })), 9004);
  });

  it('ScheduleInform: ScheduleInformResponse and the delay reaches the device; DelaySeconds 0 is 9003 and schedules nothing', () => {
    const seen: string[] = [];
    const actions: DeviceActions = { ...NO_ACTIONS, scheduleInform: (s, k) => seen.push(`${s} ${k}`) };
    assert.deepEqual(dispatchAcsRequest(model(), actions, { method: 'ScheduleInform', delaySeconds: 30, commandKey: 'si-1' }), {
      method: 'ScheduleInformResponse',
    });
    const zero = dispatchAcsRequest(model(), actions, { method: 'ScheduleInform', delaySeconds: 0, commandKey: 'si-0' });
    assert.equal(zero.method === 'Fault' && zero.fault.faultCode, 9003);
    assert.deepEqual(seen, ['30 si-1']);
  });
});
