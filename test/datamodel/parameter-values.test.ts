import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterValue } from '../../src/cwmp/messages.js';
import { assertFault, IGD, igdModel, names } from './helpers.js';

const MS = `${IGD}.ManagementServer.`;

test('GetParameterValues: full names give typed values; hidden parameters read back ""', async () => {
  const m = await igdModel();
  assert.deepEqual(m.getParameterValues([`${MS}PeriodicInformInterval`, `${MS}ConnectionRequestPassword`, `${MS}PeriodicInformEnable`]), [
    { name: `${MS}PeriodicInformInterval`, value: '300', type: 'unsignedInt' },
    { name: `${MS}ConnectionRequestPassword`, value: '', type: 'string' },
    { name: `${MS}PeriodicInformEnable`, value: 'true', type: 'boolean' },
  ]);
  assert.equal(m.get(`${MS}ConnectionRequestPassword`), 'secret', 'get() is not masked');
});

test('GetParameterValues: a partial path gives every parameter below it; empty list gives nothing', async () => {
  const m = await igdModel();
  assert.deepEqual(names(m.getParameterValues([`${IGD}.LANDevice.1.Hosts.`])), [
    `${IGD}.LANDevice.1.Hosts.Host.1.HostName`,
    `${IGD}.LANDevice.1.Hosts.Host.2.HostName`,
    `${IGD}.LANDevice.1.Hosts.HostNumberOfEntries`,
  ]);
  assert.deepEqual(m.getParameterValues([]), []);
});

test('GetParameterValues: an unknown name is 9005', async () => {
  const m = await igdModel();
  assertFault(() => m.getParameterValues([`${MS}URL`, `${MS}Nope`]), 9005);
});

test('SetParameterValues applies, stores booleans canonically, sets ParameterKey, returns 0', async () => {
  const m = await igdModel();
  const status = m.setParameterValues(
    [
      { name: `${MS}PeriodicInformInterval`, value: '600', type: 'unsignedInt' },
      { name: `${MS}PeriodicInformEnable`, value: '0' },
      { name: `${IGD}.LANDevice.1.WLANConfiguration.2.SSID`, value: 'home', type: 'string' },
    ],
    'key-1',
  );
  assert.equal(status, 0);
  assert.equal(m.get(`${MS}PeriodicInformInterval`), '600');
  assert.equal(m.get(`${MS}PeriodicInformEnable`), 'false');
  assert.equal(m.get(`${IGD}.LANDevice.1.WLANConfiguration.2.SSID`), 'home');
  assert.equal(m.get(`${IGD}.LANDevice.1.WLANConfiguration.1.SSID`), 'cpesim-CPESIM00000007-1');
  assert.equal(m.get(`${MS}ParameterKey`), 'key-1');
});

test('SetParameterValues is all-or-nothing and lists each failing parameter under 9003', async () => {
  const m = await igdModel();
  const fault = assertFault(
    () =>
      m.setParameterValues(
        [
          { name: `${MS}URL`, value: 'http://acs.example/' },
          { name: `${MS}Nope`, value: '1' },
          { name: `${IGD}.DeviceInfo.Manufacturer`, value: 'x' },
          { name: `${MS}PeriodicInformInterval`, value: '60', type: 'boolean' },
          { name: `${MS}PeriodicInformInterval.`, value: '60' },
          { name: `${MS}CWMPRetryMinimumWaitInterval`, value: '0' },
        ],
        'k',
      ),
    9003,
  );
  assert.deepEqual(
    fault.parameterFaults?.map((f) => [f.parameterName, f.faultCode]),
    [
      [`${MS}Nope`, 9005],
      [`${IGD}.DeviceInfo.Manufacturer`, 9008],
      [`${MS}PeriodicInformInterval`, 9006],
      [`${MS}PeriodicInformInterval.`, 9005],
      [`${MS}CWMPRetryMinimumWaitInterval`, 9007],
    ],
  );
  assert.equal(fault.parameterFaults?.[1]?.faultString, 'Attempt to set a non-writable parameter');
  assert.equal(m.get(`${MS}URL`), 'http://127.0.0.1:7547/', 'nothing applied');
  assert.equal(m.get(`${MS}ParameterKey`), '', 'ParameterKey unchanged on failure');
  assert.equal(m.overlaySize(), 0);
});

