/**
 * Persistence of one CPE (snapshotState / restoreState) and the state file format: what a CPE keeps between
 * runs (overlay, instances and counters, attributes, pending value changes, undelivered events with their
 * CommandKeys, unacknowledged TransferCompletes, bootstrap status) and how a bad file is reported.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import type { AcsRequest } from '../../src/cwmp/messages.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';
import { assembleStateFile, checkStateFile, loadShardStates, writeStatePart, type StateLine } from '../../src/fleet/state-file.js';
import { tempDir } from '../support/cli.js';
import { testScenario } from '../fleet/fleet-harness.js';
import { RecordingObserver } from './scripted-acs.js';

const IGD = 'InternetGatewayDevice.';
const PII = `${IGD}ManagementServer.PeriodicInformInterval`;
const FWD = `${IGD}Layer3Forwarding.Forwarding.`;
const LIMIT = { timeout: 20_000 };

let acs: ReferenceAcs;
before(async () => {
  acs = await startReferenceAcs({ recordMessages: true });
});
after(() => acs.close());

async function newCpe(index: number) {
  const observer = new RecordingObserver();
  const cpe = new VirtualCpe({
    index,
    profile: await loadProfile('tr098'),
    acs: { url: acs.url, requestTimeoutMs: 5000 },
    observer,
    connectionRequestUrl: 'http://127.0.0.1:9/cr',
    rebootDurationMs: 50,
  });
  return { cpe, observer, key: deviceKey(cpe.model.deviceId()) };
}

/** Runs one session of `cpe` with these ACS requests; resolves with their answers. */
async function session(cpe: VirtualCpe, key: string, ...requests: AcsRequest[]) {
  const answers = requests.map((r) => acs.enqueue(key, r));
  const result = await cpe.runSession(performance.now());
  assert.equal(result.ok, true);
  return Promise.all(answers);
}

const lastEvents = (key: string) => acs.devices.get(key)!.events.map((e) => `${e.code}${e.commandKey ? `/${e.commandKey}` : ''}`).sort();

describe('DeviceModel snapshotState / restoreState', () => {
  it('round-trips values, attributes, added and deleted instances, counters and pending changes', async () => {
    const profile = await loadProfile('tr098');
    const a = new DeviceModel(profile, { index: 1, connectionRequestUrl: '', bootTimeMs: 0 });
    assert.deepEqual(a.snapshotState(), {}, 'an untouched device is empty');
    a.setParameterValues([{ name: PII, value: '77' }], 'pk-1');
    const { instanceNumber } = a.addObject(FWD, 'pk-2');
    a.deleteObject(`${FWD}1.`, 'pk-3');
    a.setParameterAttributes([{ name: `${IGD}DeviceInfo.SoftwareVersion`, notificationChange: true, notification: 2, accessListChange: true, accessList: ['Subscriber'] }]);
    a.setInternal(`${IGD}DeviceInfo.SoftwareVersion`, '9.9');
    const json = JSON.parse(JSON.stringify(a.snapshotState()));
    const b = new DeviceModel(profile, { index: 1, connectionRequestUrl: '', bootTimeMs: 0 });
    b.restoreState(json);
    const names = [PII, `${IGD}ManagementServer.ParameterKey`, `${IGD}Layer3Forwarding.ForwardNumberOfEntries`, `${IGD}DeviceInfo.SoftwareVersion`];
    assert.deepEqual(b.getParameterValues(names).map((p) => p.value), ['77', 'pk-3', '1', '9.9']);
    assert.deepEqual(b.getParameterNames(FWD, true).map((p) => p.name), [`${FWD}${instanceNumber}.`]);
    assert.equal(b.addObject(FWD, '').instanceNumber, instanceNumber + 1, 'the instance counter came back');
    assert.deepEqual(b.getParameterAttributes([`${IGD}DeviceInfo.SoftwareVersion`])[0], { name: `${IGD}DeviceInfo.SoftwareVersion`, notification: 2, accessList: ['Subscriber'] });
    assert.equal(b.pendingValueChange(), 2, 'the active value change is still pending');
  });

  it('a state that does not fit the profile is CPESIM_STATE_MISMATCH and changes nothing', async () => {
    const m = new DeviceModel(await loadProfile('tr098'), { index: 1, connectionRequestUrl: '', bootTimeMs: 0 });
    m.setParameterValues([{ name: PII, value: '60' }], '');
    assert.throws(() => m.restoreState({ values: { [PII]: '5', 'Device.Nope': 'x' } }), { code: 'CPESIM_STATE_MISMATCH', message: /Device\.Nope: no such parameter/ });
    assert.throws(() => m.restoreState({ tables: { [`${IGD}DeviceInfo.`]: { added: [1], next: 2 } } }), { code: 'CPESIM_STATE_MISMATCH' });
    assert.equal(m.get(PII), '60');
  });
});

