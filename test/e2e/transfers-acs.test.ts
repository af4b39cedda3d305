/**
 * The transfer and software-module features end to end: one real VirtualCpe (the shipped TR-181 profile, cwmp-1-2,
 * plus a firmware rule) over loopback HTTP against the real reference ACS, which issues the RPCs, serves the files
 * from its own file store and receives the CPE's reports. Every envelope the CPE sent is validated against the
 * BBF cwmp-1-2 schema. Covers the Table 7 events these features produce: 1 BOOT, 7 TRANSFER COMPLETE with
 * M Download / M ScheduleDownload, 9 REQUEST DOWNLOAD, 10 AUTONOMOUS TRANSFER COMPLETE, 11 DU STATE CHANGE
 * COMPLETE with M ChangeDUState, 12 AUTONOMOUS DU STATE CHANGE COMPLETE (and their state-file persistence).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { checkCpeSnapshot } from '../../src/cpe/cpe-snapshot.js';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import type {
  AcsRequest,
  AutonomousDuStateChangeCompleteRequest,
  AutonomousTransferCompleteRequest,
  CpeMessage,
  CwmpVersion,
  DuStateChangeCompleteRequest,
  FaultStruct,
  InformRequest,
  ScheduleDownloadRequest,
  TimeWindow,
  TransferCompleteRequest,
} from '../../src/cwmp/messages.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import { PROFILES_DIR } from '../../src/paths.js';
import { REFUSING_ORIGIN } from '../support/loopback.js';
import { waitFor } from '../support/wait.js';
import { RecordingObserver } from '../cpe/scripted-acs.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';

const LIMIT = { timeout: 60_000 };
const REBOOT_MS = 200;
const SW = 'Device.DeviceInfo.SoftwareVersion';
const SM = 'Device.SoftwareModules.';
const FIRMWARE = '1 Firmware Upgrade Image';
const FW_BYTES = Buffer.alloc(20_000, 0x42);

let profileText = '';

async function tr181WithFirmwareRule(cwmpVersion?: CwmpVersion) {
  profileText ||= await readFile(join(PROFILES_DIR, 'tr181.yaml'), 'utf8');
  const text = cwmpVersion === undefined ? profileText : profileText.replace(/^cwmpVersion: \d$/m, `cwmpVersion: ${cwmpVersion}`);
  return compileProfileText(`${text}\nfirmware:\n  softwareVersion: from-filename\n`, 'tr181-firmware.yaml');
}

/** One CPE and the reference ACS; `session()` runs one CWMP session with the RPCs queued for it. */
class Rig {
  readonly sessionRequests: number[] = [];
  readonly observer = new RecordingObserver();
  cpe!: VirtualCpe;
  key = '';
  private constructor(readonly acs: ReferenceAcs) {}

  static async start(opts: { confirmDownloads?: boolean; retryWaitMs?: number; cwmpVersion?: CwmpVersion } = {}): Promise<Rig> {
    const acs = await startReferenceAcs({ recordMessages: true, provision: false });
    const rig = new Rig(acs);
    rig.cpe = new VirtualCpe({
      index: 11,
      profile: await tr181WithFirmwareRule(opts.cwmpVersion),
      acs: { url: acs.url, requestTimeoutMs: 10_000 },
      observer: rig.observer,
      connectionRequestUrl: 'http://127.0.0.1:7547/cr11',
      rebootDurationMs: REBOOT_MS,
      transferLimits: { requestTimeoutMs: 3000, retryWaitMs: opts.retryWaitMs ?? 100 },
      confirmDownloads: opts.confirmDownloads ?? false,
      requestSession: (delayMs) => rig.sessionRequests.push(delayMs),
    });
    rig.key = deviceKey(rig.cpe.model.deviceId());
    return rig;
  }

  /** Queues `requests`, runs one session (waiting for a reboot to end first) and returns the CPE's answers. */
  async session(requests: readonly AcsRequest[] = []): Promise<CpeMessage[]> {
    const pending = requests.map((r) => this.acs.enqueue(this.key, r));
    while (this.cpe.offlineForMs() > 0) await new Promise((r) => setTimeout(r, this.cpe.offlineForMs() + 5));
    const result = await this.cpe.runSession(performance.now());
    assert.ok(result.ok, `session failed: ${JSON.stringify(result)} ${JSON.stringify(this.observer.failures)}`);
    return Promise.all(pending);
  }