test('SetParameterValues: the same name twice is 9003', async () => {
  const m = await igdModel();
  const fault = assertFault(() => m.setParameterValues([{ name: `${MS}URL`, value: 'a' }, { name: `${MS}URL`, value: 'b' }], 'k'), 9003);
  assert.equal(fault.parameterFaults, undefined);
  assert.equal(m.get(`${MS}URL`), 'http://127.0.0.1:7547/');
});

test('SetParameterValues validates every type and constraint (9007) and accepts valid values', async () => {
  const m = await igdModel();
  const cases: [string, string[], string[]][] = [
    // [parameter, valid values, invalid values]
    ['PeriodicInformInterval', ['1', '4294967295'], ['0', '-1', '4294967296', 'abc', '1.5', '']],
    ['ManageableDeviceNotificationLimit', ['-1', '2147483647'], ['-2', '2147483648']],
    ['X_CPESIM_Counter', ['-9223372036854775808', '9223372036854775807'], ['9223372036854775808']],
    ['X_CPESIM_Total', ['0', '18446744073709551615'], ['-1', '18446744073709551616']],
    ['PeriodicInformEnable', ['true', 'false', '1', '0'], ['yes', 'TRUE', '']],
    ['PeriodicInformTime', ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.5+01:00', '0001-01-01T00:00:00Z'], ['2024-13-01T00:00:00Z', '2024-01-01', 'now']],
    ['X_CPESIM_Ratio', ['0', '1', '.25', '0.75'], ['1.5', '-0.1', '1e-3', 'x']],
    ['X_CPESIM_Blob', ['', 'AAAA', 'AAE='], ['AAA', '!!!!', 'AAAAAAAA' /* 6 bytes > maxLength 4 */]],
    ['X_CPESIM_Hex', ['', '0a1B'], ['abc', 'zz', '001122' /* 3 bytes > maxLength 2 */]],
    ['X_CPESIM_Mode', ['Off', 'Active'], ['off', 'Other']],
    ['X_CPESIM_Modes', ['', 'Passive', 'Off,Passive,Active'], ['Off,Other', 'Other']],
  ];
  for (const [param, valid, invalid] of cases) {
    for (const value of valid) assert.equal(m.setParameterValues([{ name: MS + param, value }], 'k'), 0, `${param}=${value} should be accepted`);
    for (const value of invalid) {
      const fault = assertFault(() => m.setParameterValues([{ name: MS + param, value }], 'k'), 9003);
      assert.equal(fault.parameterFaults?.[0]?.faultCode, 9007, `${param}=${value} should be 9007`);
    }
  }
  const ssid = `${IGD}.LANDevice.1.WLANConfiguration.1.SSID`;
  assert.equal(m.setParameterValues([{ name: ssid, value: 'x'.repeat(32) }], 'k'), 0);
  assert.equal(assertFault(() => m.setParameterValues([{ name: ssid, value: 'x'.repeat(33) }], 'k'), 9003).parameterFaults?.[0]?.faultCode, 9007);
  m.setParameterValues([{ name: `${MS}X_CPESIM_Counter`, value: '+007' }], 'k');
  assert.equal(m.get(`${MS}X_CPESIM_Counter`), '7', 'integers are stored canonically');
});

test('SetParameterValues with an empty list still sets ParameterKey', async () => {
  const m = await igdModel();
  const list: ParameterValue[] = [];
  assert.equal(m.setParameterValues(list, 'empty'), 0);
  assert.equal(m.get(`${MS}ParameterKey`), 'empty');
});

test('SetParameterValues takes an xsd:string value for a typed parameter when the text parses as that type', async () => {
  const m = await igdModel();
  assert.equal(m.setParameterValues([{ name: `${MS}PeriodicInformInterval`, value: '120', type: 'string' }], 'k1'), 0);
  assert.equal(m.get(`${MS}PeriodicInformInterval`), '120');
  const fault = assertFault(() => m.setParameterValues([{ name: `${MS}PeriodicInformInterval`, value: 'often', type: 'string' }], 'k2'), 9003);
  assert.deepEqual(fault.parameterFaults?.map((f) => f.faultCode), [9007]);
});