describe('VirtualCpe snapshotState / restoreState (reference ACS)', () => {
  it('a bootstrapped CPE comes back without 0 BOOTSTRAP, with 1 BOOT and its configuration', LIMIT, async () => {
    const first = await newCpe(101);
    await session(first.cpe, first.key, { method: 'SetParameterValues', parameterList: [{ name: PII, value: '123' }], parameterKey: 'run1' });
    assert.ok(lastEvents(first.key).includes('0 BOOTSTRAP'));
    const saved = JSON.parse(JSON.stringify(first.cpe.snapshotState()));
    assert.equal(saved.bootstrapped, true);
    assert.equal(saved.events, undefined, 'nothing undelivered');

    const again = await newCpe(101);
    again.cpe.restoreState(saved);
    assert.equal(again.cpe.bootstrapped, true);
    const [read] = await session(again.cpe, again.key, { method: 'GetParameterValues', parameterNames: [PII] });
    assert.deepEqual(lastEvents(again.key), ['1 BOOT']);
    assert.equal((read as { parameterList: { value: string }[] }).parameterList[0]!.value, '123');
  });

  it('a CPE stopped while rebooting, with a TransferComplete unacknowledged, delivers both in its first session', LIMIT, async () => {
    const first = await newCpe(102);
    await session(first.cpe, first.key, { method: 'Reboot', commandKey: 'rb-key' });
    first.cpe.queueCpeRequest({
      method: 'TransferComplete',
      commandKey: 'dl-key',
      fault: { faultCode: 9010, faultString: 'Download failure' },
      startTime: '2024-01-01T00:00:00Z',
      completeTime: '2024-01-01T00:00:01Z',
    });
    first.cpe.addEvent('7 TRANSFER COMPLETE');
    first.cpe.addEvent('M Download', 'dl-key');
    first.cpe.connectionRequested(performance.now());
    const saved = JSON.parse(JSON.stringify(first.cpe.snapshotState()));
    assert.equal(saved.events.some((e: { code: string }) => e.code === '6 CONNECTION REQUEST'), false, 'a connection request is for its run only');

    const again = await newCpe(102);
    again.cpe.restoreState(saved);
    const before = acs.messages.length;
    await session(again.cpe, again.key);
    assert.deepEqual(lastEvents(again.key), ['1 BOOT', '7 TRANSFER COMPLETE', 'M Download/dl-key', 'M Reboot/rb-key']);
    const tc = acs.messages.slice(before).find((m) => m.includes('<cwmp:TransferComplete>'));
    assert.ok(tc?.includes('<CommandKey>dl-key</CommandKey>') && tc.includes('<FaultCode>9010</FaultCode>'), tc);
  });

  it('a Download accepted but not yet done when the run stopped is queued again', LIMIT, async () => {
    const first = await newCpe(104);
    const [answer] = await session(first.cpe, first.key, {
      method: 'Download', commandKey: 'later', fileType: '1 Firmware Upgrade Image', url: 'http://127.0.0.1:9/fw.bin',
      username: '', password: '', fileSize: 0, targetFileName: '', delaySeconds: 3600, successUrl: '', failureUrl: '',
    });
    assert.equal(answer?.method, 'DownloadResponse');
    await first.cpe.stop();
    const saved = JSON.parse(JSON.stringify(first.cpe.snapshotState()));
    assert.deepEqual(saved.transfers.map((t: { commandKey: string }) => t.commandKey), ['later']);
    const again = await newCpe(104);
    again.cpe.restoreState(saved);
    assert.deepEqual(again.cpe.listTransfers().map((t) => [t.commandKey, t.state]), [['later', 1]]);
    await again.cpe.stop();
  });

  it('a CPE that never reached the ACS keeps 0 BOOTSTRAP', async () => {
    const first = await newCpe(103);
    const again = await newCpe(103);
    again.cpe.restoreState(JSON.parse(JSON.stringify(first.cpe.snapshotState())));
    assert.equal(again.cpe.bootstrapped, false);
    assert.deepEqual(again.cpe.snapshotState().events?.map((e) => e.code), ['0 BOOTSTRAP', '1 BOOT']);
  });
});

