/**
 * The CPE gauges (booting / online / offline) driven by a real VirtualCpe across boot, Reboot and power
 * cycles, and VirtualCpe.powerCycle itself (idle and in the middle of a session), against a raw loopback ACS.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { cpeEnvironment, VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import type { AcsRequest, CpeMessage, InformRequest } from '../../src/cwmp/messages.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { startTestServer, type SeenRequest } from '../transport/local-http-server.js';
import { waitFor } from '../support/wait.js';

const LIMIT = { timeout: 20_000 };
const REBOOT_MS = 200;
/** Power cuts: long enough that a stalled test process still finds the CPE offline after one. */
const OUTAGE_MS = 1000;
const UPTIME = 'InternetGatewayDevice.DeviceInfo.UpTime';
const PII = 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval';

const profile = compileProfileText(
  `profile: powertest
root: InternetGatewayDevice
cwmpVersion: 0
deviceId: { manufacturer: cpesim, oui: 00D09E, productClass: HG, serialNumber: "PW{{index:6}}" }
parameters:
  InternetGatewayDevice.DeviceInfo.UpTime: { type: unsignedInt, value: "{{uptime}}" }
  InternetGatewayDevice.ManagementServer.PeriodicInformInterval: { type: unsignedInt, writable: true, value: "300" }
`,
  'powertest.yaml',
);

const closers: { close(): Promise<void> }[] = [];
after(async () => {
  for (const c of closers) await c.close();
});

/**
 * A loopback ACS: InformResponse to every Inform, then the RPCs planned for the session, one per CPE POST,
 * then 204. With `stall` set, it holds the answer to the empty POST until the test lets it go.
 */
async function startAcs() {
  const informs: InformRequest[] = [];
  const answers: CpeMessage[] = [];
  let queue: AcsRequest[] = [];
  let stalled: (() => void) | undefined;
  const state = { stall: false };
  const server = await startTestServer((req: SeenRequest, res: ServerResponse) => {
    const msg = req.body === '' ? undefined : parseCpeMessage(req.body);
    const reply = (body: string | undefined) => {
      if (res.destroyed) return;
      if (body === undefined) res.writeHead(204).end();
      else res.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"' }).end(body);
    };
    if (msg?.body.method === 'Inform') {
      informs.push(msg.body);
      reply(buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: 0, id: msg.header.id }));
      return;
    }
    if (msg !== undefined) answers.push(msg.body as CpeMessage);
    const next = () => {
      const rpc = queue.shift();
      reply(rpc === undefined ? undefined : buildAcsMessage(rpc, { cwmpVersion: 0, id: `rpc-${answers.length}` }));
    };
    if (msg === undefined && state.stall) stalled = next;
    else next();
  });
  closers.push(server);
  return {
    url: server.url,
    informs,
    state,
    isStalled: () => stalled !== undefined,
    /** Lets a stalled empty POST be answered (the CPE may have gone already). */
    release: () => {
      stalled?.();
      stalled = undefined;
    },
    plan(rpcs: AcsRequest[]): () => CpeMessage[] {
      queue = [...rpcs];
      const from = answers.length;
      return () => answers.slice(from);
    },
  };
}

function newCpe(url: string) {
  const metrics = new MetricsRegistry();
  const wakes: number[] = [];
  const cpe = new VirtualCpe({
    index: 7,
    profile,
    acs: { url, requestTimeoutMs: 5000 },
    observer: metrics,
    connectionRequestUrl: 'http://127.0.0.1:7547/cr7',
    rebootDurationMs: REBOOT_MS,
    requestSession: (delayMs) => wakes.push(delayMs),
  });
  closers.push({ close: async () => cpe.stop() });
  return { cpe, metrics, wakes };
}

const codes = (i: InformRequest | undefined) => (i?.events ?? []).map((e) => `${e.code}${e.commandKey ? `/${e.commandKey}` : ''}`).sort();
const gauges = (m: MetricsRegistry) => ({ ...m.snapshot().cpes, inFlight: m.snapshot().sessionsInFlight });
const valueOf = (answer: CpeMessage | undefined, name: string) =>
  answer?.method === 'GetParameterValuesResponse' ? answer.parameterList.find((p) => p.name === name)?.value : undefined;

