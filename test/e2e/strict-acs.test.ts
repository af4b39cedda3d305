/**
 * Strict-ACS conformance, end to end: for each shipped profile, a real VirtualCpe answers a scripted ACS's
 * RPCs (the real reference ACS over loopback HTTP) and every answer is checked against TR-069 Annex A:
 * GetRPCMethods, GetParameterNames/Values on the root and partial paths, SetParameterValues (valid,
 * read-only, invalid, mixed), attributes, Add/DeleteObject, an unknown method, the SOAP Fault shape, the
 * forced-inform ParameterKey, and every CPE envelope against the BBF schema of the CPE's cwmp version.
 *
 * The tests of one profile share one device and run in order: later ones build on the state earlier ones
 * left (the ParameterKey, table instances), as an ACS's provisioning run would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AcsRequest, CwmpVersion, ParameterInfo, SetParameterAttributesStruct } from '../../src/cwmp/messages.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { startFileServer, type FileServer } from '../cpe/file-server.js';
import { faultOf, responseOf, RIG_REBOOT_MS, soapFaultOf, StrictRig, TR069_CPE_FAULTS, valuesByName } from './strict-harness.js';

interface ProfileCase {
  name: 'tr098' | 'tr181';
  root: string;
  cwmpVersion: CwmpVersion;
  /** A writable table (AddObject/DeleteObject) and its NumberOfEntries parameter. */
  writableTable: string;
  tableCount: string;
  /** A list-valued parameter whose item type is numeric: on the wire it is a string. */
  listParam: string;
  /** A hidden (syntax hidden="true") boolean, when the profile has one. */
  hiddenBoolean?: string;
}

const CASES: ProfileCase[] = [
  {
    name: 'tr098',
    root: 'InternetGatewayDevice',
    cwmpVersion: 0,
    writableTable: 'InternetGatewayDevice.Layer3Forwarding.Forwarding.',
    tableCount: 'InternetGatewayDevice.Layer3Forwarding.ForwardNumberOfEntries',
    listParam: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.TransmitPowerSupported',
    hiddenBoolean: 'InternetGatewayDevice.DeviceInfo.TemperatureStatus.TemperatureSensor.1.Reset',
  },
  {
    name: 'tr181',
    root: 'Device',
    cwmpVersion: 2,
    writableTable: 'Device.DNS.Client.Server.',
    tableCount: 'Device.DNS.Client.ServerNumberOfEntries',
    listParam: 'Device.WiFi.Radio.1.TransmitPowerSupported',
  },
];

/** The data-model RPCs TR-069 requires a CPE to support (Reboot and Download are checked separately). */
const DATA_MODEL_METHODS = [
  'GetRPCMethods',
  'GetParameterNames',
  'GetParameterValues',
  'SetParameterValues',
  'GetParameterAttributes',
  'SetParameterAttributes',
  'AddObject',
  'DeleteObject',
];

const LIMIT = { timeout: 30_000 };
/** Values rendered from the clock ({{uptime}}, {{now}}, the DeviceInfo value generators): they move between two reads. */
const CLOCK_DRIVEN = /\.(Up[Tt]ime|CurrentLocalTime|CPUUsage|MemoryStatus\.Free)$/;

const isObjectName = (name: string) => name.endsWith('.');
const instancesOf = (table: string, list: readonly ParameterInfo[]) =>
  list.map((p) => p.name).filter((n) => n.startsWith(table) && /^\d+\.$/.test(n.slice(table.length))).map((n) => Number(n.slice(table.length, -1)));

function attributes(name: string, notification: 0 | 1 | 2 | undefined, accessList?: string[]): SetParameterAttributesStruct {
  return {
    name,
    notificationChange: notification !== undefined,
    notification: notification ?? 0,
    accessListChange: accessList !== undefined,
    accessList: accessList ?? [],
  };
}

