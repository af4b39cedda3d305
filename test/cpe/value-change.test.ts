/**
 * Value-change notifications end to end: a fleet against the reference ACS (active notification on a
 * flipping parameter, passive changes riding in periodic informs, the ACS's own writes never notified,
 * DefaultActiveNotificationThrottle), and a CPE whose reported changes survive a failed session. The
 * Informs that carry changes validate against the BBF schemas.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import type { AcsRequest, InformRequest } from '../../src/cwmp/messages.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import type { ScheduleSettings } from '../../src/scenario/scenario.js';
import { informEvents, recordingProxy, testScenario } from '../fleet/fleet-harness.js';
import { waitFor } from '../support/wait.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { RecordingObserver, startScriptedAcs } from './scripted-acs.js';

const PROFILE = compileProfileText(
  `profile: vc
root: Device
deviceId: { manufacturer: cpesim, oui: 00D09E, productClass: VC, serialNumber: "CPESIM{{index:8}}" }
parameters:
  Device.DeviceInfo.SerialNumber: { type: string, value: "{{serial}}", forcedInform: true }
  Device.ManagementServer.ParameterKey: { type: string, forcedInform: true }
  Device.ManagementServer.ConnectionRequestURL: { type: string, value: "{{crUrl}}", forcedInform: true }
  Device.ManagementServer.PeriodicInformInterval: { type: unsignedInt, writable: true, value: "3600" }
  Device.ManagementServer.DefaultActiveNotificationThrottle: { type: unsignedInt, writable: true, value: "0" }
  Device.Link.Status: { type: string, generator: { kind: flip, values: [Up, Down], period: 700ms } }
  Device.Link.BytesSent: { type: unsignedInt, notification: 1, generator: { kind: counter, rate: 1000/s } }
  Device.Link.Name: { type: string, writable: true }
  Device.Link.Note: { type: string, writable: true, notification: 1 }
`,
  'vc.yaml',
);

const KEY = deviceKey(new DeviceModel(PROFILE, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());

function parsedInform(xml: string): InformRequest {
  return parseCpeMessage(xml).body as InformRequest;
}

const paramNames = (xml: string): string[] => parsedInform(xml).parameterList.map((p) => p.name);

function assertValid(xmls: string[]): void {
  validateCwmpEnvelopes(xmls, 0).forEach((r, i) => assert.ok(r.ok, `Inform ${i} invalid:\n${r.output}\n${xmls[i]}`));
}

describe('value-change notifications against the reference ACS', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  async function run(requests: AcsRequest[], schedule: Partial<ScheduleSettings>, rateScale = 1) {
    const acs: ReferenceAcs = await startReferenceAcs({ recordMessages: false, provision: false });
    closers.push(() => acs.close());
    const proxy = await recordingProxy(acs.url);
    closers.push(() => proxy.close());
    const answered = requests.map((r) => acs.enqueue(KEY, r));
    const fleet = new Fleet({
      scenario: testScenario(proxy.url, { fleet: [{ profile: 'vc', count: 1 }], schedule, valueChanges: { rateScale, notifyDelayMs: 100 } }),
      shard: { index: 0, count: 1 },
      acs: { url: proxy.url, requestTimeoutMs: 5000 },
      profiles: new Map([['vc', PROFILE]]),
      metrics: new MetricsRegistry(),
      connectionRequestUrl: (index) => `http://127.0.0.1:7547/cr${index}`,
    });
    closers.push(() => fleet.stop());
    fleet.start(performance.now());
    return { acs, proxy, fleet, answered };
  }

  it('Notification=2 on a flipping parameter → prompt sessions with 4 VALUE CHANGE carrying it; the ACS\'s own SetParameterValues is never notified', { timeout: 30_000 }, async () => {
    const { proxy, answered } = await run(
      [
        {
          method: 'SetParameterAttributes',
          parameterList: [
            { name: 'Device.Link.Status', notificationChange: true, notification: 2, accessListChange: false, accessList: [] },
            { name: 'Device.Link.Name', notificationChange: true, notification: 2, accessListChange: false, accessList: [] },
          ],
        },
        { method: 'SetParameterValues', parameterList: [{ name: 'Device.Link.Name', value: 'set-by-acs', type: 'string' }], parameterKey: 'pk1' },
      ],
      {},
    );
    for (const a of answered) assert.notEqual((await a).method, 'Fault');
    // The periodic inform is an hour away: every further session is an active notification.
    await waitFor('three value-change sessions', () => proxy.informs().length >= 4, 20_000);
    const [boot, ...later] = proxy.informs().map((h) => h.body);
    assert.deepEqual(informEvents(boot!).sort(), ['0 BOOTSTRAP', '1 BOOT']);
    for (const xml of later.slice(0, 3)) {
      assert.deepEqual(informEvents(xml), ['4 VALUE CHANGE']);
      const names = paramNames(xml);
      assert.ok(names.includes('Device.Link.Status'), names.join(' '));
      assert.ok(!names.includes('Device.Link.Name'), 'a value the ACS set is not a value change');
      const status = parsedInform(xml).parameterList.find((p) => p.name === 'Device.Link.Status')!;
      assert.ok(['Up', 'Down'].includes(status.value));
    }
    assertValid(later.slice(0, 3));
  });

  it('passive (Notification=1) changes ride in the periodic Inform and start no session of their own', { timeout: 30_000 }, async () => {
    const { proxy } = await run([], { periodicIntervalS: 2 });
    await waitFor('three periodic informs', () => proxy.informs().length >= 4, 20_000);
    const [, ...periodic] = proxy.informs().map((h) => h.body);
    for (const xml of periodic.slice(0, 3)) {
      assert.deepEqual(informEvents(xml).sort(), ['2 PERIODIC', '4 VALUE CHANGE']);
      const counter = parsedInform(xml).parameterList.find((p) => p.name === 'Device.Link.BytesSent');
      assert.ok(counter && Number(counter.value) > 0, 'the counter that changed, with its current value');
      assert.ok(!paramNames(xml).includes('Device.Link.Status'), 'notification 0: not reported');
    }
    assertValid(periodic.slice(0, 3));
  });

  it('valueChanges.rateScale 0 holds the generators: Notification=2 on the flipping parameter starts nothing', { timeout: 30_000 }, async () => {
    const { proxy, answered } = await run(
      [
        {
          method: 'SetParameterAttributes',
          parameterList: [{ name: 'Device.Link.Status', notificationChange: true, notification: 2, accessListChange: false, accessList: [] }],
        },
        { method: 'GetParameterValues', parameterNames: ['Device.Link.Status', 'Device.Link.BytesSent'] },
      ],
      {},
      0,
    );
    const read = await answered[1]!;
    assert.equal(read.method, 'GetParameterValuesResponse');
    const values = read.method === 'GetParameterValuesResponse' ? read.parameterList.map((p) => p.value) : [];
    assert.deepEqual(values, ['Up', '0'], 'boot values');
    // At rate 1 the 700 ms flips would have started several sessions by now.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(proxy.informs().length, 1);
  });

  it('DefaultActiveNotificationThrottle spaces the active-notification sessions', { timeout: 40_000 }, async () => {
    const throttleS = 2;
    const { proxy, answered } = await run(
      [
        {
          method: 'SetParameterAttributes',
          parameterList: [{ name: 'Device.Link.Status', notificationChange: true, notification: 2, accessListChange: false, accessList: [] }],
        },
        {
          method: 'SetParameterValues',
          parameterList: [{ name: 'Device.ManagementServer.DefaultActiveNotificationThrottle', value: String(throttleS), type: 'unsignedInt' }],
          parameterKey: 'pk2',
        },
      ],
      {},
    );
    for (const a of answered) assert.notEqual((await a).method, 'Fault');
    await waitFor('three throttled value-change sessions', () => proxy.informs().length >= 4, 30_000);
    const informs = proxy.informs();
    // The flip period (700 ms) would start a session about every 0.7 s; the throttle counts from the end of
    // the previous session, so consecutive Informs are at least the throttle apart.
    for (let k = 1; k < 4; k++) {
      assert.deepEqual(informEvents(informs[k]!.body), ['4 VALUE CHANGE']);
      const gap = informs[k]!.at - informs[k - 1]!.at;
      assert.ok(gap >= throttleS * 1000 - 20, `Inform ${k} came ${gap} ms after the previous one`);
    }
  });
});

describe('value changes and a failed session', () => {
  it('a change reported in a failed session is reported again, and cleared once an InformResponse came', { timeout: 20_000 }, async () => {
    const informResponse = buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: 0, id: 'i' });
    let informs = 0;
    const acs = await startScriptedAcs((post) => {
      if (post.msg === undefined) return {}; // empty POST: 204, the session ends
      informs++;
      return informs === 1 ? { status: 500 } : { body: informResponse };
    });
    try {
      const cpe = new VirtualCpe({ index: 0, profile: PROFILE, acs: { url: acs.url, requestTimeoutMs: 5000 }, observer: new RecordingObserver(), connectionRequestUrl: 'http://cr' });
      cpe.model.setInternal('Device.Link.Note', 'changed by the device');
      assert.equal((await cpe.runSession(performance.now())).ok, false);
      assert.equal((await cpe.runSession(performance.now())).ok, true);
      const sent = acs.posts.filter((p) => p.msg !== undefined).map((p) => p.raw.body);
      assert.equal(sent.length, 2);
      for (const xml of sent) {
        assert.ok(informEvents(xml).includes('4 VALUE CHANGE'), informEvents(xml).join());
        assert.ok(paramNames(xml).includes('Device.Link.Note'));
      }
      assertValid(sent);
      // Delivered: the next session has nothing to report about Note.
      assert.equal((await cpe.runSession(performance.now())).ok, true);
      const third = acs.posts.filter((p) => p.msg !== undefined).at(-1)!.raw.body;
      assert.ok(!paramNames(third).includes('Device.Link.Note'));
    } finally {
      await acs.close();
    }
  });
});
