/**
 * "14 HEARTBEAT" (TR-069 Amendment 6 Annex O, TR-181 ManagementServer.HeartbeatPolicy) end to end against the
 * reference ACS: a heartbeat session's Inform carries that event alone and only the forced parameters (what is
 * pending waits for the next normal session); a fleet opens heartbeat sessions on the InitiationTime grid from
 * its timer heap, and stops when the ACS turns the policy off. The CPE speaks cwmp-1-4 (Amendment 6); every
 * envelope it sent validates against cwmp-1-4.xsd.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { HEARTBEAT_EVENT, VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import type { InformRequest } from '../../src/cwmp/messages.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { PROFILES_DIR } from '../../src/paths.js';
import { RecordingObserver } from '../cpe/scripted-acs.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { testScenario } from '../fleet/fleet-harness.js';
import { waitFor } from '../support/wait.js';

const LIMIT = { timeout: 90_000 };
const HB = 'Device.ManagementServer.HeartbeatPolicy.';

/** The shipped TR-181 profile speaking cwmp-1-4, its heartbeat policy enabled with the given InitiationTime. */
async function heartbeatProfile(initiationTime: string) {
  const text = (await readFile(join(PROFILES_DIR, 'tr181.yaml'), 'utf8'))
    .replace(/^cwmpVersion: \d$/m, 'cwmpVersion: 4')
    .replace(/^(\s*Device\.ManagementServer\.HeartbeatPolicy\.Enable: \{.*value: )"false"/m, '$1"true"')
    .replace(/^(\s*Device\.ManagementServer\.HeartbeatPolicy\.InitiationTime: \{.*value: )"[^"]*"/m, `$1"${initiationTime}"`);
  assert.match(text, /HeartbeatPolicy\.Enable: \{.*value: "true"/);
  return compileProfileText(text, 'tr181-heartbeat.yaml');
}

function informs(acs: ReferenceAcs): InformRequest[] {
  return acs.messages.map((xml) => parseCpeMessage(xml).body).filter((b): b is InformRequest => b.method === 'Inform');
}

function assertSchemaValid(acs: ReferenceAcs): void {
  validateCwmpEnvelopes(acs.messages, 4).forEach((r, i) => assert.ok(r.ok, `envelope ${i} invalid:\n${r.output}\n${acs.messages[i]}`));
}

describe('14 HEARTBEAT against the reference ACS', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('a heartbeat session informs 14 HEARTBEAT alone with the forced parameters; pending events and changes wait', LIMIT, async () => {
    const acs = await startReferenceAcs({ recordMessages: true, provision: false });
    closers.push(() => acs.close());
    const cpe = new VirtualCpe({
      index: 3,
      profile: await heartbeatProfile('0001-01-01T00:00:00Z'),
      acs: { url: acs.url, requestTimeoutMs: 10_000 },
      observer: new RecordingObserver(),
      connectionRequestUrl: 'http://127.0.0.1:7547/cr3',
    });
    closers.push(async () => cpe.stop());
    assert.ok((await cpe.runSession(performance.now())).ok);
    assert.deepEqual(cpe.heartbeatPolicy(), { reportingIntervalS: 30, initiationTime: '0001-01-01T00:00:00Z' });
    // Pending: a connection request's event and a changed parameter the ACS asked to be told about (passive).
    cpe.connectionRequested(performance.now());
    const ssid = 'Device.WiFi.SSID.1.SSID';
    cpe.model.setParameterAttributes([{ name: ssid, notificationChange: true, notification: 1, accessListChange: false, accessList: [] }]);
    cpe.model.setInternal(ssid, 'changed-by-user');
    const beat = await cpe.runSession(performance.now(), true);
    assert.ok(beat.ok, JSON.stringify(beat));
    const hb = informs(acs).at(-1)!;
    assert.deepEqual(hb.events, [{ code: HEARTBEAT_EVENT, commandKey: '' }]);
    assert.ok(!hb.parameterList.some((p) => p.name === ssid), 'the change waits for a normal session');
    assert.ok(hb.parameterList.some((p) => p.name === 'Device.DeviceInfo.SoftwareVersion'), 'forced parameters are listed');
    assert.equal(acs.devices.get(deviceKey(cpe.model.deviceId()))?.events.map((e) => e.code).join(), HEARTBEAT_EVENT);
    // The next normal session carries what waited, and no heartbeat.
    assert.ok((await cpe.runSession(performance.now())).ok);
    const normal = informs(acs).at(-1)!;
    assert.deepEqual(normal.events.map((e) => e.code).sort(), ['4 VALUE CHANGE', '6 CONNECTION REQUEST']);
    assert.equal(normal.parameterList.find((p) => p.name === ssid)?.value, 'changed-by-user');
    assertSchemaValid(acs);
  });

  it('a fleet opens heartbeat sessions on the InitiationTime grid and stops when the ACS disables the policy', LIMIT, async () => {
    const acs = await startReferenceAcs({ recordMessages: true, provision: false });
    closers.push(() => acs.close());
    // The grid: InitiationTime + k·30 s. The first beat falls 3 s after start, well after the bootstrap sessions.
    const firstBeat = Date.now() + 3000;
    const profile = await heartbeatProfile(new Date(firstBeat).toISOString());
    const fleet = new Fleet({
      scenario: testScenario(acs.url, { fleet: [{ profile: 'tr181-heartbeat', count: 2 }], durationMs: 120_000 }),
      shard: { index: 0, count: 1 },
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      profiles: new Map([['tr181-heartbeat', profile]]),
      metrics: new MetricsRegistry(),
      connectionRequestUrl: (index) => `http://127.0.0.1:9/cr/${index}`,
    });
    closers.push(() => fleet.stop(0));
    fleet.start(performance.now());
    const heartbeats = () => informs(acs).filter((i) => i.events.some((e) => e.code === HEARTBEAT_EVENT));
    await waitFor('a heartbeat Inform from each CPE', () => new Set(heartbeats().map((i) => i.deviceId.serialNumber)).size === 2, 30_000);
    for (const i of heartbeats()) {
      assert.deepEqual(i.events.map((e) => e.code), [HEARTBEAT_EVENT]);
      // On the grid: not before InitiationTime (the CPE's clock is this host's).
      assert.ok(Date.parse(i.currentTime) >= firstBeat - 50, `${i.currentTime} before ${new Date(firstBeat).toISOString()}`);
    }
    // The bootstrap sessions came first, each with its own events and no heartbeat.
    const first = informs(acs).slice(0, 2);
    assert.ok(first.every((i) => i.events.some((e) => e.code === '0 BOOTSTRAP') && !i.events.some((e) => e.code === HEARTBEAT_EVENT)));

    // The ACS turns the heartbeat off (in a session a connection request opens): no beat on the next grid instant.
    const cpe = fleet.cpeAt(0)!;
    const key = deviceKey(cpe.model.deviceId());
    const done = acs.enqueue(key, { method: 'SetParameterValues', parameterList: [{ name: `${HB}Enable`, value: 'false', type: 'boolean' }], parameterKey: 'hb-off' });
    // Merged when the heartbeat session is still running: the requested session then follows it.
    assert.match(fleet.connectionRequest(0, performance.now()), /^(accepted|merged)$/);
    await done;
    assert.equal(cpe.heartbeatPolicy(), undefined);
    const beatsOfCpe0 = () => heartbeats().filter((i) => i.deviceId.serialNumber === cpe.model.deviceId().serialNumber).length;
    const before = beatsOfCpe0();
    const otherSerial = fleet.cpeAt(1)!.model.deviceId().serialNumber;
    // The other CPE beats again on the next instant (firstBeat + 30 s); the disabled one does not.
    await waitFor('the second heartbeat of CPE 1', () => heartbeats().filter((i) => i.deviceId.serialNumber === otherSerial).length === 2, 45_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(beatsOfCpe0(), before, 'no heartbeat after Enable=false');
    assertSchemaValid(acs);
  });
});
