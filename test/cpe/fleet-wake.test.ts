/**
 * The fleet honours what a CPE asks for after Reboot and Download: a session once the reboot is over
 * (SessionResult.wakeAfterMs) and a session when a transfer finished between sessions (requestSession),
 * instead of waiting for the periodic inform; and Fleet.stop() ends promptly.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs } from '../../src/acs/server.js';
import { DEFAULT_REBOOT_DURATION_MS } from '../../src/cpe/virtual-cpe.js';
import type { TransferCompleteRequest } from '../../src/cwmp/messages.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { testScenario } from '../fleet/fleet-harness.js';
import { FILE_BYTES, startFileServer } from './file-server.js';
import { waitFor } from '../support/wait.js';

describe('Fleet scheduling after Reboot and Download', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers) await close();
  });

  it('reboot → session when back (not the periodic one); transfer done → prompt session with TransferComplete; stop is prompt', { timeout: 20_000 }, async () => {
    const profile = await loadProfile('tr098');
    const acs = await startReferenceAcs({ recordMessages: true, provision: false });
    closers.push(() => acs.close());
    const files = await startFileServer();
    closers.push(() => files.close());
    // An hour between periodic informs (testScenario's): any second or third session within the test is a wake-up.
    const scenario = testScenario(acs.url, { name: 'fleet-wake' });
    const key = deviceKey(new DeviceModel(profile, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
    // Session 1 carries the Reboot; session 2 (after the reboot) the Download; session 3 the TransferComplete.
    const rebooted = acs.enqueue(key, { method: 'Reboot', commandKey: 'fleet-rb' });
    const metrics = new MetricsRegistry();
    const fleet = new Fleet({
      scenario,
      shard: { index: 0, count: 1 },
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      profiles: new Map([['tr098', profile]]),
      metrics,
      connectionRequestUrl: (index) => `http://127.0.0.1:7547/cr${index}`,
    });
    closers.push(() => fleet.stop());
    const t0 = performance.now();
    fleet.start(t0);
    assert.equal((await rebooted).method, 'RebootResponse');
    const downloaded = acs.enqueue(key, {
      method: 'Download',
      commandKey: 'fleet-dl',
      fileType: '3 Vendor Configuration File',
      url: `${files.origin}/file.bin`,
      username: '',
      password: '',
      fileSize: FILE_BYTES,
      targetFileName: '',
      delaySeconds: 0,
      successUrl: '',
      failureUrl: '',
    });
    const record = () => acs.devices.get(key);
    await waitFor('the session after the reboot', () => (record()?.informCount ?? 0) >= 2, 10_000);
    const secondAt = performance.now() - t0;
    assert.ok(secondAt >= DEFAULT_REBOOT_DURATION_MS - 50, `second session ${secondAt} ms after power-on: the CPE was rebooting`);
    assert.deepEqual(record()!.events.map((e) => `${e.code}/${e.commandKey}`).sort(), ['1 BOOT/', 'M Reboot/fleet-rb']);
    assert.equal((await downloaded).method, 'DownloadResponse');

    await waitFor('the session after the transfer', () => (record()?.informCount ?? 0) >= 3, 5000);
    assert.deepEqual(record()!.events.map((e) => `${e.code}/${e.commandKey}`).sort(), ['7 TRANSFER COMPLETE/', 'M Download/fleet-dl']);
    await waitFor('the TransferComplete', () => acs.messages.some((xml) => xml.includes('TransferComplete>')), 5000);
    const tc = acs.messages.map((xml) => parseCpeMessage(xml).body).find((b): b is TransferCompleteRequest => b.method === 'TransferComplete');
    assert.deepEqual([tc?.commandKey, tc?.fault.faultCode], ['fleet-dl', 0]);
    assert.equal(metrics.sessions.failed, 0);

    const stopAt = performance.now();
    await fleet.stop();
    assert.ok(performance.now() - stopAt < 5000);
    // Nothing more: the periodic inform is an hour away and no other wake-up is pending.
    assert.equal(record()!.informCount, 3);
  });

  it('ScheduleInform → a session DelaySeconds later with 3 SCHEDULED, and the periodic inform keeps its own time', { timeout: 20_000 }, async () => {
    const profile = await loadProfile('tr098');
    const acs = await startReferenceAcs({ recordMessages: false, provision: false });
    closers.push(() => acs.close());
    const intervalS = 4;
    const scenario = testScenario(acs.url, { name: 'fleet-schedule-inform', schedule: { periodicIntervalS: intervalS } });
    const key = deviceKey(new DeviceModel(profile, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
    const scheduled = acs.enqueue(key, { method: 'ScheduleInform', delaySeconds: 1, commandKey: 'fleet-si' });
    const fleet = new Fleet({
      scenario,
      shard: { index: 0, count: 1 },
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      profiles: new Map([['tr098', profile]]),
      metrics: new MetricsRegistry(),
      connectionRequestUrl: (index) => `http://127.0.0.1:7547/cr${index}`,
    });
    closers.push(() => fleet.stop());
    const t0 = performance.now();
    fleet.start(t0);
    assert.equal((await scheduled).method, 'ScheduleInformResponse');
    const record = () => acs.devices.get(key);
    const events = () => record()!.events.map((e) => `${e.code}/${e.commandKey}`).sort();
    await waitFor('the scheduled session', () => (record()?.informCount ?? 0) >= 2, 5000);
    assert.ok(performance.now() - t0 >= 1000, 'not before DelaySeconds');
    assert.deepEqual(events(), ['3 SCHEDULED/', 'M ScheduleInform/fleet-si']);
    await waitFor('the periodic session', () => (record()?.informCount ?? 0) >= 3, 10_000);
    const periodicAt = performance.now() - t0;
    assert.deepEqual(events(), ['2 PERIODIC/']);
    // One interval after power-on (the scheduled session did not push it to 1 s + interval).
    assert.ok(periodicAt >= intervalS * 1000 - 50 && periodicAt < (intervalS + 0.9) * 1000, `periodic session at ${periodicAt} ms`);
    await fleet.stop();
  });
});