  /** Waits until the CPE asked for `count` sessions of its own in all (work finished between sessions). */
  async waitForSessionRequests(count: number): Promise<void> {
    await waitFor(`${count} session request(s)`, () => this.sessionRequests.length >= count, 20_000);
  }

  informs(): InformRequest[] {
    return this.sent().filter((b): b is InformRequest => b.method === 'Inform');
  }

  lastEvents(): string[] {
    return this.informs().at(-1)!.events.map((e) => (e.commandKey ? `${e.code}/${e.commandKey}` : e.code)).sort();
  }

  sent(): CpeMessage[] {
    return this.acs.messages.map((xml) => parseCpeMessage(xml).body);
  }

  async values(names: string[]): Promise<Map<string, string>> {
    const [answer] = await this.session([{ method: 'GetParameterValues', parameterNames: names }]);
    assert.equal(answer?.method, 'GetParameterValuesResponse', JSON.stringify(answer));
    return new Map((answer as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => [p.name, p.value]));
  }

  /** Every envelope the CPE sent validates against cwmp-1-2.xsd. */
  assertSchemaValid(): void {
    const xmls = this.acs.messages;
    validateCwmpEnvelopes(xmls, 2).forEach((r, i) => assert.ok(r.ok, `envelope ${i} invalid:\n${r.output}\n${xmls[i]}`));
  }

  async close(): Promise<void> {
    await this.cpe.stop();
    await this.acs.close();
  }
}

const faultCode = (answer: CpeMessage | undefined): number => {
  assert.equal(answer?.method, 'Fault', JSON.stringify(answer));
  return (answer as { fault: FaultStruct }).fault.faultCode;
};

function scheduleDownload(commandKey: string, url: string, windows: Partial<TimeWindow>[], over: Partial<ScheduleDownloadRequest> = {}): ScheduleDownloadRequest {
  return {
    method: 'ScheduleDownload',
    commandKey,
    fileType: FIRMWARE,
    url,
    username: '',
    password: '',
    fileSize: 0,
    targetFileName: '',
    timeWindowList: windows.map((w) => ({ windowStart: 0, windowEnd: 30, windowMode: '1 At Any Time', userMessage: '', maxRetries: 0, ...w })),
    ...over,
  };
}