describe('CPE gauges and power cycles', () => {
  it('gauges follow boot → online → Reboot (offline) → booting → online; sessions in flight', LIMIT, async () => {
    const acs = await startAcs();
    const { cpe, metrics } = newCpe(acs.url);
    assert.deepEqual(gauges(metrics), { booting: 1, online: 0, offline: 0, inFlight: 0 });

    const first = cpe.runSession(performance.now());
    assert.equal(gauges(metrics).inFlight, 1, 'the session is in flight');
    assert.deepEqual(await first, { ok: true });
    assert.deepEqual(gauges(metrics), { booting: 0, online: 1, offline: 0, inFlight: 0 });

    acs.plan([{ method: 'Reboot', commandKey: 'rb-1' }]);
    const rebooted = await cpe.runSession(performance.now());
    assert.equal(rebooted.ok, true);
    assert.deepEqual(gauges(metrics), { booting: 0, online: 0, offline: 1, inFlight: 0 });
    assert.equal(cpe.powerState, 'offline');

    // Back from the reboot on its own (the gauge does not wait for the scheduler's next call).
    await waitFor('the CPE to power on', () => cpe.powerState === 'booting', 2000);
    assert.deepEqual(gauges(metrics), { booting: 1, online: 0, offline: 0, inFlight: 0 });
    acs.plan([]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.deepEqual(codes(acs.informs.at(-1)), ['1 BOOT', 'M Reboot/rb-1']);
    assert.deepEqual(gauges(metrics), { booting: 0, online: 1, offline: 0, inFlight: 0 });
  });

  it('powerCycle while idle: offline (nothing counted), then 1 BOOT without M Reboot, UpTime restarted, configuration kept', LIMIT, async () => {
    const acs = await startAcs();
    const { cpe, metrics, wakes } = newCpe(acs.url);
    await cpe.runSession(performance.now());
    acs.plan([{ method: 'SetParameterValues', parameterList: [{ name: PII, value: '123', type: 'unsignedInt' }], parameterKey: 'pk' }]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    await new Promise((r) => setTimeout(r, 1100)); // UpTime >= 1 s before the power cut

    cpe.powerCycle(OUTAGE_MS);
    assert.deepEqual(wakes, [OUTAGE_MS], 'the CPE asks for its session when the power is back');
    assert.deepEqual(gauges(metrics), { booting: 0, online: 0, offline: 1, inFlight: 0 });
    const started = metrics.sessions.started;
    const offline = await cpe.runSession(performance.now());
    assert.equal(offline.ok, false);
    assert.equal(offline.offline, true);
    assert.ok(offline.wakeAfterMs! > 0 && offline.wakeAfterMs! <= OUTAGE_MS, JSON.stringify(offline));
    assert.equal(metrics.sessions.started, started, 'no session while the power is off');

    await waitFor('the power to come back', () => cpe.offlineForMs() === 0);
    await waitFor('the gauge to follow', () => cpe.powerState === 'booting', 500);
    const answers = acs.plan([{ method: 'GetParameterValues', parameterNames: [UPTIME, PII] }]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.deepEqual(codes(acs.informs.at(-1)), ['1 BOOT']);
    assert.equal(valueOf(answers()[0], UPTIME), '0');
    assert.equal(valueOf(answers()[0], PII), '123');
    assert.deepEqual(gauges(metrics), { booting: 0, online: 1, offline: 0, inFlight: 0 });
    assert.deepEqual(metrics.sessions, { started: 3, completed: 3, failed: 0 });
  });

  it('powerCycle during a session aborts it at once: failed as power_cut, no RetryCount, back after the outage', LIMIT, async () => {
    const acs = await startAcs();
    const { cpe, metrics, wakes } = newCpe(acs.url);
    await cpe.runSession(performance.now());
    acs.plan([]);
    acs.state.stall = true;
    const running = cpe.runSession(performance.now());
    await waitFor('the empty POST to be stalled', acs.isStalled, 2000);
    const cutAt = performance.now();
    cpe.powerCycle(OUTAGE_MS);
    const result = await running;
    assert.ok(performance.now() - cutAt < 4000, 'the session ended with the power, not with the 5 s request timeout');
    assert.equal(result.ok, false);
    assert.equal(result.errorKind, 'power_cut');
    assert.equal(result.offline, undefined, 'a session did run (and was counted)');
    assert.ok(result.wakeAfterMs !== undefined && result.wakeAfterMs > 0 && result.wakeAfterMs <= OUTAGE_MS, JSON.stringify(result));
    assert.deepEqual(wakes, [], 'the result carries the wake-up, not requestSession');
    assert.deepEqual(metrics.sessions, { started: 2, completed: 1, failed: 1 });
    assert.deepEqual(metrics.errors, { power_cut: 1 });
    assert.equal(cpe.retryCount, 0, 'a power cut is not a failed attempt to reach the ACS');
    assert.deepEqual(gauges(metrics), { booting: 0, online: 0, offline: 1, inFlight: 0 });
    acs.release();
    acs.state.stall = false;

    await waitFor('the power to come back', () => cpe.powerState === 'booting');
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    const last = acs.informs.at(-1)!;
    assert.deepEqual(codes(last), ['1 BOOT']);
    assert.equal(last.retryCount, 0);
    assert.deepEqual(gauges(metrics), { booting: 0, online: 1, offline: 0, inFlight: 0 });
  });

  it('powerCycle rejects a negative or non-finite outage', () => {
    const cpe = new VirtualCpe({ index: 1, profile, acs: { url: 'http://127.0.0.1:1/', requestTimeoutMs: 100 }, observer: new MetricsRegistry(), connectionRequestUrl: '' });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => cpe.powerCycle(bad), (err: unknown) => (err as { code?: string }).code === 'CPESIM_INVALID_ARGUMENT');
    }
    assert.equal(cpe.powerState, 'booting');
  });

  it('a power cycle over many CPEs starts no Node timer per CPE; the gauge follows when the CPE is looked at', LIMIT, async () => {
    const metrics = new MetricsRegistry();
    const environment = cpeEnvironment({ profile, observer: metrics });
    const cpes = Array.from(
      { length: 500 },
      (_, i) => new VirtualCpe({ index: i, acs: { url: 'http://127.0.0.1:9/', requestTimeoutMs: 1000 }, connectionRequestUrl: `http://cr/${i}`, environment }),
    );
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    for (const cpe of cpes) cpe.powerCycle(50);
    assert.ok(timers() - before < 5, `${timers() - before} new timers for 500 power cycles`);
    assert.deepEqual(gauges(metrics), { booting: 0, online: 0, offline: 500, inFlight: 0 });
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(cpes[0]!.settlePower(), 'booting');
    assert.deepEqual(gauges(metrics), { booting: 1, online: 0, offline: 499, inFlight: 0 }, 'only the CPE looked at has moved');
    for (const cpe of cpes) cpe.settlePower();
    assert.deepEqual(gauges(metrics), { booting: 500, online: 0, offline: 0, inFlight: 0 });
  });
});
