/** The reference ACS's connection-request driver, scheduled on a fake clock against a fake ACS (no sockets). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionRequestDriver, type ConnectionRequestTarget, type DriverClock } from '../../src/acs/connection-request-driver.js';
import type { ConnectionRequestDriverSettings, ConnectionRequestTransport } from '../../src/acs/connection-request-settings.js';
import type { DeviceRecord } from '../../src/acs/device-registry.js';
import type { AcsRequest, CpeMessage } from '../../src/cwmp/messages.js';
import { CpesimError } from '../../src/errors.js';
import { decodeHistogram, summarize } from '../../src/metrics/histogram.js';

/** Timers that run only when the test advances the time. */
class FakeClock implements DriverClock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
  /** Moves the time forward, running each timer at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

/** Lets settled promises run their callbacks. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function device(n: number, extra: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    key: `OUI-PC-${n}`,
    deviceId: { manufacturer: 'M', oui: 'OUI', productClass: 'PC', serialNumber: String(n) },
    cwmpVersion: 2,
    events: [{ code: '1 BOOT', commandKey: '' }],
    parameters: [
      { name: 'Device.DeviceInfo.SoftwareVersion', value: '1', type: 'string' },
      { name: 'Device.ManagementServer.ConnectionRequestURL', value: `http://127.0.0.1:1/cr/${n}/x`, type: 'string' },
    ],
    retryCount: 0,
    currentTime: '2024-01-01T00:00:00Z',
    informCount: 1,
    bootstrapped: true,
    provisioned: true,
    deviceInfo: [],
    ...extra,
  };
}

type Sent = { transport: ConnectionRequestTransport; key: string };

/** A fake ACS: records every request; `answer` decides how each ends (default: HTTP 200 / XMPP result / UDP sent). */
class FakeAcs implements ConnectionRequestTarget {
  readonly devices = new Map<string, DeviceRecord>();
  readonly sent: Sent[] = [];
  readonly enqueued: { key: string; request: AcsRequest; resolve: (m: CpeMessage) => void }[] = [];
  answer: (s: Sent) => Promise<unknown> = () => Promise.resolve(undefined);
  add(...records: DeviceRecord[]): void {
    for (const r of records) this.devices.set(r.key, r);
  }
  private async record(transport: ConnectionRequestTransport, key: string): Promise<unknown> {
    const s = { transport, key };
    this.sent.push(s);
    return this.answer(s);
  }
  async connectionRequest(key: string) {
    return ((await this.record('http', key)) as { status: number } | undefined) ?? { status: 200 };
  }
  async udpConnectionRequest(key: string) {
    await this.record('udp', key);
  }
  async xmppConnectionRequest(key: string) {
    return ((await this.record('xmpp', key)) as { ok: true } | { ok: false; condition: string } | undefined) ?? { ok: true as const };
  }
  enqueue(key: string, request: AcsRequest): Promise<CpeMessage> {
    return new Promise((resolve) => this.enqueued.push({ key, request, resolve }));
  }
}

function settings(over: Partial<ConnectionRequestDriverSettings> = {}): ConnectionRequestDriverSettings {
  return { ratePerS: 4, transports: { http: 1 }, select: 'roundRobin', startAfterMs: 1000, maxInFlight: 100, seed: 7, timeoutMs: 10_000, ...over };
}

/** A driver over `n` informed devices, started on a fresh fake clock. */
function rig(over: Partial<ConnectionRequestDriverSettings> = {}, n = 3) {
  const acs = new FakeAcs();
  const clock = new FakeClock();
  const driver = new ConnectionRequestDriver(acs, settings(over), clock);
  for (let i = 0; i < n; i++) {
    acs.add(device(i));
    driver.onInform(acs.devices.get(`OUI-PC-${i}`)!);
  }
  driver.start();
  return { acs, clock, driver };
}

test('nothing is sent before startAfter; then the rate is kept on schedule (request k due at start + k/rate)', async () => {
  const { acs, clock, driver } = rig({ ratePerS: 4, startAfterMs: 1000 });
  await clock.advance(999);
  assert.equal(acs.sent.length, 0);
  await clock.advance(1);
  assert.equal(acs.sent.length, 1, 'the first request at startAfter');
  await clock.advance(10_000);
  // Due at 1000 + k*250 <= 11000: k = 0..40.
  assert.equal(acs.sent.length, 41);
  assert.equal(driver.report().scheduled, 41);
  await driver.close();
  await clock.advance(10_000);
  assert.equal(acs.sent.length, 41, 'close() stops the schedule');
  assert.equal(clock.pendingTimers, 0);
});

