/**
 * XMPP connection requests (TR-069 Annex K) against a real prosody: a small in-thread Fleet whose CPEs log in with
 * their own JIDs through the XmppConnector, report them in ManagementServer.ConnReqJabberID (active notification),
 * and answer the reference ACS's connectionRequest IQ; wrong credentials, senders outside ConnReqAllowedJabberIDs
 * and junk stanzas are counted and start no session. Login failures are retried with back-off; logins are paced.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { xml, type Client } from '@xmpp/client';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { XmppConnector } from '../../src/connreq/xmpp-connector.js';
import { xmppClient } from '../../src/connreq/xmpp-login.js';
import { connectionRequestElement, NS_XMPP_CONNREQ } from '../../src/connreq/xmpp-stanza.js';
import type { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import type { CounterName } from '../../src/metrics/counters.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import type { Scenario, XmppSettings } from '../../src/scenario/scenario.js';
import { waitFor } from '../support/wait.js';
import { startProsody, type Prosody } from '../support/prosody.js';

const CR = { connectionRequestUsername: 'acs-cr', connectionRequestPassword: 'cr-secret', periodicInformInterval: 3600 };
const CPES = 3;
const DOMAIN = 'cpesim.test';
const ACS_ACCOUNT = { username: 'acs', password: 'acs-xmpp-secret' };
const INTRUDER = { username: 'intruder', password: 'intruder-secret' };

function scenarioFor(url: string): Scenario {
  return {
    name: 'xmpp-connreq',
    file: undefined,
    durationMs: 120_000,
    acs: { url, username: undefined, password: undefined, insecure: false, ca: undefined, requestTimeoutMs: 5000 },
    referenceAcs: { provision: true, maxConcurrentSessions: undefined },
    fleet: [{ profile: 'tr098', count: 2 }, { profile: 'tr181', count: 1 }],
    // An hour between periodic informs: a later session within a test is the connection request's.
    schedule: { periodicIntervalS: 3600, jitter: 0, rampMs: 0 },
    seed: 11,
  };
}

/** The serial numbers of global CPEs 0..n-1 as the scenario's groups make them. */
function serials(profiles: CompiledProfile[]): string[] {
  return profiles.map((p, index) => new DeviceModel(p, { index, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId().serialNumber);
}

describe('XMPP connection requests against prosody', () => {
  let prosody: Prosody;
  let acs: ReferenceAcs;
  let fleet: Fleet;
  let connector: XmppConnector;
  let metrics: MetricsRegistry;
  const keys: string[] = [];
  let settings: XmppSettings;
  const counted = (name: CounterName) => metrics.snapshot().counters[name] ?? 0;

  before(async () => {
    const tr098 = await loadProfile('tr098');
    const tr181 = await loadProfile('tr181');
    const byIndex = [tr098, tr098, tr181];
    const serialOf = serials(byIndex);
    prosody = await startProsody({
      domain: DOMAIN,
      accounts: [...serialOf.map((s) => ({ username: `cpe-${s}`.toLowerCase(), password: `pw-${s}` })), ACS_ACCOUNT, INTRUDER],
    });
    acs = await startReferenceAcs({ provision: CR, xmpp: { host: prosody.host, port: prosody.port, domain: DOMAIN, ...ACS_ACCOUNT } });
    metrics = new MetricsRegistry();
    fleet = new Fleet({
      scenario: scenarioFor(acs.url),
      shard: { index: 0, count: 1 },
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      profiles: new Map([['tr098', tr098], ['tr181', tr181]]),
      metrics,
      connectionRequestUrl: () => 'http://127.0.0.1:9/unused',
    });
    settings = {
      host: prosody.host,
      port: prosody.port,
      domain: DOMAIN,
      username: 'cpe-{{serial}}',
      password: 'pw-{{serial}}',
      resource: 'cwmp',
      concurrency: 2,
      loginTimeoutMs: 15_000,
    };
    connector = new XmppConnector({ settings, cpes: fleet.localCpes, target: fleet, counters: metrics });
    for (let i = 0; i < CPES; i++) keys.push(deviceKey(new DeviceModel(byIndex[i]!, { index: i, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId()));
    fleet.start(performance.now());
    connector.start();
  });

  after(async () => {
    await connector?.close();
    await fleet?.stop(1000);
    await acs?.close();
    await prosody?.stop();
  });

  const informs = (key: string) => acs.devices.get(key)?.informCount ?? 0;
  const events = (key: string) => acs.devices.get(key)?.events.map((e) => e.code) ?? [];

  it('every CPE logs in and reports its full JID in ConnReqJabberID (4 VALUE CHANGE), provisioned by the ACS', { timeout: 60_000 }, async () => {
    await waitFor(
      'every CPE provisioned and its JID known to the ACS',
      () => keys.every((k) => acs.devices.get(k)?.provisioned === true && acs.devices.get(k)?.connReqJabberId !== undefined) && fleet.sessionsInFlight === 0,
      45_000,
    ).catch(async (err) => assert.fail(`${(err as Error).message}\nprosody log:\n${await prosody.log()}`));
    const jids = keys.map((k) => acs.devices.get(k)!.connReqJabberId!);
    for (const [i, jid] of jids.entries()) {
      const serial = acs.devices.get(keys[i]!)!.deviceId.serialNumber;
      // prosody case-folds the local part (RFC 7622); the resource is ours.
      assert.equal(jid, `cpe-${serial.toLowerCase()}@${DOMAIN}/cwmp`);
    }
    assert.equal(connector.online, CPES);
    assert.equal(counted('xmpp.login.ok'), CPES);
    // The JID reached the ACS in an Inform with 4 VALUE CHANGE (alone, or with the bootstrap's events).
    const cpe = fleet.localCpes[0]!;
    assert.equal(cpe.managementValue('ConnReqJabberID'), jids[0]);
    assert.equal(cpe.managementValue('ConnReqAllowedJabberIDs'), `${ACS_ACCOUNT.username}@${DOMAIN}`, 'the ACS provisioned its JID as the only allowed sender');
    for (const c of fleet.localCpes) assert.equal(c.managementValue('SupportedConnReqMethods'), 'HTTP,XMPP');
  });

  it('the ACS sends a valid request: empty IQ result, then a 6 CONNECTION REQUEST session; counted and timed', { timeout: 60_000 }, async () => {
    const key = keys[2]!; // the TR-181 CPE
    const before = informs(key);
    assert.deepEqual(await acs.xmppConnectionRequest(key), { ok: true });
    await waitFor('the connection request session', () => informs(key) > before && events(key).includes('6 CONNECTION REQUEST'), 30_000);
    await waitFor('the session ended', () => fleet.sessionsInFlight === 0, 10_000);
    assert.equal(counted('cr.xmpp.accepted'), 1);
    const latency = (name: string) => metrics.histogram(name as never)?.totalCount ?? 0;
    assert.equal(latency('cr.xmpp.toInform'), 1);
    assert.equal(latency('cr.toInform'), 1, 'the all-transport latency too');
    assert.equal(latency('cr.http.toInform'), 0);
  });

  it('wrong credentials: not-authorized and no session', { timeout: 30_000 }, async () => {
    const key = keys[0]!;
    const before = informs(key);
    const result = await acs.xmppConnectionRequest(key, { credentials: { username: CR.connectionRequestUsername, password: 'wrong' } });
    assert.deepEqual(result, { ok: false, condition: 'not-authorized' });
    assert.deepEqual(await acs.xmppConnectionRequest(key, { credentials: { username: 'nobody', password: CR.connectionRequestPassword } }), {
      ok: false,
      condition: 'not-authorized',
    });
    await sleep(1000);
    assert.equal(informs(key), before, 'no session without valid credentials');
    assert.equal(counted('cr.xmpp.rejected.auth_failed'), 2);
  });

  describe('a client that is not the ACS', () => {
    let intruder: Client;
    let jid: string;
    before(async () => {
      intruder = xmppClient({ host: prosody.host, port: prosody.port, domain: DOMAIN, ...INTRUDER, resource: 'x', timeoutMs: 15_000 });
      await intruder.start();
      jid = acs.devices.get(keys[1]!)!.connReqJabberId!;
    });
    after(async () => {
      await intruder?.stop();
    });

    const ask = async (stanza: ReturnType<typeof xml>) => {
      try {
        await intruder.iqCaller.request(stanza, 15_000);
        return 'result';
      } catch (err) {
        return (err as { condition?: string }).condition ?? String(err);
      }
    };

    it('right credentials from a JID not in ConnReqAllowedJabberIDs: not-authorized, no session', { timeout: 30_000 }, async () => {
      const before = informs(keys[1]!);
      const credentials = { username: CR.connectionRequestUsername, password: CR.connectionRequestPassword };
      assert.equal(await ask(xml('iq', { type: 'set', to: jid }, connectionRequestElement(credentials))), 'not-authorized');
      await sleep(500);
      assert.equal(informs(keys[1]!), before);
      assert.equal(counted('cr.xmpp.rejected.forbidden_jid'), 1);
    });

    it('garbage and unknown stanzas are counted and dropped: errors where XMPP wants them, no crash, no session', { timeout: 30_000 }, async () => {
      const key = keys[1]!;
      const before = informs(key);
      const receivedBefore = counted('cr.xmpp.received');
      // An IQ get of another namespace: service-unavailable (RFC 6120 §8.4).
      assert.equal(await ask(xml('iq', { type: 'get', to: jid }, xml('query', { xmlns: 'jabber:iq:version-nope' }))), 'service-unavailable');
      // The Annex K element as a get, and without a password: not a connection request.
      assert.equal(await ask(xml('iq', { type: 'get', to: jid }, connectionRequestElement({ username: 'u', password: 'p' }))), 'service-unavailable');
      assert.equal(await ask(xml('iq', { type: 'set', to: jid }, xml('connectionRequest', { xmlns: NS_XMPP_CONNREQ }, xml('username', {}, 'u')))), 'bad-request');
      // Two payloads in one IQ: bad-request (prosody bounces it itself: the CPE never sees it).
      assert.equal(await ask(xml('iq', { type: 'set', to: jid }, xml('a', { xmlns: 'x:a' }), xml('b', { xmlns: 'x:b' }))), 'bad-request');
      // A message and a presence: dropped without an answer.
      await intruder.send(xml('message', { to: jid, type: 'chat' }, xml('body', {}, 'connection request please')));
      await intruder.send(xml('presence', { to: jid }));
      await waitFor('all five stanzas that reach the CPE counted', () => counted('cr.xmpp.received') - receivedBefore === 5, 10_000).catch((err) =>
        assert.fail(`${(err as Error).message}: ${JSON.stringify(metrics.snapshot().counters)}`),
      );
      assert.equal(counted('cr.xmpp.rejected.unknown'), 3, 'the foreign IQ, the message and the presence');
      assert.equal(counted('cr.xmpp.rejected.malformed'), 2, 'the connectionRequest get, the one without password');
      await sleep(500);
      assert.equal(informs(key), before, 'no session');
      assert.equal(connector.online, CPES, 'every CPE still logged in');
      // The CPE still answers the real ACS.
      assert.deepEqual(await acs.xmppConnectionRequest(key), { ok: true });
      await waitFor('its session', () => informs(key) > before && events(key).includes('6 CONNECTION REQUEST'), 30_000);
    });
  });

  it('received = accepted + merged + rejected', () => {
    const c = metrics.snapshot().counters;
    const rejected = Object.entries(c).filter(([n]) => n.startsWith('cr.xmpp.rejected.')).reduce((a, [, n]) => a + (n ?? 0), 0);
    assert.equal(c['cr.xmpp.received'], (c['cr.xmpp.accepted'] ?? 0) + (c['cr.xmpp.merged'] ?? 0) + rejected);
  });

  it('a CPE whose login fails is counted and retried with back-off until it can log in', { timeout: 60_000 }, async () => {
    // A new account name nobody registered yet: its logins fail (not-authorized) until it exists.
    const late = new XmppConnector({
      settings: { ...settings, username: 'late-{{serial}}', password: 'late' },
      cpes: fleet.localCpes.slice(0, 1),
      target: fleet,
      counters: metrics,
      retryMinMs: 200,
      retryMaxMs: 800,
    });
    try {
      late.start();
      await waitFor('two failed logins', () => counted('xmpp.login.failed') >= 2, 20_000);
      assert.equal(late.online, 0);
      const serial = fleet.localCpes[0]!.model.deviceId().serialNumber;
      await prosody.register([{ username: `late-${serial}`.toLowerCase(), password: 'late' }]);
      await waitFor('the login after the account exists', () => late.online === 1, 20_000);
    } finally {
      await late.close();
    }
    assert.equal(late.online, 0, 'closed');
  });
});

/** `count` tr098 CPEs that never start (no ACS): only their XMPP side runs. */
async function unstartedFleet(count: number): Promise<{ fleet: Fleet; metrics: MetricsRegistry }> {
  const metrics = new MetricsRegistry();
  const fleet = new Fleet({
    scenario: { ...scenarioFor('http://127.0.0.1:9/'), fleet: [{ profile: 'tr098', count }] },
    shard: { index: 0, count: 1 },
    acs: { url: 'http://127.0.0.1:9/', requestTimeoutMs: 1000 },
    profiles: new Map([['tr098', await loadProfile('tr098')]]),
    metrics,
    connectionRequestUrl: () => 'http://127.0.0.1:9/unused',
  });
  return { fleet, metrics };
}

test('a lost XMPP session (server restart) is counted and the CPE logs in again after a back-off', { timeout: 60_000 }, async () => {
  const prosody = await startProsody({ accounts: [{ username: 'cpe-0', password: 'p' }] });
  const { fleet, metrics } = await unstartedFleet(1);
  const connector = new XmppConnector({
    settings: { host: prosody.host, port: prosody.port, domain: prosody.domain, username: 'cpe-{{index}}', password: 'p', resource: 'cwmp', concurrency: 1, loginTimeoutMs: 10_000 },
    cpes: fleet.localCpes,
    target: fleet,
    counters: metrics,
    retryMinMs: 300,
    retryMaxMs: 1000,
  });
  const counted = (name: CounterName) => metrics.snapshot().counters[name] ?? 0;
  try {
    connector.start();
    await waitFor('logged in', () => connector.online === 1, 20_000);
    await prosody.restart();
    await waitFor('logged in again', () => counted('xmpp.login.ok') === 2 && connector.online === 1, 30_000);
    assert.equal(counted('xmpp.disconnected'), 1);
    assert.equal(fleet.localCpes[0]!.managementValue('ConnReqJabberID'), `cpe-0@${prosody.domain}/cwmp`, 'the same JID: no new value change');
  } finally {
    await connector.close();
    await prosody.stop();
  }
});

test('logins are paced: at most `concurrency` in flight, the rest wait; a silent server times them out and they retry', { timeout: 30_000 }, async () => {
  // A TCP server that accepts and never speaks XMPP: every login hangs until its time limit.
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    // A login is in flight from its first bytes to its end (FIN, reset or close), not from accept to close: a
    // stalled test process can accept the next login before it has seen the last one's socket close.
    let inFlight = false;
    const ended = () => {
      if (inFlight) open--;
      inFlight = false;
    };
    socket.once('data', () => {
      inFlight = true;
      maxOpen = Math.max(maxOpen, ++open);
    });
    socket.on('error', ended);
    socket.on('end', ended);
    socket.resume(); // reads (and ignores) what the client writes, so its FIN is seen and the socket closes
    socket.on('close', () => {
      ended();
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const { fleet, metrics } = await unstartedFleet(6);
  const connector = new XmppConnector({
    settings: { host: '127.0.0.1', port, domain: DOMAIN, username: 'cpe-{{index}}', password: 'x', resource: 'cwmp', concurrency: 2, loginTimeoutMs: 300 },
    cpes: fleet.localCpes,
    target: fleet,
    counters: metrics,
    retryMinMs: 100,
    retryMaxMs: 200,
  });
  try {
    connector.start();
    await waitFor('every CPE tried at least once', () => accepted >= 6 && (metrics.snapshot().counters['xmpp.login.failed'] ?? 0) >= 6, 20_000);
    assert.ok(maxOpen <= 2, `at most 2 logins in flight, saw ${maxOpen}`);
    assert.equal(connector.online, 0);
  } finally {
    await connector.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const failedAtClose = metrics.snapshot().counters['xmpp.login.failed'] ?? 0;
  await sleep(500);
  assert.equal(metrics.snapshot().counters['xmpp.login.failed'] ?? 0, failedAtClose, 'no retries after close');
});
