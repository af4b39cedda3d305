/**
 * HTTP connection requests against one in-thread Fleet behind its ConnectionRequestListener: Digest against the
 * CPE's own credentials (the reference ACS provisions them), 401 without or with wrong ones and no session, a
 * session with "6 CONNECTION REQUEST" after a valid one, merging, 503 while rebooting, and junk counted/dropped.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { after, describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { sendConnectionRequest } from '../../src/acs/connection-request.js';
import { connectionRequestToken, parseConnectionRequestPath } from '../../src/connreq/cr-path.js';
import { ConnectionRequestListener } from '../../src/connreq/listener.js';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import type { CounterName } from '../../src/metrics/counters.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { waitFor } from '../support/wait.js';
import { testScenario } from '../fleet/fleet-harness.js';

const CR = { connectionRequestUsername: 'acs-cr', connectionRequestPassword: 'cr-secret', periodicInformInterval: 3600 };

function scenarioFor(url: string): Scenario {
  // testScenario's hour between periodic informs: any later session within a test is the connection request's.
  return testScenario(url, { name: 'connreq', referenceAcs: { provision: true, maxConcurrentSessions: undefined }, seed: 7 });
}

interface Rig {
  acs: ReferenceAcs;
  fleet: Fleet;
  listener: ConnectionRequestListener;
  metrics: MetricsRegistry;
  key: string;
  close(): Promise<void>;
}

/** One CPE, bootstrapped and provisioned by the reference ACS (or by `acsUrl`), with its listener. */
async function rig(opts: { acsUrl?: string; nonceLifetimeMs?: number; now?: () => number; delayMs?: number } = {}): Promise<Rig> {
  const profile = await loadProfile('tr098');
  const acs = await startReferenceAcs({ provision: CR });
  const url = opts.acsUrl ?? acs.url;
  const metrics = new MetricsRegistry();
  const listener = await ConnectionRequestListener.open({
    seed: 7,
    counters: metrics,
    ...(opts.nonceLifetimeMs !== undefined ? { nonceLifetimeMs: opts.nonceLifetimeMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const fleet = new Fleet({
    scenario: scenarioFor(url),
    shard: { index: 0, count: 1 },
    acs: { url, requestTimeoutMs: 5000 },
    profiles: new Map([['tr098', profile]]),
    metrics,
    connectionRequestUrl: (i) => listener.urlOf(i),
    ...(opts.delayMs !== undefined ? { connectionRequests: { delayMs: opts.delayMs } } : {}),
  });
  listener.attach(fleet);
  const key = deviceKey(new DeviceModel(profile, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
  fleet.start(performance.now());
  if (!opts.acsUrl) await waitFor('the bootstrap session', () => acs.devices.get(key)?.provisioned === true && fleet.sessionsInFlight === 0, 10_000);
  return {
    acs, fleet, listener, metrics, key,
    close: async () => {
      await fleet.stop(1000);
      await listener.close();
      await acs.close();
    },
  };
}

/** A `cr.http.*` counter as the shard's registry snapshot carries it (what reaches summary.json and Prometheus). */
const counted = (r: Rig, name: CounterName) => r.metrics.snapshot().counters[name] ?? 0;

const eventsOf = (acs: ReferenceAcs, key: string) => acs.devices.get(key)!.events.map((e) => e.code);

describe('HTTP connection requests', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('paths carry index and a seed-derived token; anything else is not ours', () => {
    const t = connectionRequestToken(7, 12);
    assert.match(t, /^[A-Za-z0-9_-]{16}$/);
    assert.notEqual(t, connectionRequestToken(8, 12));
    assert.notEqual(t, connectionRequestToken(7, 13));
    assert.equal(parseConnectionRequestPath(`/cr/12/${t}`, 7), 12);
    assert.equal(parseConnectionRequestPath(`/cr/13/${t}`, 7), undefined);
    assert.equal(parseConnectionRequestPath(`/cr/12/${t}?x=1`, 7), undefined);
    assert.equal(parseConnectionRequestPath(`/cr/012/${t}`, 7), undefined);
  });

  it('401 without and with wrong credentials (no session); Digest → 200 and a 6 CONNECTION REQUEST session; latencies', { timeout: 20_000 }, async () => {
    const r = await rig();
    closers.push(r.close);
    const informs = () => r.acs.devices.get(r.key)!.informCount;
    const before = informs();
    assert.equal((await r.acs.connectionRequest(r.key, { auth: 'none' })).status, 401);
    assert.equal((await r.acs.connectionRequest(r.key, { credentials: { username: CR.connectionRequestUsername, password: 'wrong' } })).status, 401);
    assert.equal((await r.acs.connectionRequest(r.key, { auth: 'basic' })).status, 401, 'Basic is refused where Digest is required');
    await sleep(300);
    assert.equal(informs(), before, 'no session without valid credentials');
    assert.equal(counted(r, 'cr.http.rejected.unauthenticated'), 2, 'the unauthenticated GET and the Digest first leg');
    assert.equal(counted(r, 'cr.http.rejected.auth_failed'), 2);

    // An RPC waiting for the next session: the connection request's session carries it (cr.toFirstRpc).
    const gpv = r.acs.enqueue(r.key, { method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.UpTime'] });
    const sentAt = performance.now();
    assert.equal((await r.acs.connectionRequest(r.key)).status, 200);
    await waitFor('the connection request session', () => informs() === before + 1, 10_000);
    assert.ok(performance.now() - sentAt < 30_000);
    assert.deepEqual(eventsOf(r.acs, r.key), ['6 CONNECTION REQUEST']);
    assert.equal((await gpv).method, 'GetParameterValuesResponse');
    assert.equal(counted(r, 'cr.http.accepted'), 1);
    // The whole picture, by its stable names: each Digest exchange starts with an unauthenticated leg.
    assert.deepEqual(r.metrics.snapshot().counters, {
      'cr.http.received': 6,
      'cr.http.rejected.unauthenticated': 3,
      'cr.http.rejected.auth_failed': 2,
      'cr.http.accepted': 1,
    });
    assert.equal(r.metrics.histogram('cr.toInform' as never)?.totalCount, 1);
    assert.equal(r.metrics.histogram('cr.toFirstRpc' as never)?.totalCount, 1);
  });

  it('Digest nonce expiry: a stale nonce is challenged again (stale=true) and triggers nothing', { timeout: 20_000 }, async () => {
    let now = Date.now();
    const r = await rig({ nonceLifetimeMs: 1000, now: () => now });
    closers.push(r.close);
    const url = r.acs.devices.get(r.key)!.parameters.find((p) => p.name.endsWith('ConnectionRequestURL'))!.value;
    const first = await fetch(url);
    const challenge = first.headers.get('www-authenticate')!;
    now += 5000;
    const { HttpAuthenticator } = await import('../../src/transport/http-auth.js');
    const client = new HttpAuthenticator(CR.connectionRequestUsername, CR.connectionRequestPassword);
    assert.ok(client.onChallenge(challenge, false));
    const path = new URL(url).pathname;
    const stale = await fetch(url, { headers: { Authorization: client.authorization('GET', path)! } });
    assert.equal(stale.status, 401);
    assert.match(stale.headers.get('www-authenticate')!, /stale=true/);
    assert.equal(counted(r, 'cr.http.rejected.stale_nonce'), 1);
    assert.equal(counted(r, 'cr.http.accepted'), 0);
    // The client's retry on the fresh nonce goes through.
    assert.ok(client.onChallenge(stale.headers.get('www-authenticate')!, true));
    assert.equal((await fetch(url, { headers: { Authorization: client.authorization('GET', path)! } })).status, 200);
  });

  it('several requests before the session (configured delay): one session; rebooting → 503', { timeout: 20_000 }, async () => {
    const r = await rig({ delayMs: 800 });
    closers.push(r.close);
    const informs = () => r.acs.devices.get(r.key)!.informCount;
    const before = informs();
    const sentAt = performance.now();
    const statuses = await Promise.all([r.acs.connectionRequest(r.key), r.acs.connectionRequest(r.key), r.acs.connectionRequest(r.key)]);
    assert.deepEqual(statuses.map((s) => s.status), [200, 200, 200]);
    await waitFor('the session', () => informs() === before + 1, 10_000);
    assert.ok(performance.now() - sentAt >= 750, 'the session waited for the configured delay');
    await sleep(300);
    assert.equal(informs(), before + 1, 'one session for three requests');
    assert.equal(counted(r, 'cr.http.accepted') + counted(r, 'cr.http.merged'), 3);
    assert.ok(counted(r, 'cr.http.merged') >= 1);

    // A Reboot: the CPE is offline for ~3 s after that session.
    const rebooted = r.acs.enqueue(r.key, { method: 'Reboot', commandKey: 'cr-rb' });
    assert.equal((await r.acs.connectionRequest(r.key)).status, 200);
    await rebooted;
    await waitFor('the reboot', () => r.fleet.sessionsInFlight === 0, 5000);
    assert.equal((await r.acs.connectionRequest(r.key)).status, 503);
    assert.equal(counted(r, 'cr.http.rejected.offline'), 1);
  });

  it('a request during a session is merged: its session follows when the running one ends', { timeout: 20_000 }, async () => {
    // A raw ACS that holds the first InformResponse until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: string[][] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        if (body === '') return void res.writeHead(204).end();
        const msg = parseCpeMessage(body);
        if (msg.body.method !== 'Inform') return void res.writeHead(400).end();
        seen.push(msg.body.events.map((e) => e.code));
        if (seen.length === 1) await held;
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: 0, id: msg.header.id }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const acsUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const r = await rig({ acsUrl });
    closers.push(r.close);
    await waitFor('the bootstrap Inform', () => seen.length === 1, 5000);
    // Not provisioned by this ACS: the profile's own credentials.
    const model = new DeviceModel(await loadProfile('tr098'), { index: 0, connectionRequestUrl: '', bootTimeMs: 0 });
    const credentials = { username: model.get('InternetGatewayDevice.ManagementServer.ConnectionRequestUsername')!, password: model.get('InternetGatewayDevice.ManagementServer.ConnectionRequestPassword')! };
    const status = await sendConnectionRequest(r.listener.urlOf(0), credentials);
    assert.equal(status.status, 200);
    assert.equal(counted(r, 'cr.http.merged'), 1);
    assert.equal(seen.length, 1, 'no second session while one runs');
    release();
    await waitFor('the requested session', () => seen.length === 2, 5000);
    assert.deepEqual(seen[1], ['6 CONNECTION REQUEST']);
    await sleep(300);
    assert.equal(seen.length, 2);
  });

  it('malformed requests are counted and dropped: nothing crashes, no session starts', { timeout: 20_000 }, async () => {
    const r = await rig();
    closers.push(r.close);
    const informs = () => r.acs.devices.get(r.key)!.informCount;
    const before = informs();
    const url = new URL(r.listener.urlOf(0));
    const base = `http://${url.host}`;
    assert.equal((await fetch(`${base}/cr/0/AAAAAAAAAAAAAAAA`)).status, 404);
    assert.equal((await fetch(`${base}/cr/99/${connectionRequestToken(7, 99)}`)).status, 404, 'no such CPE');
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(url, { method: 'POST', body: 'x' })).status, 405);
    assert.equal((await fetch(url, { method: 'POST', body: 'x'.repeat(10_000) })).status, 400);
    // Not HTTP at all.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end('\x00\x01garbage\r\n\r\n'));
      socket.on('data', () => {});
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    // Digest header that does not parse.
    assert.equal((await fetch(url, { headers: { Authorization: 'Digest ,,,=' } })).status, 401);
    await sleep(300);
    assert.equal(informs(), before);
    // Exactly these names, nothing else: every request received is accounted for once.
    assert.deepEqual(r.metrics.snapshot().counters, {
      'cr.http.received': 7,
      'cr.http.rejected.not_found': 3,
      'cr.http.rejected.method': 1,
      'cr.http.rejected.malformed': 2,
      'cr.http.rejected.auth_failed': 1,
    });
    // Still serving.
    assert.equal((await r.acs.connectionRequest(r.key)).status, 200);
  });
});

test('--cr-host sets the listeners\' address; wildcards and names are refused', async () => {
  const { applyRunFlags } = await import('../../src/cli/run-options.js');
  const { ConfigError } = await import('../../src/errors.js');
  const base = scenarioFor('http://127.0.0.1:1/');
  assert.equal(applyRunFlags(base, { crHost: '127.0.0.5' }).connectionRequests?.host, '127.0.0.5');
  for (const bad of ['0.0.0.0', '::', 'example.com']) assert.throws(() => applyRunFlags(base, { crHost: bad }), ConfigError);
});

test('through the worker threads: each shard\'s listener counts reach the run\'s merged metrics and summary', { timeout: 30_000 }, async () => {
  const { runFleet } = await import('../../src/fleet/run-fleet.js');
  const { RunControl } = await import('../../src/fleet/run-control.js');
  const { buildSummary } = await import('../../src/report/summary.js');
  const { mergeSnapshots } = await import('../../src/metrics/merge.js');
  const acs = await startReferenceAcs({ provision: CR });
  try {
    const scenario: Scenario = { ...scenarioFor(acs.url), fleet: [{ profile: 'tr098', count: 2 }], gracePeriodMs: 2000 };
    const control = new RunControl();
    const run = runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2, control });
    // Provisioned mid-session: wait for those sessions to end, so each request is accepted, not merged into one.
    await waitFor('2 provisioned CPEs, no session running', () => [...acs.devices.values()].filter((d) => d.provisioned).length === 2 && acs.stats.concurrentSessions === 0, 15_000);
    for (const key of acs.devices.keys()) {
      assert.equal((await acs.connectionRequest(key, { auth: 'none' })).status, 401);
      assert.equal((await acs.connectionRequest(key)).status, 200);
    }
    control.stop();
    const result = await run;
    assert.equal(result.shardFailures.length, 0);
    // Per CPE: the bare GET and the Digest first leg (unauthenticated), then the authenticated one (accepted).
    const expected = { 'cr.http.received': 6, 'cr.http.rejected.unauthenticated': 4, 'cr.http.accepted': 2 };
    assert.equal(result.snapshots.length, 2);
    const metrics = mergeSnapshots(result.snapshots);
    assert.deepEqual(metrics.counters, expected);
    const summary = buildSummary({ scenario: 'cr', startedAt: new Date(0), acsUrl: acs.url, cpes: 2, durationMs: 1000, metrics });
    assert.deepEqual(summary.counters, expected);
  } finally {
    await acs.close();
  }
});