describe('state file', () => {
  const scenario = testScenario('http://127.0.0.1:9/', { fleet: [{ profile: 'tr098', count: 3 }] });
  const serial = (i: number) => `CPESIM${String(i).padStart(8, '0')}`;
  const line = (index: number, over: Partial<StateLine> = {}): StateLine => ({
    index,
    profile: 'tr098',
    serial: serial(index),
    state: { bootstrapped: true, model: { values: { [PII]: String(100 + index) } } },
    ...over,
  });
  const header = (cpes: number, version = 1) => JSON.stringify({ format: 'cpesim-state', version, createdAt: 'x', cpes });

  it('parts written by shards join into one file; each shard reads back its own CPEs', async () => {
    const profiles = new Map([['tr098', await loadProfile('tr098')]]);
    const dir = await tempDir('cpesim-state-');
    const file = join(dir, 'fleet.state');
    await writeStatePart(`${file}.part0`, [line(0), line(2)]);
    await writeStatePart(`${file}.part1`, [line(1)]);
    await assembleStateFile(file, [`${file}.part0`, `${file}.part1`], 3);
    assert.equal(await checkStateFile(file, scenario, profiles), 3);
    const odd = await loadShardStates(file, scenario, profiles, { index: 1, count: 2 });
    assert.deepEqual([...odd.keys()], [1]);
    assert.equal(odd.get(1)!.model.values![PII], '101');
  });

  it('a corrupt or mismatched file is a ConfigError naming the file and the line', async () => {
    const profiles = new Map([['tr098', await loadProfile('tr098')]]);
    const dir = await tempDir('cpesim-state-bad-');
    const cases: [string, Buffer, RegExp][] = [
      ['not gzip', Buffer.from('hello'), /unreadable/],
      ['bad json', gzipSync(`${header(1)}\n{"index":0,\n`), /line 2: not JSON/],
      ['version', gzipSync(`${header(1, 9)}\n`), /line 1: state file version 9/],
      ['profile', gzipSync(`${header(1)}\n${JSON.stringify(line(1, { profile: 'tr181' }))}\n`), /line 2: CPE 1 .*saved with profile tr181/],
      ['serial', gzipSync(`${header(1)}\n${JSON.stringify(line(1, { serial: 'OTHER' }))}\n`), /line 2: CPE 1 \(OTHER\).*serial CPESIM00000001/],
      ['beyond the fleet', gzipSync(`${header(1)}\n${JSON.stringify(line(7, { serial: serial(7) }))}\n`), /line 2: CPE 7 .*only 3 CPEs/],
      ['unknown path', gzipSync(`${header(1)}\n${JSON.stringify(line(0, { state: { bootstrapped: true, model: { values: { 'Device.X': '1' } } } }))}\n`), /line 2: CPE 0 .*Device\.X: no such parameter/],
      ['bad events', gzipSync(`${header(1)}\n${JSON.stringify(line(0, { state: { bootstrapped: true, model: {}, events: [{ code: 1 }] } as never }))}\n`), /line 2: .*"events" is malformed/],
      ['cut short', gzipSync(`${header(2)}\n${JSON.stringify(line(0))}\n`), /announces 2 CPEs, the file holds 1/],
    ];
    for (const [name, bytes, message] of cases) {
      const file = join(dir, `${name.replace(/ /g, '-')}.state`);
      await writeFile(file, bytes);
      await assert.rejects(checkStateFile(file, scenario, profiles), (err: unknown) => {
        assert.ok(err instanceof ConfigError, `${name}: ${String(err)}`);
        assert.ok(err.message.startsWith(file), `${name}: names the file: ${err.message}`);
        assert.match(err.message, message, name);
        return true;
      });
    }
  });
});