test('a late timer catches up: requests due while the loop was blocked are sent at once (open model)', async () => {
  const acs = new FakeAcs();
  acs.add(device(0));
  // A clock whose timers fire 1 s late.
  const clock = new FakeClock();
  const late: DriverClock = { now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimeout(fn, ms + 1000), clearTimeout: (h) => clock.clearTimeout(h) };
  const driver = new ConnectionRequestDriver(acs, settings({ ratePerS: 10, startAfterMs: 0 }), late);
  driver.onInform(acs.devices.get('OUI-PC-0')!);
  driver.start();
  await clock.advance(1000);
  // Fired at t=1000: due at 0, 100, ..., 1000.
  assert.equal(acs.sent.length, 11);
  await driver.close();
});

test('round-robin in the order devices first informed, skipping devices not provisioned', async () => {
  const { acs, clock, driver } = rig({ ratePerS: 1, startAfterMs: 0 }, 3);
  acs.devices.set('OUI-PC-1', device(1, { provisioned: false }));
  await clock.advance(3000);
  assert.deepEqual(acs.sent.map((s) => s.key), ['OUI-PC-0', 'OUI-PC-2', 'OUI-PC-0', 'OUI-PC-2']);
  await driver.close();
});

test('random selection and a transport mix are deterministic for a seed', async () => {
  const sequence = async (seed: number) => {
    const acs = new FakeAcs();
    const clock = new FakeClock();
    const driver = new ConnectionRequestDriver(acs, settings({ seed, select: 'random', transports: { http: 1, xmpp: 1 }, startAfterMs: 0, ratePerS: 10 }), clock);
    for (let i = 0; i < 10; i++) {
      acs.add(device(i, { connReqJabberId: `cpe-${i}@x/cwmp` }));
      driver.onInform(acs.devices.get(`OUI-PC-${i}`)!);
    }
    driver.start();
    await clock.advance(4900);
    await driver.close();
    return acs.sent.map((s) => `${s.transport}:${s.key}`);
  };
  const a = await sequence(11);
  assert.equal(a.length, 50);
  assert.deepEqual(await sequence(11), a, 'same seed, same requests');
  assert.notDeepEqual(await sequence(12), a, 'another seed, other requests');
  const transports = new Set(a.map((s) => s.split(':')[0]));
  assert.deepEqual([...transports].sort(), ['http', 'xmpp'], 'both transports of the mix are used');
  assert.ok(new Set(a).size > 10, 'devices vary');
});

test('weights split the requests in proportion', async () => {
  const acs = new FakeAcs();
  const clock = new FakeClock();
  const driver = new ConnectionRequestDriver(acs, settings({ transports: { http: 3, xmpp: 1 }, startAfterMs: 0, ratePerS: 100 }), clock);
  acs.add(device(0, { connReqJabberId: 'cpe@x/cwmp' }));
  driver.onInform(acs.devices.get('OUI-PC-0')!);
  driver.start();
  await clock.advance(9990);
  await driver.close();
  const { sent } = driver.report();
  assert.equal((sent.http ?? 0) + (sent.xmpp ?? 0), 1000);
  assert.ok(sent.http! > 700 && sent.http! < 800, JSON.stringify(sent));
});

test('at most maxInFlight unfinished requests: requests due beyond that are skipped and counted, not queued', async () => {
  const { acs, clock, driver } = rig({ ratePerS: 10, startAfterMs: 0, maxInFlight: 3 });
  const release: (() => void)[] = [];
  acs.answer = () => new Promise((resolve) => release.push(() => resolve(undefined)));
  await clock.advance(1000);
  assert.equal(acs.sent.length, 3);
  assert.equal(driver.inFlight, 3);
  let r = driver.report();
  assert.equal(r.scheduled, 11);
  assert.equal(r.skipped.inFlight, 8);
  assert.equal(r.peakInFlight, 3);
  for (const f of release.splice(0)) f();
  await flush();
  assert.equal(driver.inFlight, 0);
  await clock.advance(100);
  assert.equal(acs.sent.length, 4, 'sending resumes on the schedule, without a burst of the skipped ones');
  acs.answer = () => Promise.resolve(undefined);
  for (const f of release.splice(0)) f();
  await driver.close();
  r = driver.report();
  assert.equal(r.skipped.inFlight, 8);
});

test('no reachable device: counted as skipped (noDevice)', async () => {
  const { acs, clock, driver } = rig({ ratePerS: 1, startAfterMs: 0, transports: { xmpp: 1 } }, 2);
  await clock.advance(1500);
  assert.equal(acs.sent.length, 0);
  assert.deepEqual(driver.report().skipped, { inFlight: 0, noDevice: 2 });
  await driver.close();
});