describe('transfers and software modules against the reference ACS', () => {
  const rigs: Rig[] = [];
  const rig = async (opts?: Parameters<typeof Rig.start>[0]) => {
    const r = await Rig.start(opts);
    rigs.push(r);
    await r.session(); // bootstrap
    return r;
  };
  let refused = '';
  before(async () => {
    refused = `${REFUSING_ORIGIN}/app-1.0.ipk`;
  });
  after(async () => {
    await Promise.all(rigs.map((r) => r.close()));
  });

  it('firmware Download: the profile rule sets SoftwareVersion, the forced Inform after the reboot carries it, a reboot keeps it', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('hg3000-4.3.0.bin', FW_BYTES);
    assert.equal((await r.values([SW])).get(SW), '4.2.1');
    const [answer] = await r.session([
      { method: 'Download', commandKey: 'fw-1', fileType: FIRMWARE, url: r.acs.fileUrl('hg3000-4.3.0.bin'), username: '', password: '', fileSize: FW_BYTES.length, targetFileName: '', delaySeconds: 0, successUrl: '', failureUrl: '' },
    ]);
    assert.equal(answer?.method, 'DownloadResponse');
    await r.waitForSessionRequests(1);
    assert.ok(r.cpe.offlineForMs() > 0, 'the firmware reboot takes the CPE offline');
    await r.session();
    // SoftwareVersion has forced active notification (TR-098/TR-181 activeNotify forceEnabled): the upgrade is a value change.
    assert.deepEqual(r.lastEvents(), ['1 BOOT', '4 VALUE CHANGE', '7 TRANSFER COMPLETE', 'M Download/fw-1']);
    assert.equal(r.informs().at(-1)!.parameterList.find((p) => p.name === SW)?.value, '4.3.0');
    const tc = r.sent().filter((b): b is TransferCompleteRequest => b.method === 'TransferComplete');
    assert.deepEqual(tc.map((t) => [t.commandKey, t.fault.faultCode]), [['fw-1', 0]]);
    // A plain reboot (and a factory reset) keep the new firmware.
    await r.session([{ method: 'Reboot', commandKey: 'rb' }]);
    await r.session();
    assert.equal(r.informs().at(-1)!.parameterList.find((p) => p.name === SW)?.value, '4.3.0');
    await r.session([{ method: 'FactoryReset' }]);
    await r.session();
    assert.deepEqual(r.lastEvents(), ['0 BOOTSTRAP', '1 BOOT']);
    assert.equal(r.acs.stats.cwmpIdMismatches, 0, 'every answer echoed its request\'s cwmp:ID');
    assert.equal(r.informs().at(-1)!.parameterList.find((p) => p.name === SW)?.value, '4.3.0');
    r.assertSchemaValid();
  });

  it('ScheduleDownload: bad time windows are 9003, a good one downloads in its window: TransferComplete + M ScheduleDownload', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('hg3000-4.4.0.bin', FW_BYTES);
    const url = r.acs.fileUrl('hg3000-4.4.0.bin');
    const bad = [
      scheduleDownload('none', url, []),
      scheduleDownload('end-before-start', url, [{ windowStart: 30, windowEnd: 10 }]),
      scheduleDownload('empty-window', url, [{ windowStart: 10, windowEnd: 10 }]),
      scheduleDownload('overlap', url, [{ windowStart: 0, windowEnd: 60 }, { windowStart: 30, windowEnd: 90 }]),
      scheduleDownload('vendor-mode', url, [{ windowMode: 'X 00D09E Nightly' }]),
      scheduleDownload('retries', url, [{ maxRetries: -2 }]),
      scheduleDownload('three-windows', url, [{ windowEnd: 10 }, { windowStart: 10, windowEnd: 20 }, { windowStart: 20, windowEnd: 30 }]),
      scheduleDownload('ftp', 'ftp://127.0.0.1/fw.bin', [{}]),
    ];
    const answers = await r.session(bad);
    assert.deepEqual(answers.map(faultCode), [9003, 9003, 9003, 9003, 9003, 9003, 9003, 9013]);
    assert.deepEqual(await r.session([{ method: 'GetAllQueuedTransfers' }]), [{ method: 'GetAllQueuedTransfersResponse', transferList: [] }]);

    const [ok] = await r.session([scheduleDownload('sd-1', url, [{ windowStart: 0, windowEnd: 30, windowMode: '2 Immediately' }], { fileSize: FW_BYTES.length })]);
    assert.deepEqual(ok, { method: 'ScheduleDownloadResponse' });
    await r.waitForSessionRequests(1);
    await r.session();
    assert.deepEqual(r.lastEvents(), ['1 BOOT', '4 VALUE CHANGE', '7 TRANSFER COMPLETE', 'M ScheduleDownload/sd-1']);
    const tc = r.sent().filter((b): b is TransferCompleteRequest => b.method === 'TransferComplete');
    assert.deepEqual(tc.map((t) => [t.commandKey, t.fault.faultCode]), [['sd-1', 0]]);
    assert.equal(r.informs().at(-1)!.parameterList.find((p) => p.name === SW)?.value, '4.4.0');
    r.assertSchemaValid();
  });

  it('ScheduleDownload failures: retries within the window then the fault; a window needing confirmation nobody gives ends in 9020; CancelTransfer', LIMIT, async () => {
    const r = await rig();
    const missing = r.acs.fileUrl('missing.bin');
    const answers = await r.session([
      scheduleDownload('missing', missing, [{ windowStart: 0, windowEnd: 20, maxRetries: 2 }]),
      scheduleDownload('unconfirmed', r.acs.fileUrl('x.bin'), [{ windowStart: 0, windowEnd: 1, windowMode: '4 Confirmation Needed', userMessage: 'Upgrade now?' }]),
      scheduleDownload('later', missing, [{ windowStart: 3600, windowEnd: 7200 }]),
      { method: 'GetQueuedTransfers' },
      { method: 'CancelTransfer', commandKey: 'later' },
    ]);
    assert.deepEqual(answers.slice(0, 3).map((a) => a.method), ['ScheduleDownloadResponse', 'ScheduleDownloadResponse', 'ScheduleDownloadResponse']);
    assert.deepEqual(answers[3], {
      method: 'GetQueuedTransfersResponse',
      transferList: [{ commandKey: 'missing', state: 1 }, { commandKey: 'unconfirmed', state: 1 }, { commandKey: 'later', state: 1 }],
    });
    assert.deepEqual(answers[4], { method: 'CancelTransferResponse' });
    await waitFor('both reports', () => r.cpe.listTransfers().filter((t) => t.state === 3).length === 2, 20_000);
    await r.session();
    const tc = r.sent().filter((b): b is TransferCompleteRequest => b.method === 'TransferComplete');
    assert.deepEqual(tc.map((t) => [t.commandKey, t.fault.faultCode]).sort(), [['missing', 9016], ['unconfirmed', 9020]]);
    assert.deepEqual(r.lastEvents(), ['7 TRANSFER COMPLETE', 'M ScheduleDownload/missing', 'M ScheduleDownload/unconfirmed']);
    r.assertSchemaValid();
  });

  it('ScheduleDownload "4 Confirmation Needed" downloads when the fleet says the user confirms', LIMIT, async () => {
    const r = await rig({ confirmDownloads: true });
    r.acs.files.put('cfg.bin', 'x=1\n');
    await r.session([scheduleDownload('confirmed', r.acs.fileUrl('cfg.bin'), [{ windowMode: '4 Confirmation Needed' }], { fileType: '3 Vendor Configuration File' })]);
    await r.waitForSessionRequests(1);
    await r.session();
    const tc = r.sent().filter((b): b is TransferCompleteRequest => b.method === 'TransferComplete');
    assert.deepEqual(tc.map((t) => [t.commandKey, t.fault.faultCode]), [['confirmed', 0]]);
  });

  it('ChangeDUState: install, update, uninstall change the SoftwareModules tree; DUStateChangeComplete with per-operation faults', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('app-1.0.ipk', 'pkg 1.0');
    r.acs.files.put('app-1.1.ipk', 'pkg 1.1');
    const uuid = '6f1c0e2a-8d3b-4c5e-9a7f-00000000abcd';
    const [answer] = await r.session([
      {
        method: 'ChangeDUState',
        commandKey: 'du-1',
        operations: [
          { op: 'Install', url: r.acs.fileUrl('app-1.0.ipk'), uuid, username: undefined, password: undefined, executionEnvRef: undefined },
          { op: 'Install', url: refused, uuid: undefined, username: undefined, password: undefined, executionEnvRef: undefined },
          { op: 'Install', url: r.acs.fileUrl('gone-2.0.ipk'), uuid: undefined, username: undefined, password: undefined, executionEnvRef: undefined },
          { op: 'Install', url: 'ftp://127.0.0.1/app.ipk', uuid: undefined, username: undefined, password: undefined, executionEnvRef: undefined },
          { op: 'Install', url: r.acs.fileUrl('app-1.0.ipk'), uuid: 'not-a-uuid', username: undefined, password: undefined, executionEnvRef: undefined },
          { op: 'Install', url: r.acs.fileUrl('app-1.0.ipk'), uuid: undefined, username: undefined, password: undefined, executionEnvRef: 'Device.SoftwareModules.ExecEnv.9' },
          { op: 'Uninstall', uuid: '6f1c0e2a-8d3b-4c5e-9a7f-0000000000ff', version: undefined, executionEnvRef: undefined },
        ],
      },
    ]);
    assert.deepEqual(answer, { method: 'ChangeDUStateResponse' });
    await r.waitForSessionRequests(1);
    await r.session();
    assert.deepEqual(r.lastEvents(), ['11 DU STATE CHANGE COMPLETE', 'M ChangeDUState/du-1']);
    let done = r.sent().filter((b): b is DuStateChangeCompleteRequest => b.method === 'DUStateChangeComplete');
    assert.equal(done.length, 1);
    assert.equal(done[0]!.commandKey, 'du-1');
    assert.deepEqual(done[0]!.results.map((x) => [x.fault.faultCode, x.currentState]), [
      [0, 'Installed'], [9015, 'Failed'], [9016, 'Failed'], [9013, 'Failed'], [9022, 'Failed'], [9023, 'Failed'], [9028, 'Uninstalled'],
    ]);
    const installed = done[0]!.results[0]!;
    assert.equal(installed.uuid, uuid);
    assert.equal(installed.version, '1.0');
    assert.equal(installed.deploymentUnitRef, `${SM}DeploymentUnit.1`);
    assert.equal(installed.executionUnitRefList, `${SM}ExecutionUnit.1`);
    const tree = await r.values([SM]);
    assert.equal(tree.get(`${SM}DeploymentUnitNumberOfEntries`), '1');
    assert.equal(tree.get(`${SM}DeploymentUnit.1.UUID`), uuid);
    assert.equal(tree.get(`${SM}DeploymentUnit.1.Status`), 'Installed');
    assert.equal(tree.get(`${SM}DeploymentUnit.1.Name`), 'app');
    assert.equal(tree.get(`${SM}ExecutionUnit.1.Version`), '1.0');
    assert.equal(tree.get(`${SM}DeploymentUnit.1.ExecutionEnvRef`), `${SM}ExecEnv.1`);

    // Update to 1.1, again to 1.1 (9032), back to 1.0 (9030); then uninstall.
    await r.session([
      {
        method: 'ChangeDUState',
        commandKey: 'du-2',
        operations: [
          { op: 'Update', uuid, version: undefined, url: r.acs.fileUrl('app-1.1.ipk'), username: undefined, password: undefined },
          { op: 'Update', uuid, version: undefined, url: r.acs.fileUrl('app-1.1.ipk'), username: undefined, password: undefined },
          { op: 'Update', uuid, version: undefined, url: r.acs.fileUrl('app-1.0.ipk'), username: undefined, password: undefined },
        ],
      },
    ]);
    await r.waitForSessionRequests(2);
    assert.equal((await r.values([`${SM}DeploymentUnit.1.Version`])).get(`${SM}DeploymentUnit.1.Version`), '1.1');
    await r.session([{ method: 'ChangeDUState', commandKey: undefined, operations: [{ op: 'Uninstall', uuid, version: undefined, executionEnvRef: undefined }] }]);
    await r.waitForSessionRequests(3);
    const after = await r.values([SM]);
    assert.equal(after.get(`${SM}DeploymentUnitNumberOfEntries`), '0');
    assert.equal(after.get(`${SM}ExecutionUnitNumberOfEntries`), '0');
    assert.ok(![...after.keys()].some((k) => k.startsWith(`${SM}DeploymentUnit.1.`)));
    done = r.sent().filter((b): b is DuStateChangeCompleteRequest => b.method === 'DUStateChangeComplete');
    assert.deepEqual(done[1]!.results.map((x) => x.fault.faultCode), [0, 9032, 9030]);
    assert.deepEqual(done[2]!.results.map((x) => [x.currentState, x.version, x.executionUnitRefList]), [['Uninstalled', '1.1', `${SM}ExecutionUnit.1`]]);
    assert.equal(done[2]!.commandKey, undefined);
    r.assertSchemaValid();
  });

  it('ChangeDUState without operations is 9003', LIMIT, async () => {
    const r = await rig();
    const [empty] = await r.session([{ method: 'ChangeDUState', commandKey: 'x', operations: [] }]);
    assert.equal(faultCode(empty), 9003);
  });

  it('autonomous firmware download: AutonomousTransferComplete with 10 AUTONOMOUS TRANSFER COMPLETE, the new version, 1 BOOT', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('hg3000-5.0.1.bin', FW_BYTES);
    r.cpe.autonomousDownload(
      { method: 'Download', commandKey: 'local', fileType: FIRMWARE, url: r.acs.fileUrl('hg3000-5.0.1.bin'), username: '', password: '', fileSize: 0, targetFileName: '', delaySeconds: 0, successUrl: '', failureUrl: '' },
      0,
    );
    await r.waitForSessionRequests(1);
    // Not the ACS's transfer: not listed.
    assert.deepEqual(r.cpe.listTransfers(), []);
    await r.session();
    assert.deepEqual(r.lastEvents(), ['1 BOOT', '10 AUTONOMOUS TRANSFER COMPLETE', '4 VALUE CHANGE']);
    const atc = r.sent().filter((b): b is AutonomousTransferCompleteRequest => b.method === 'AutonomousTransferComplete');
    assert.equal(atc.length, 1);
    assert.equal(atc[0]!.transferUrl, r.acs.fileUrl('hg3000-5.0.1.bin'));
    assert.equal(atc[0]!.isDownload, true);
    assert.equal(atc[0]!.fault.faultCode, 0);
    assert.equal(r.informs().at(-1)!.parameterList.find((p) => p.name === SW)?.value, '5.0.1');
    assert.equal(r.acs.received.filter((x) => x.request.method === 'AutonomousTransferComplete').length, 1);
    r.assertSchemaValid();
  });

  it('RequestDownload: 9 REQUEST DOWNLOAD, the ACS answers and sends a Download of the file it serves for that type', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('hg3000-6.0.0.bin', FW_BYTES, FIRMWARE);
    r.cpe.requestDownload(FIRMWARE, [{ name: 'Version', value: '6.0.0' }]);
    await r.waitForSessionRequests(1);
    await r.session();
    assert.deepEqual(r.lastEvents(), ['9 REQUEST DOWNLOAD']);
    const rd = r.acs.received.filter((x) => x.request.method === 'RequestDownload');
    assert.deepEqual(rd.map((x) => x.request), [{ method: 'RequestDownload', fileType: FIRMWARE, fileTypeArg: [{ name: 'Version', value: '6.0.0' }] }]);
    // The ACS's Download went in the same session; its report follows.
    await r.waitForSessionRequests(2);
    await r.session();
    const events = r.lastEvents();
    assert.ok(events.includes('7 TRANSFER COMPLETE') && events.some((e) => e.startsWith('M Download/request-download-')), events.join());
    assert.equal(r.informs().at(-1)!.parameterList.find((p) => p.name === SW)?.value, '6.0.0');
    r.assertSchemaValid();
  });

  it('autonomous DU changes: install, update, uninstall each reported with 12 AUTONOMOUS DU STATE CHANGE COMPLETE', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('tool-2.0.ipk', 'tool 2.0');
    r.acs.files.put('tool-2.1.ipk', 'tool 2.1');
    const uuid = '0a1b2c3d-4e5f-4a6b-8c7d-00000000beef';
    r.cpe.autonomousDuChange({ op: 'Install', url: r.acs.fileUrl('tool-2.0.ipk'), uuid });
    await r.waitForSessionRequests(1);
    await r.session();
    assert.deepEqual(r.lastEvents(), ['12 AUTONOMOUS DU STATE CHANGE COMPLETE']);
    r.cpe.autonomousDuChange({ op: 'Update', uuid, url: r.acs.fileUrl('tool-2.1.ipk') });
    await r.waitForSessionRequests(2);
    assert.equal((await r.values([`${SM}DeploymentUnit.1.Version`])).get(`${SM}DeploymentUnit.1.Version`), '2.1');
    r.cpe.autonomousDuChange({ op: 'Uninstall', uuid });
    // A unit that is not there: the failed attempt is reported too (its fault says why).
    r.cpe.autonomousDuChange({ op: 'Uninstall', uuid: '0a1b2c3d-4e5f-4a6b-8c7d-0000000000ff' });
    await r.waitForSessionRequests(4);
    await r.session();
    const adu = r.sent().filter((b): b is AutonomousDuStateChangeCompleteRequest => b.method === 'AutonomousDUStateChangeComplete');
    assert.deepEqual(
      adu.map((m) => m.results.map((x) => [x.operationPerformed, x.currentState, x.version, x.fault.faultCode])),
      [[['Install', 'Installed', '2.0', 0]], [['Update', 'Installed', '2.1', 0]], [['Uninstall', 'Uninstalled', '2.1', 0]], [['Uninstall', 'Uninstalled', '', 9028]]],
    );
    assert.equal(adu[0]!.results[0]!.uuid, uuid);
    assert.equal(adu[0]!.results[0]!.deploymentUnitRef, `${SM}DeploymentUnit.1`);
    // The ACS acknowledged every report: none is pending, the next Inform has no event of its own.
    assert.equal(r.acs.received.filter((x) => x.request.method === 'AutonomousDUStateChangeComplete').length, 4);
    await r.session();
    assert.deepEqual(r.lastEvents(), []);
    assert.equal((await r.values([SM])).get(`${SM}DeploymentUnitNumberOfEntries`), '0');
    r.assertSchemaValid();
  });

  it('autonomous DU change on a cwmp-1-1 CPE: the unit is installed, nothing is reported (no such message before cwmp-1-2)', LIMIT, async () => {
    const r = await rig({ cwmpVersion: 1 });
    r.acs.files.put('quiet-1.0.ipk', 'quiet');
    r.cpe.autonomousDuChange({ op: 'Install', url: r.acs.fileUrl('quiet-1.0.ipk') });
    await waitFor('the unit installed', () => r.cpe.model.get(`${SM}DeploymentUnitNumberOfEntries`) === '1', 20_000);
    assert.deepEqual(r.sessionRequests, []);
    await r.session();
    assert.ok(!r.lastEvents().includes('12 AUTONOMOUS DU STATE CHANGE COMPLETE'), r.lastEvents().join());
    assert.equal(r.sent().filter((b) => b.method === 'AutonomousDUStateChangeComplete').length, 0);
  });

  it('state file: an undelivered AutonomousDUStateChangeComplete and a ChangeDUState not yet run come back after a restart', LIMIT, async () => {
    const r = await rig();
    r.acs.files.put('kept-1.0.ipk', 'kept');
    r.cpe.autonomousDuChange({ op: 'Install', url: r.acs.fileUrl('kept-1.0.ipk') });
    await r.waitForSessionRequests(1);
    // The ChangeDUState is accepted in a session; the CPE stops before it runs (it starts when the session ends,
    // and stop() comes first here: the snapshot is taken with the run cut off).
    const uuid = '11111111-2222-4333-8444-555555555555';
    const change = { method: 'ChangeDUState' as const, commandKey: 'du-saved', operations: [{ op: 'Install' as const, url: r.acs.fileUrl('kept-1.0.ipk'), uuid }] };
    r.cpe.changeDuState(change);
    await r.cpe.stop();
    const saved = checkCpeSnapshot(JSON.parse(JSON.stringify(r.cpe.snapshotState())));
    assert.deepEqual(saved.cpeRequests?.map((q) => q.method), ['AutonomousDUStateChangeComplete']);
    assert.deepEqual(saved.duChanges, [change]);

    // The same device, started again from the snapshot.
    const again = await Rig.start();
    rigs.push(again);
    again.cpe.restoreState(saved);
    await again.session();
    assert.deepEqual(again.lastEvents(), ['1 BOOT', '12 AUTONOMOUS DU STATE CHANGE COMPLETE']);
    assert.equal(again.sent().filter((b) => b.method === 'AutonomousDUStateChangeComplete').length, 1);
    await again.waitForSessionRequests(1);
    await again.session();
    assert.deepEqual(again.lastEvents(), ['11 DU STATE CHANGE COMPLETE', 'M ChangeDUState/du-saved']);
    const done = again.sent().filter((b): b is DuStateChangeCompleteRequest => b.method === 'DUStateChangeComplete');
    assert.deepEqual(done.map((d) => [d.commandKey, d.results[0]!.uuid, d.results[0]!.fault.faultCode]), [['du-saved', uuid, 0]]);
    again.assertSchemaValid();
  });
});
