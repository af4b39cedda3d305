import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatchAcsRequest, IMPLEMENTED_METHODS, type DeviceActions } from '../../src/cpe/rpc-dispatch.js';
import { DEFAULT_TRANSFER_LIMITS, validateDownload, type DownloadRequest } from '../../src/cpe/transfers.js';
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
};

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

  it('not implemented and unknown methods -> 9000', () => {
    const requests: AcsRequest[] = [
      { method: 'FactoryReset' },
      { method: 'Upload', commandKey: '', fileType: '1 Vendor Configuration File', url: 'http://x', username: '', password: '', delaySeconds: 0 },
      { method: 'GetQueuedTransfers' },
      { method: 'CancelTransfer', commandKey: '' },
      { method: 'Unknown', name: 'X_Thing' },
    ];
    for (const req of requests) {
      const r = dispatchAcsRequest(model(), NO_ACTIONS, req);
      assert.equal(r.method === 'Fault' && r.fault.faultCode, 9000, req.method);
    }
  });

  it('GetRPCMethods lists every method TR-069 requires of a CPE, Reboot and Download included, and ScheduleInform', () => {
    const required = ['GetRPCMethods', 'SetParameterValues', 'GetParameterValues', 'GetParameterNames', 'SetParameterAttributes',
      'GetParameterAttributes', 'AddObject', 'DeleteObject', 'Reboot', 'Download', 'ScheduleInform'];
    assert.deepEqual([...IMPLEMENTED_METHODS].sort(), required.sort());
  });

  it('Reboot and Download reach the device actions; Download answers Status 1 with the unknown times', () => {
    const seen: string[] = [];
    const actions: DeviceActions = {
      reboot: (k) => seen.push(`reboot ${k}`),
      download: (r) => seen.push(`download ${r.commandKey}`),
      scheduleInform: () => assert.fail('scheduleInform called'),
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
    const actions: DeviceActions = { reboot: () => undefined, download: (r) => validateDownload(r, DEFAULT_TRANSFER_LIMITS), scheduleInform: () => undefined };
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
