import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatchAcsRequest, IMPLEMENTED_METHODS } from '../../src/cpe/rpc-dispatch.js';
import type { AcsRequest } from '../../src/cwmp/messages.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { testProfile } from './scripted-acs.js';

const model = () => new DeviceModel(testProfile(), { index: 5, connectionRequestUrl: 'http://cr', bootTimeMs: Date.now() });

describe('dispatchAcsRequest', () => {
  it('answers through the model', () => {
    const m = model();
    const spv = dispatchAcsRequest(m, {
      method: 'SetParameterValues',
      parameterList: [{ name: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', value: '120' }],
      parameterKey: 'k',
    });
    assert.deepEqual(spv, { method: 'SetParameterValuesResponse', status: 0 });
    assert.equal(m.get('InternetGatewayDevice.ManagementServer.PeriodicInformInterval'), '120');
    assert.deepEqual(dispatchAcsRequest(m, { method: 'GetRPCMethods' }), { method: 'GetRPCMethodsResponse', methodList: IMPLEMENTED_METHODS });
  });

  it('model faults become Fault messages, with the per-parameter list for SetParameterValues', () => {
    const r = dispatchAcsRequest(model(), {
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
      { method: 'Reboot', commandKey: 'r' },
      { method: 'FactoryReset' },
      { method: 'ScheduleInform', delaySeconds: 5, commandKey: '' },
      { method: 'Upload', commandKey: '', fileType: '1 Vendor Configuration File', url: 'http://x', username: '', password: '', delaySeconds: 0 },
      { method: 'GetQueuedTransfers' },
      { method: 'CancelTransfer', commandKey: '' },
      { method: 'Unknown', name: 'X_Thing' },
    ];
    for (const req of requests) {
      const r = dispatchAcsRequest(model(), req);
      assert.equal(r.method === 'Fault' && r.fault.faultCode, 9000, req.method);
    }
  });
});