test('answers and failures are counted; the request → 6 CONNECTION REQUEST Inform latency is measured from the oldest accepted request', async () => {
  const { acs, clock, driver } = rig({ ratePerS: 1, startAfterMs: 0 }, 3);
  const outcomes = [
    Promise.resolve({ status: 200 }),
    Promise.resolve({ status: 401 }),
    Promise.reject(new CpesimError('CPESIM_ACS_CR_TIMEOUT', 'timed out')),
    Promise.resolve({ status: 200 }),
    Promise.resolve({ status: 503 }),
  ];
  acs.answer = () => outcomes.shift() ?? Promise.resolve({ status: 200 });
  // t=0: PC-0 200, t=1000: PC-1 401, t=2000: PC-2 timeout, t=3000: PC-0 200 (merged), t=4000: PC-1 503.
  await clock.advance(4000);
  await clock.advance(500);
  driver.onInform(device(0, { events: [{ code: '6 CONNECTION REQUEST', commandKey: '' }] }));
  // Refused and failed requests bring no session: an Inform of theirs is not a measurement.
  driver.onInform(device(1, { events: [{ code: '6 CONNECTION REQUEST', commandKey: '' }] }));
  driver.onInform(device(2, { events: [{ code: '6 CONNECTION REQUEST', commandKey: '' }] }));
  await driver.close();
  const r = driver.report();
  assert.deepEqual(r.sent, { http: 5 });
  assert.deepEqual(r.answered.http, { '2xx': 2, '4xx': 1, '5xx': 1 });
  assert.deepEqual(r.failed, { CPESIM_ACS_CR_TIMEOUT: 1 });
  assert.equal(r.toInform.http?.count, 1);
  assert.ok(Math.abs(r.toInform.http!.p50 - 4500) < 5, `from the first request: ${r.toInform.http!.p50}`);
  assert.equal(r.awaitingInform, 0);
  // The same histogram, encoded for the results (cpesim merge adds them up). Decoded, its max is its bucket's top
  // (HDR keeps 3 significant digits), so the numbers agree to 0.1 %.
  const encoded = driver.encodedToInform();
  assert.deepEqual(Object.keys(encoded), ['http']);
  const decoded = summarize(decodeHistogram(encoded.http!));
  assert.equal(decoded.count, 1);
  assert.ok(Math.abs(decoded.p50 - r.toInform.http!.p50) <= r.toInform.http!.p50 * 0.001, JSON.stringify({ decoded, summary: r.toInform.http }));
});

test('XMPP errors are counted by condition; an accepted request without an Inform stays awaiting', async () => {
  const acs = new FakeAcs();
  const clock = new FakeClock();
  const driver = new ConnectionRequestDriver(acs, settings({ ratePerS: 1, startAfterMs: 0, transports: { xmpp: 1 } }), clock);
  acs.add(device(0, { connReqJabberId: 'cpe@x/cwmp' }));
  driver.onInform(acs.devices.get('OUI-PC-0')!);
  const outcomes = [Promise.resolve({ ok: false, condition: 'not-authorized' }), Promise.resolve({ ok: true })];
  acs.answer = () => outcomes.shift()!;
  driver.start();
  await clock.advance(1000);
  await driver.close();
  const r = driver.report();
  assert.deepEqual(r.answered.xmpp, { result: 1, error: { 'not-authorized': 1 } });
  assert.equal(r.awaitingInform, 1);
});

test('UDP: the address is read once with GetParameterValues, then requests go to it', async () => {
  const acs = new FakeAcs();
  const clock = new FakeClock();
  const driver = new ConnectionRequestDriver(acs, settings({ ratePerS: 1, startAfterMs: 0, transports: { udp: 1 } }), clock);
  acs.add(device(0));
  driver.onInform(acs.devices.get('OUI-PC-0')!);
  driver.onInform(acs.devices.get('OUI-PC-0')!);
  assert.equal(acs.enqueued.length, 1, 'asked once');
  assert.deepEqual(acs.enqueued[0]!.request, { method: 'GetParameterValues', parameterNames: ['Device.ManagementServer.UDPConnectionRequestAddress'] });
  driver.start();
  await clock.advance(0);
  assert.equal(driver.report().skipped.noDevice, 1, 'no address yet');
  acs.enqueued[0]!.resolve({ method: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.ManagementServer.UDPConnectionRequestAddress', value: '127.0.0.1:4000', type: 'string' }] });
  await flush();
  await clock.advance(1000);
  assert.deepEqual(acs.sent, [{ transport: 'udp', key: 'OUI-PC-0' }]);
  await driver.close();
});

test('the report lists transports in their fixed order with zero counts, whichever was used first', async () => {
  const acs = new FakeAcs();
  const clock = new FakeClock();
  const driver = new ConnectionRequestDriver(acs, settings({ ratePerS: 1, startAfterMs: 0, transports: { http: 1, xmpp: 1 } }), clock);
  // Reachable over XMPP only: every HTTP pick finds no device, so XMPP is the first (and only) transport used.
  acs.add(device(0, { connReqJabberId: 'cpe@x/cwmp', parameters: [] }));
  driver.onInform(acs.devices.get('OUI-PC-0')!);
  driver.start();
  await clock.advance(5000);
  await driver.close();
  const r = driver.report();
  assert.ok((r.sent.xmpp ?? 0) >= 1, JSON.stringify(r));
  assert.deepEqual(Object.keys(r.sent), ['http', 'xmpp']);
  assert.equal(r.sent.http, 0);
});