for (const c of CASES) {
  describe(`strict ACS conformance, --profile ${c.name}`, () => {
    const root = `${c.root}.`;
    const MS = `${root}ManagementServer.`;
    const PII = `${MS}PeriodicInformInterval`;
    const PARAMETER_KEY = `${MS}ParameterKey`;
    const PASSWORD = `${MS}ConnectionRequestPassword`;
    const INSTANCE_MODE = `${MS}InstanceMode`; // enumeration: InstanceNumber | InstanceAlias
    const DEVICE_INFO = `${root}DeviceInfo.`;
    const MANUFACTURER = `${DEVICE_INFO}Manufacturer`; // read-only
    const UPTIME = `${DEVICE_INFO}UpTime`; // activeNotify canDeny
    const SOFTWARE_VERSION = `${DEVICE_INFO}SoftwareVersion`; // activeNotify forceEnabled
    const READ_ONLY_TABLE = `${DEVICE_INFO}VendorConfigFile.`;
    let rig: StrictRig;
    let files: FileServer;
    /** GetParameterNames "" NextLevel false: the whole tree, for later comparisons. */
    let tree: ParameterInfo[] = [];
    let deviceInfoCount = 0;

    before(async () => {
      rig = await StrictRig.start(c.name);
      files = await startFileServer();
    });
    after(async () => {
      await rig?.cpe.stop();
      await rig?.close();
      await files?.close();
    });

    it('BOOTSTRAP session: Inform in the profile version with 0 BOOTSTRAP + 1 BOOT and an empty ParameterKey', LIMIT, async () => {
      await rig.session([]);
      const inform = rig.lastInform();
      assert.equal(inform.cwmpVersion, c.cwmpVersion);
      assert.deepEqual(inform.events.map((e) => e.code).sort(), ['0 BOOTSTRAP', '1 BOOT']);
      assert.equal(valuesByName(inform.parameters).get(PARAMETER_KEY)?.value, '');
    });

    it('GetRPCMethods lists the data-model methods; listed methods work, unlisted ones fault 9000', LIMIT, async () => {
      const [answer] = await rig.session([{ method: 'GetRPCMethods' }]);
      const methods = responseOf(answer!, 'GetRPCMethodsResponse').methodList;
      for (const m of DATA_MODEL_METHODS) assert.ok(methods.includes(m), `${m} missing from ${methods.join(', ')}`);
      assert.equal(new Set(methods).size, methods.length, 'no duplicates');
      const unlisted: AcsRequest[] = [
        { method: 'Reboot', commandKey: 'rb' },
        { method: 'FactoryReset' },
        { method: 'ScheduleInform', delaySeconds: 5, commandKey: 'si' },
      ];
      const answers = await rig.session(unlisted.filter((r) => !methods.includes(r.method)));
      for (const a of answers) faultOf(a, 9000);
    });

    it('TR-069 required methods Reboot and Download are listed', LIMIT, async () => {
      const [answer] = await rig.session([{ method: 'GetRPCMethods' }]);
      const methods = responseOf(answer!, 'GetRPCMethodsResponse').methodList;
      assert.ok(methods.includes('Reboot') && methods.includes('Download'), methods.join(', '));
    });

    it('GetParameterNames: "" and root, NextLevel true/false, partial paths, parameters, unknown names, writable flags', LIMIT, async () => {
      const answers = await rig.session([
        { method: 'GetParameterNames', parameterPath: '', nextLevel: true },
        { method: 'GetParameterNames', parameterPath: '', nextLevel: false },
        { method: 'GetParameterNames', parameterPath: root, nextLevel: true },
        { method: 'GetParameterNames', parameterPath: MS, nextLevel: false },
        { method: 'GetParameterNames', parameterPath: PII, nextLevel: false },
        { method: 'GetParameterNames', parameterPath: PII, nextLevel: true },
        { method: 'GetParameterNames', parameterPath: `${root}X_ACME_Nothing.`, nextLevel: false },
        { method: 'GetParameterNames', parameterPath: `${DEVICE_INFO}NoSuchParameter`, nextLevel: false },
        { method: 'GetParameterNames', parameterPath: c.writableTable, nextLevel: false },
        { method: 'GetParameterNames', parameterPath: READ_ONLY_TABLE, nextLevel: false },
        { method: 'GetParameterNames', parameterPath: DEVICE_INFO, nextLevel: true },
      ]);
      const list = (i: number) => responseOf(answers[i]!, 'GetParameterNamesResponse').parameterList;

      // "" with NextLevel true names only the root object (A.3.2.3).
      assert.deepEqual(list(0), [{ name: root, writable: false }]);

      // "" with NextLevel false: the root and everything below it, each name once.
      tree = list(1);
      assert.equal(tree[0]?.name, root);
      assert.ok(tree.every((p) => p.name.startsWith(root)));
      assert.equal(new Set(tree.map((p) => p.name)).size, tree.length, 'no name twice');
      assert.ok(tree.filter((p) => !isObjectName(p.name)).length > 500, `only ${tree.length} names`);

      // Root with NextLevel true: the immediate children, not the root, nothing deeper.
      const children = list(2).map((p) => p.name);
      assert.ok(!children.includes(root));
      for (const name of children) assert.match(name.slice(root.length), /^[A-Za-z_][\w-]*\.?$/, `${name} is not an immediate child`);
      assert.ok(children.includes(DEVICE_INFO) && children.includes(MS), children.join(' '));
      assert.deepEqual(children, tree.map((p) => p.name).filter((n) => n !== root && /^[^.]+\.?$/.test(n.slice(root.length))));

      // A partial path with NextLevel false: the object itself and all of its descendants, as in the full tree.
      assert.deepEqual(list(3), tree.filter((p) => p.name.startsWith(MS)));
      assert.equal(list(3)[0]?.name, MS);

      // A parameter: NextLevel false names it alone; NextLevel true is invalid (9003).
      assert.deepEqual(list(4), [{ name: PII, writable: true }]);
      faultOf(answers[5]!, 9003);
      faultOf(answers[6]!, 9005);
      faultOf(answers[7]!, 9005);

      // Writable flags: a table and its instances say whether AddObject/DeleteObject apply.
      const writableTable = list(8);
      assert.deepEqual(writableTable[0], { name: c.writableTable, writable: true });
      const instances = instancesOf(c.writableTable, writableTable);
      assert.ok(instances.length > 0, 'the writable table has instances');
      for (const n of instances) assert.deepEqual(writableTable.find((p) => p.name === `${c.writableTable}${n}.`), { name: `${c.writableTable}${n}.`, writable: true });
      const readOnlyTable = list(9);
      assert.deepEqual(readOnlyTable[0], { name: READ_ONLY_TABLE, writable: false });
      assert.ok(instancesOf(READ_ONLY_TABLE, readOnlyTable).length > 0);
      for (const p of readOnlyTable.filter((x) => isObjectName(x.name))) assert.equal(p.writable, false, p.name);
      // A single object is never writable; its read-only parameters say so.
      assert.equal(tree.find((p) => p.name === DEVICE_INFO)?.writable, false);
      assert.deepEqual(list(10).find((p) => p.name === MANUFACTURER), { name: MANUFACTURER, writable: false });
    });

    it('GetParameterValues: root count equals GetParameterNames, partial paths, xsi types, hidden values, 9005', LIMIT, async () => {
      const named = [PII, MANUFACTURER, `${MS}PeriodicInformEnable`, `${MS}PeriodicInformTime`, PASSWORD, c.listParam];
      if (c.hiddenBoolean) named.push(c.hiddenBoolean);
      const answers = await rig.session([
        { method: 'GetParameterValues', parameterNames: [root] },
        { method: 'GetParameterValues', parameterNames: [DEVICE_INFO] },
        { method: 'GetParameterValues', parameterNames: named },
        { method: 'GetParameterValues', parameterNames: [PII, `${DEVICE_INFO}NoSuchParameter`] },
        { method: 'GetParameterValues', parameterNames: [`${root}X_ACME_Nothing.`] },
      ]);
      const all = responseOf(answers[0]!, 'GetParameterValuesResponse').parameterList;
      const parameterNames = tree.map((p) => p.name).filter((n) => !isObjectName(n));
      assert.equal(all.length, parameterNames.length, 'GPV on the root returns every parameter GPN reports');
      assert.deepEqual(all.map((p) => p.name), parameterNames);
      for (const p of all) assert.ok(p.type !== undefined, `${p.name} has no xsi:type`);

      const deviceInfo = responseOf(answers[1]!, 'GetParameterValuesResponse').parameterList;
      deviceInfoCount = deviceInfo.length;
      // Same names, types and values as the root's slice, but for clock-driven values (a second may tick between the two).
      const steady = (ps: typeof all) => ps.map((p) => (CLOCK_DRIVEN.test(p.name) ? { ...p, value: '(clock)' } : p));
      assert.deepEqual(steady(deviceInfo), steady(all.filter((p) => p.name.startsWith(DEVICE_INFO))));

      const values = valuesByName(responseOf(answers[2]!, 'GetParameterValuesResponse').parameterList);
      assert.deepEqual([...values.keys()], named, 'named parameters come back in request order');
      assert.deepEqual(values.get(PII), { name: PII, value: '300', type: 'unsignedInt' });
      assert.deepEqual(values.get(MANUFACTURER), { name: MANUFACTURER, value: 'cpesim', type: 'string' });
      assert.equal(values.get(`${MS}PeriodicInformEnable`)?.type, 'boolean');
      assert.equal(values.get(`${MS}PeriodicInformTime`)?.type, 'dateTime');
      // Passwords read back empty (TR-069: the CPE returns an empty string for them).
      assert.deepEqual(values.get(PASSWORD), { name: PASSWORD, value: '', type: 'string' });
      // A list is a comma-separated string on the wire whatever its item type (regression: was xsd:int/unsignedInt).
      assert.equal(values.get(c.listParam)?.type, 'string');
      // A hidden boolean reads as its null value "false", not "" (regression: "" is no xsd:boolean).
      if (c.hiddenBoolean) assert.deepEqual(values.get(c.hiddenBoolean), { name: c.hiddenBoolean, value: 'false', type: 'boolean' });

      faultOf(answers[3]!, 9005);
      faultOf(answers[4]!, 9005);
    });

    it('SetParameterValues: valid, read-only 9008, invalid 9007, unknown 9005, mixed requests apply nothing', LIMIT, async () => {
      const spv = (parameterKey: string, ...list: [string, string, ('unsignedInt' | 'string')?][]): AcsRequest => ({
        method: 'SetParameterValues',
        parameterKey,
        parameterList: list.map(([name, value, type]) => ({ name, value, type: type ?? 'string' })),
      });
      const unknown = `${MS}X_ACME_Nothing`;
      const answers = await rig.session([
        spv('pk-set', [PII, '777', 'unsignedInt']),
        { method: 'GetParameterValues', parameterNames: [PII, PARAMETER_KEY] },
        spv('pk-ro', [MANUFACTURER, 'ACME']),
        spv('pk-abc', [PII, 'abc', 'unsignedInt']),
        spv('pk-range', [PII, '0', 'unsignedInt']), // range min 1
        spv('pk-overflow', [PII, '4294967296', 'unsignedInt']),
        spv('pk-enum', [INSTANCE_MODE, 'InstanceBogus']),
        spv('pk-unknown', [unknown, '1']),
        spv('pk-mixed', [PII, '900', 'unsignedInt'], [INSTANCE_MODE, 'InstanceBogus'], [MANUFACTURER, 'ACME'], [unknown, '1']),
        { method: 'GetParameterValues', parameterNames: [PII, PARAMETER_KEY, INSTANCE_MODE, MANUFACTURER] },
        spv('pk-pw', [PASSWORD, 'new-secret']),
        { method: 'GetParameterValues', parameterNames: [PASSWORD, PARAMETER_KEY] },
      ]);
      assert.deepEqual(responseOf(answers[0]!, 'SetParameterValuesResponse').status, 0);
      assert.deepEqual(responseOf(answers[1]!, 'GetParameterValuesResponse').parameterList.map((p) => p.value), ['777', 'pk-set']);

      const rejected = (i: number, expected: [string, number][]) => {
        const fault = faultOf(answers[i]!, 9003);
        assert.deepEqual(fault.setParameterValuesFaults?.map((f) => [f.parameterName, f.faultCode]), expected);
      };
      rejected(2, [[MANUFACTURER, 9008]]);
      rejected(3, [[PII, 9007]]);
      rejected(4, [[PII, 9007]]);
      rejected(5, [[PII, 9007]]);
      rejected(6, [[INSTANCE_MODE, 9007]]);
      rejected(7, [[unknown, 9005]]);
      // Every failing parameter is listed, the valid one is not, and nothing was applied (not even the key).
      rejected(8, [[INSTANCE_MODE, 9007], [MANUFACTURER, 9008], [unknown, 9005]]);
      assert.deepEqual(
        responseOf(answers[9]!, 'GetParameterValuesResponse').parameterList.map((p) => p.value),
        ['777', 'pk-set', 'InstanceNumber', 'cpesim'],
      );

      assert.equal(responseOf(answers[10]!, 'SetParameterValuesResponse').status, 0);
      assert.deepEqual(responseOf(answers[11]!, 'GetParameterValuesResponse').parameterList.map((p) => p.value), ['', 'pk-pw']);

      // The next Inform carries the new ParameterKey among its forced-inform parameters.
      await rig.session([]);
      assert.equal(valuesByName(rig.lastInform().parameters).get(PARAMETER_KEY)?.value, 'pk-pw');
    });

    it('Get/SetParameterAttributes: Notification 0/1/2 and AccessList round trip, partial path, 9009, all-or-nothing', LIMIT, async () => {
      const spa = (...list: SetParameterAttributesStruct[]): AcsRequest => ({ method: 'SetParameterAttributes', parameterList: list });
      const gpa = (...parameterNames: string[]): AcsRequest => ({ method: 'GetParameterAttributes', parameterNames });
      const answers = await rig.session([
        gpa(PII),
        spa(attributes(PII, 1, ['Subscriber'])),
        gpa(PII),
        spa(attributes(PII, 2)),
        gpa(PII),
        spa(attributes(PII, 0, [])),
        gpa(PII),
        spa(attributes(UPTIME, 2)), // canDeny: active notification refused
        spa(attributes(SOFTWARE_VERSION, 0)), // forceEnabled: cannot be switched off
        spa(attributes(PII, 1), attributes(UPTIME, 2)), // one refusal: nothing applies
        gpa(PII, UPTIME),
        gpa(DEVICE_INFO),
        spa(attributes(DEVICE_INFO, 1)),
        gpa(DEVICE_INFO),
        gpa(`${DEVICE_INFO}NoSuchParameter`),
        spa(attributes(`${root}X_ACME_Nothing.`, 1)),
      ]);
      const attrs = (i: number) => responseOf(answers[i]!, 'GetParameterAttributesResponse').parameterList;
      assert.deepEqual(attrs(0), [{ name: PII, notification: 0, accessList: [] }]);
      for (const i of [1, 3, 5, 12]) responseOf(answers[i]!, 'SetParameterAttributesResponse');
      assert.deepEqual(attrs(2), [{ name: PII, notification: 1, accessList: ['Subscriber'] }]);
      assert.deepEqual(attrs(4), [{ name: PII, notification: 2, accessList: ['Subscriber'] }], 'AccessList kept when AccessListChange is false');
      assert.deepEqual(attrs(6), [{ name: PII, notification: 0, accessList: [] }]);
      faultOf(answers[7]!, 9009);
      faultOf(answers[8]!, 9009);
      faultOf(answers[9]!, 9009);
      assert.deepEqual(attrs(10).map((a) => a.notification), [0, 0], 'refused requests changed nothing');

      // A partial path sets every parameter below it; those whose activeNotify forbids 1 keep their value.
      const before = attrs(11);
      const afterSet = attrs(13);
      assert.equal(before.length, deviceInfoCount, 'GPA on a partial path covers the same parameters as GPV');
      assert.deepEqual(afterSet.map((a) => a.name), before.map((a) => a.name));
      for (const [k, a] of afterSet.entries()) {
        const kept = before[k]!.notification === 2 && a.notification === 2; // forceEnabled parameters
        assert.ok(a.notification === 1 || kept, `${a.name}: notification ${a.notification}`);
      }
      assert.equal(afterSet.find((a) => a.name === UPTIME)?.notification, 1, 'canDeny only refuses 2');
      assert.equal(afterSet.find((a) => a.name === SOFTWARE_VERSION)?.notification, 2, 'forceEnabled stays 2');
      faultOf(answers[14]!, 9005);
      faultOf(answers[15]!, 9005);
      // Back to the profile's notifications: later tests check their Informs' events exactly, and a passive
      // UpTime (or CPU gauge) would rightly add "4 VALUE CHANGE" to each.
      await rig.session([spa(attributes(DEVICE_INFO, 0))]);
    });

    it('AddObject/DeleteObject: instance numbers, NumberOfEntries, new instance readable, monotonic numbers, 9005', LIMIT, async () => {
      const table = c.writableTable;
      const add = (objectName: string, parameterKey = 'pk-add'): AcsRequest => ({ method: 'AddObject', objectName, parameterKey });
      const del = (objectName: string, parameterKey = 'pk-del'): AcsRequest => ({ method: 'DeleteObject', objectName, parameterKey });
      const count: AcsRequest = { method: 'GetParameterValues', parameterNames: [c.tableCount] };
      const gpnTable: AcsRequest = { method: 'GetParameterNames', parameterPath: table, nextLevel: true };
      const first = await rig.session([
        gpnTable,
        count,
        add(table, 'pk-add-1'),
        count,
        gpnTable,
        add(DEVICE_INFO), // a single object
        add(READ_ONLY_TABLE), // a read-only table
        add(table.slice(0, -1)), // the table without its trailing dot
        add(`${table}1.`), // an instance, not a table
        del(table), // a table, not an instance
        del(`${table}999.`), // no such instance
        { method: 'GetParameterValues', parameterNames: [PARAMETER_KEY] },
      ]);
      const countOf = (a: (typeof first)[number]) => Number(responseOf(a, 'GetParameterValuesResponse').parameterList[0]!.value);
      const initial = instancesOf(table, responseOf(first[0]!, 'GetParameterNamesResponse').parameterList);
      assert.equal(countOf(first[1]!), initial.length);
      const added = responseOf(first[2]!, 'AddObjectResponse');
      assert.equal(added.status, 0);
      const n1 = added.instanceNumber;
      assert.ok(n1 > Math.max(0, ...initial), `instance ${n1} after ${initial.join(',')}`);
      assert.equal(countOf(first[3]!), initial.length + 1, 'NumberOfEntries +1');
      assert.deepEqual(
        responseOf(first[4]!, 'GetParameterNamesResponse').parameterList,
        [...initial, n1].map((n) => ({ name: `${table}${n}.`, writable: true })),
      );
      for (const i of [5, 6, 7, 8, 9, 10]) faultOf(first[i]!, 9005);
      // Only a successful AddObject/DeleteObject sets the ParameterKey.
      assert.equal(responseOf(first[11]!, 'GetParameterValuesResponse').parameterList[0]?.value, 'pk-add-1');

      const instance = `${table}${n1}.`;
      const second = await rig.session([
        { method: 'GetParameterValues', parameterNames: [instance] },
        { method: 'GetParameterNames', parameterPath: instance, nextLevel: false },
        del(instance, 'pk-del-1'),
        { method: 'GetParameterValues', parameterNames: [instance] },
        count,
        gpnTable,
        add(table, 'pk-add-2'),
        { method: 'GetParameterValues', parameterNames: [PARAMETER_KEY] },
      ]);
      const values = responseOf(second[0]!, 'GetParameterValuesResponse').parameterList;
      assert.ok(values.length > 0 && values.every((p) => p.name.startsWith(instance)), 'the new instance has readable parameters');
      const names = responseOf(second[1]!, 'GetParameterNamesResponse').parameterList;
      assert.deepEqual(names[0], { name: instance, writable: true });
      assert.deepEqual(names.filter((p) => !isObjectName(p.name)).map((p) => p.name), values.map((p) => p.name));
      assert.equal(responseOf(second[2]!, 'DeleteObjectResponse').status, 0);
      faultOf(second[3]!, 9005);
      assert.equal(countOf(second[4]!), initial.length, 'NumberOfEntries -1');
      assert.deepEqual(responseOf(second[5]!, 'GetParameterNamesResponse').parameterList.map((p) => p.name), initial.map((n) => `${table}${n}.`));
      const n2 = responseOf(second[6]!, 'AddObjectResponse').instanceNumber;
      assert.ok(n2 > n1, `instance numbers are not reused: ${n2} after ${n1}`);
      assert.equal(responseOf(second[7]!, 'GetParameterValuesResponse').parameterList[0]?.value, 'pk-add-2');
    });

    it('an unknown method faults 9000; the Inform carries the last ParameterKey', LIMIT, async () => {
      const [answer] = await rig.session([{ method: 'Unknown', name: 'X_ACME_Frobnicate' }]);
      faultOf(answer!, 9000);
      assert.equal(valuesByName(rig.lastInform().parameters).get(PARAMETER_KEY)?.value, 'pk-add-2');
    });

    it('SOAP Faults: faultstring "CWMP fault", TR-069 FaultStrings, per-parameter faults, faultcode Client where TR-069 says Client', LIMIT, () => {
      const faults = rig.exchanges.filter((e) => e.answer.method === 'Fault');
      assert.ok(faults.length >= 25, `only ${faults.length} faults seen`);
      const seen = new Set<number>();
      for (const { request, answer, xml } of faults) {
        const soap = soapFaultOf(xml);
        assert.ok(soap, `not a SOAP Fault envelope: ${xml}`);
        const code = soap.cwmp.faultCode;
        seen.add(code);
        const tr069 = TR069_CPE_FAULTS[code];
        assert.ok(tr069, `${request.method}: fault ${code} is not a CPE fault TR-069 defines here`);
        assert.equal(soap.faultstring, 'CWMP fault');
        assert.equal(soap.cwmp.faultString, tr069.text, `FaultString of ${code}`);
        assert.deepEqual(soap.cwmp.faultCode, (answer as { fault: { faultCode: number } }).fault.faultCode);
        for (const entry of soap.cwmp.setParameterValuesFaults ?? []) {
          seen.add(entry.faultCode);
          assert.equal(entry.faultString, TR069_CPE_FAULTS[entry.faultCode]?.text, `${entry.parameterName}: FaultString of ${entry.faultCode}`);
        }
        assert.equal((soap.cwmp.setParameterValuesFaults ?? []).length > 0, request.method === 'SetParameterValues', 'SetParameterValuesFault only for SPV');
        if (tr069.soap === 'Client') assert.equal(soap.faultcode, 'Client', `${request.method} fault ${code}`);
        else assert.ok(soap.faultcode === 'Client' || soap.faultcode === 'Server', soap.faultcode);
      }
      assert.deepEqual([...seen].sort(), [9000, 9003, 9005, 9007, 9008, 9009]);
    });

    it('SOAP Faults: faultcode Server where TR-069 says Server (9000, 9009)', LIMIT, () => {
      const wrong = rig.exchanges
        .map((e) => soapFaultOf(e.xml))
        .filter((f) => f !== undefined && TR069_CPE_FAULTS[f.cwmp.faultCode]?.soap === 'Server' && f.faultcode !== 'Server')
        .map((f) => `${f!.cwmp.faultCode}: ${f!.faultcode}`);
      assert.deepEqual(wrong, []);
    });

    // After the SOAP Fault checks, which count the faults seen so far.
    it('Reboot: RebootResponse; after the reboot the next Inform has 1 BOOT + M Reboot with the CommandKey, UpTime restarted', LIMIT, async () => {
      const [spv, answer] = await rig.session([
        { method: 'SetParameterValues', parameterList: [{ name: PII, value: '1234', type: 'unsignedInt' }], parameterKey: 'pk-rb' },
        { method: 'Reboot', commandKey: `rb-${c.name}` },
      ]);
      assert.equal(responseOf(spv!, 'SetParameterValuesResponse').status, 0);
      responseOf(answer!, 'RebootResponse');
      const wait = rig.lastResult?.wakeAfterMs;
      assert.ok(wait !== undefined && wait > 0 && wait <= RIG_REBOOT_MS, `wakeAfterMs ${wait}`);
      assert.equal((await rig.cpe.runSession(performance.now())).offline, true, 'offline while rebooting');
      await new Promise((r) => setTimeout(r, wait + 10));
      const [values] = await rig.session([{ method: 'GetParameterValues', parameterNames: [UPTIME, PII] }]);
      const inform = rig.lastInform();
      assert.deepEqual(inform.events.map((e) => [e.code, e.commandKey]).sort(), [['1 BOOT', ''], ['M Reboot', `rb-${c.name}`]]);
      const got = valuesByName(responseOf(values!, 'GetParameterValuesResponse').parameterList);
      assert.equal(got.get(UPTIME)?.value, '0');
      assert.equal(got.get(PII)?.value, '1234', 'configuration survives the reboot');
      assert.equal(valuesByName(inform.parameters).get(PARAMETER_KEY)?.value, 'pk-rb');
    });

    it('ScheduleInform: ScheduleInformResponse (DelaySeconds 0 faults 9003); DelaySeconds later an Inform with 3 SCHEDULED + M ScheduleInform', LIMIT, async () => {
      const key = `si-${c.name}`;
      const [zero, answer] = await rig.session([
        { method: 'ScheduleInform', delaySeconds: 0, commandKey: 'si-zero' },
        { method: 'ScheduleInform', delaySeconds: 1, commandKey: key },
      ]);
      faultOf(zero!, 9003);
      responseOf(answer!, 'ScheduleInformResponse');
      // The session's result tells the scheduler when (the periodic informs go on: this is no wakeAfterMs).
      const wait = rig.lastResult?.scheduledInformMs;
      assert.ok(wait !== undefined && wait > 0 && wait <= 1000, `scheduledInformMs ${wait}`);
      assert.equal(rig.lastResult?.wakeAfterMs, undefined);
      await new Promise((r) => setTimeout(r, wait + 10));
      await rig.session([]);
      assert.deepEqual(rig.lastInform().events.map((e) => [e.code, e.commandKey]).sort(), [['3 SCHEDULED', ''], ['M ScheduleInform', key]]);
      assert.equal(rig.lastResult?.scheduledInformMs, undefined, 'nothing more is scheduled');
      await rig.session([]);
      assert.deepEqual(rig.lastInform().events, [], 'the events went out once');
    });

    it('Download: DownloadResponse Status 1, the file is fetched, the ACS receives TransferComplete FaultCode 0 with the CommandKey', LIMIT, async () => {
      const key = `dl-${c.name}`;
      const requestsBefore = rig.sessionRequests.length;
      const [answer] = await rig.session([
        {
          method: 'Download',
          commandKey: key,
          fileType: '3 Vendor Configuration File',
          url: `${files.origin}/file.bin`,
          username: '',
          password: '',
          fileSize: 100_000,
          targetFileName: 'cfg.bin',
          delaySeconds: 0,
          successUrl: '',
          failureUrl: '',
        },
      ]);
      assert.deepEqual(responseOf(answer!, 'DownloadResponse'), {
        method: 'DownloadResponse',
        status: 1,
        startTime: '0001-01-01T00:00:00Z',
        completeTime: '0001-01-01T00:00:00Z',
      });
      await rig.waitForSessionRequests(requestsBefore + 1);
      assert.ok(files.requests.some((r) => r.path === '/file.bin'), 'the CPE fetched the file');
      await rig.session([], { cpeRequests: 1 });
      const inform = rig.lastInform();
      assert.deepEqual(inform.events.map((e) => [e.code, e.commandKey]).sort(), [['7 TRANSFER COMPLETE', ''], ['M Download', key]]);
      const [tc, ...more] = rig.transferCompletes();
      assert.equal(more.length, 0);
      assert.equal(tc?.commandKey, key);
      assert.deepEqual(tc?.fault, { faultCode: 0, faultString: '' });
      // Acknowledged by the ACS: the next session neither resends it nor repeats the events.
      await rig.session([]);
      assert.deepEqual(rig.lastInform().events, []);
      assert.equal(rig.transferCompletes().length, 1);
    });

    it('Upload: UploadResponse Status 1, a real PUT of the configuration, then TransferComplete 0 with M Upload; queue listing', LIMIT, async () => {
      const key = `up-${c.name}`;
      const requestsBefore = rig.sessionRequests.length;
      const [answer, queued] = await rig.session([
        { method: 'Upload', commandKey: key, fileType: '1 Vendor Configuration File', url: `${files.origin}/file.bin`, username: '', password: '', delaySeconds: 0 },
        { method: 'GetQueuedTransfers' },
      ]);
      assert.deepEqual(responseOf(answer!, 'UploadResponse'), { method: 'UploadResponse', status: 1, startTime: '0001-01-01T00:00:00Z', completeTime: '0001-01-01T00:00:00Z' });
      assert.deepEqual(responseOf(queued!, 'GetQueuedTransfersResponse').transferList, [{ commandKey: key, state: 1 }]);
      await rig.waitForSessionRequests(requestsBefore + 1);
      await rig.session([], { cpeRequests: 1 });
      assert.deepEqual(rig.lastInform().events.map((e) => [e.code, e.commandKey]).sort(), [['7 TRANSFER COMPLETE', ''], ['M Upload', key]]);
      const tc = rig.transferCompletes().at(-1);
      assert.equal(tc?.commandKey, key);
      assert.deepEqual(tc?.fault, { faultCode: 0, faultString: '' });
    });

    it('FactoryReset: FactoryResetResponse; after the reboot 0 BOOTSTRAP + 1 BOOT and the profile values again', LIMIT, async () => {
      const [spv, answer] = await rig.session([
        { method: 'SetParameterValues', parameterList: [{ name: PII, value: '4321', type: 'unsignedInt' }], parameterKey: 'pk-fr' },
        { method: 'FactoryReset' },
      ]);
      assert.equal(responseOf(spv!, 'SetParameterValuesResponse').status, 0);
      responseOf(answer!, 'FactoryResetResponse');
      const wait = rig.lastResult?.wakeAfterMs;
      assert.ok(wait !== undefined && wait > 0 && wait <= RIG_REBOOT_MS, `wakeAfterMs ${wait}`);
      await new Promise((r) => setTimeout(r, wait + 10));
      const [values] = await rig.session([{ method: 'GetParameterValues', parameterNames: [PII] }]);
      assert.deepEqual(rig.lastInform().events.map((e) => e.code).sort(), ['0 BOOTSTRAP', '1 BOOT']);
      assert.notEqual(valuesByName(responseOf(values!, 'GetParameterValuesResponse').parameterList).get(PII)?.value, '4321');
      assert.equal(valuesByName(rig.lastInform().parameters).get(PARAMETER_KEY)?.value, '', 'ParameterKey back to the profile');
    });

    it(`every envelope the CPE sent validates against cwmp-1-${c.cwmpVersion}.xsd`, LIMIT, () => {
      const xmls = rig.acs.messages;
      assert.ok(xmls.length >= 60, `only ${xmls.length} envelopes`);
      for (const xml of xmls) assert.ok(xml.includes(`"urn:dslforum-org:cwmp-1-${c.cwmpVersion}"`), 'speaks the profile version');
      validateCwmpEnvelopes(xmls, c.cwmpVersion).forEach((result, i) => {
        assert.ok(result.ok, `envelope ${i} does not validate:\n${result.output.slice(0, 2000)}\n${xmls[i]!.slice(0, 600)}`);
      });
    });
  });
}
