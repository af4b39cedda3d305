/**
 * UDP connection requests (TR-069 Annex G) end to end on loopback: the reference ACS signs a request with the
 * credentials it provisioned and sends it to the CPE's UDPConnectionRequestAddress; the shard's receiver verifies
 * it and the CPE opens a session with "6 CONNECTION REQUEST". Wrong signatures, unknown users, replayed ids,
 * stale timestamps and garbage are counted by reason and dropped: no session, no answer, no crash.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Credentials } from '../../src/acs/auth.js';
import type { ConnectionRequestTarget } from '../../src/connreq/listener.js';
import { buildUdpConnectionRequest } from '../../src/connreq/udp-message.js';
import { UdpConnectionRequestReceiver } from '../../src/connreq/udp-receiver.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { waitFor } from '../support/wait.js';
import { CR, udpRig, type UdpRig } from './udp-rig.js';

/**
 * Sends raw datagrams to the receiver, waits until it has handled them (`received`: its cr.udp.received count), and
 * reports whether anything came back (a CPE never answers).
 */
async function sendRaw(address: string, datagrams: Buffer[], received: () => number): Promise<{ answered: boolean }> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const socket = createSocket('udp4');
  let answered = false;
  socket.on('message', () => (answered = true));
  const handled = received() + datagrams.length;
  try {
    for (const d of datagrams) await new Promise<void>((resolve, reject) => socket.send(d, port, host, (err) => (err ? reject(err) : resolve())));
    await waitFor(`the receiver to handle ${datagrams.length} datagram(s)`, () => received() >= handled);
    await sleep(200);
  } finally {
    socket.close();
  }
  return { answered };
}

const eventsOf = (r: UdpRig) => r.acs.devices.get(r.key)!.events.map((e) => e.code);
const nowS = () => Math.floor(Date.now() / 1000);

describe('UDP connection requests', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('the CPE reports its UDPConnectionRequestAddress; a signed request from the ACS → a 6 CONNECTION REQUEST session', { timeout: 30_000 }, async () => {
    const r = await udpRig({ enabled: true });
    closers.push(r.close);
    // How an ACS learns the address: GetParameterValues (here in a session an HTTP connection request opens).
    const gpv = r.acs.enqueue(r.key, { method: 'GetParameterValues', parameterNames: [`${r.root}.ManagementServer.UDPConnectionRequestAddress`] });
    assert.equal((await r.acs.connectionRequest(r.key)).status, 200);
    const answer = await gpv;
    assert.equal(answer.method, 'GetParameterValuesResponse');
    const address = answer.method === 'GetParameterValuesResponse' ? answer.parameterList[0]!.value : '';
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    assert.equal(address, r.udp.receiver.address);
    await waitFor('the HTTP connection request session to end', () => r.fleet.sessionsInFlight === 0, 10_000);

    const before = r.informs();
    await r.acs.udpConnectionRequest(r.key, { address });
    await waitFor('the UDP connection request session', () => r.informs() === before + 1, 10_000);
    assert.deepEqual(eventsOf(r), ['6 CONNECTION REQUEST']);
    assert.equal(r.counted('cr.udp.received'), 1);
    assert.equal(r.counted('cr.udp.accepted'), 1);
    // Latencies: all transports together and UDP's own.
    assert.equal(r.metrics.histogram('cr.udp.toInform')?.totalCount, 1);
    assert.equal(r.metrics.histogram('cr.toInform')?.totalCount, 2, 'the HTTP request and the UDP one');
    assert.equal(r.metrics.histogram('cr.http.toInform')?.totalCount, 1);
  });

  it('wrong signature, unknown user, replayed id, stale ts and garbage: counted by reason, dropped unanswered, no session', { timeout: 30_000 }, async () => {
    const r = await udpRig({ enabled: true, replayWindowMs: 30_000 });
    closers.push(r.close);
    const address = r.udp.receiver.address;
    const udpReceived = () => r.counted('cr.udp.received');
    const before = r.informs();
    const signed = (o: { password?: string; username?: string; ts?: number; id?: string }) =>
      buildUdpConnectionRequest({
        address,
        username: o.username ?? CR.connectionRequestUsername,
        password: o.password ?? CR.connectionRequestPassword,
        ts: o.ts ?? nowS(),
        ...(o.id !== undefined ? { id: o.id } : {}),
      });
    const valid = signed({ id: '7001' });
    const tampered = Buffer.from(valid.toString('latin1').replace('id=7001', 'id=7002'), 'latin1');
    const { answered } = await sendRaw(address, [
      signed({ password: 'wrong' }),
      tampered,
      signed({ username: 'nobody' }),
      signed({ ts: nowS() - 3600 }),
      signed({ ts: nowS() + 3600 }),
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]),
      Buffer.from('GET http://127.0.0.1:1?ts=1&id=2 HTTP/1.1\r\n\r\n'),
      Buffer.from('POST / HTTP/1.1\r\n\r\n'),
      Buffer.alloc(4000, 0x41),
      Buffer.alloc(0),
    ], udpReceived);
    assert.equal(answered, false, 'UDP connection requests are never answered');
    await sleep(300);
    assert.equal(r.informs(), before, 'no session from rejected requests');
    assert.equal(r.counted('cr.udp.rejected.bad_signature'), 2);
    assert.equal(r.counted('cr.udp.rejected.unknown_user'), 1);
    assert.equal(r.counted('cr.udp.rejected.stale'), 2);
    assert.equal(r.counted('cr.udp.rejected.malformed'), 5);
    assert.equal(r.counted('cr.udp.accepted'), 0);

    // The valid one, three copies (as an ACS may retransmit): one session, the copies counted as replays.
    await sendRaw(address, [valid, valid, valid], udpReceived);
    await waitFor('the session', () => r.informs() === before + 1, 10_000);
    assert.deepEqual(eventsOf(r), ['6 CONNECTION REQUEST']);
    await waitFor('the session to end', () => r.fleet.sessionsInFlight === 0, 10_000);
    // The same id again later, re-signed with a newer ts: still a replay. An older ts than the last accepted: too.
    await sendRaw(address, [signed({ id: '7001', ts: nowS() + 1 }), signed({ id: '7003', ts: nowS() - 20 })], udpReceived);
    await sleep(300);
    assert.equal(r.informs(), before + 1, 'replays start nothing');
    assert.equal(r.counted('cr.udp.accepted'), 1);
    assert.equal(r.counted('cr.udp.rejected.replayed'), 4);
    const c = r.metrics.snapshot().counters;
    const rejected = Object.entries(c).filter(([n]) => n.startsWith('cr.udp.rejected.')).reduce((a, [, n]) => a + n, 0);
    assert.equal(c['cr.udp.received'], rejected + (c['cr.udp.accepted'] ?? 0) + (c['cr.udp.merged'] ?? 0), 'received = accepted + merged + rejected');
    // Still serving: a fresh request goes through.
    await r.acs.udpConnectionRequest(r.key, { address });
    await waitFor('a session after all the junk', () => r.informs() === before + 2, 10_000);
  });

  it('the username names the CPE: shared username told apart by password; shared credentials are ambiguous; renames follow', { timeout: 20_000 }, async () => {
    const metrics = new MetricsRegistry();
    const receiver = await UdpConnectionRequestReceiver.open({ counters: metrics });
    closers.push(() => receiver.close());
    // Three CPEs on shard 1 of 2 (global indexes 1, 3, 5): 1 and 3 share a username, 3 and 5 share everything.
    const creds = new Map<number, Credentials>([
      [1, { username: 'shared', password: 'p1' }],
      [3, { username: 'shared', password: 'p3' }],
      [5, { username: 'shared', password: 'p3' }],
    ]);
    const requested: [number, string | undefined][] = [];
    const target: ConnectionRequestTarget = {
      credentials: (i) => creds.get(i),
      connectionRequest: (i, _at, transport) => {
        requested.push([i, transport]);
        return 'accepted';
      },
    };
    receiver.attach(target, { index: 1, count: 2 }, 3);
    const send = (username: string, password: string) =>
      sendRaw(receiver.address, [buildUdpConnectionRequest({ address: receiver.address, username, password })], () => metrics.counters['cr.udp.received'] ?? 0);
    await send('shared', 'p1');
    assert.deepEqual(requested, [[1, 'udp']]);
    await send('shared', 'p3');
    assert.deepEqual(requested, [[1, 'udp']], 'two CPEs verify: neither is triggered');
    assert.equal(metrics.counters['cr.udp.rejected.ambiguous_user'], 1);
    // The ACS renames CPE 5 in a session: a request under the new name finds it while the session runs...
    receiver.sessionStarted(5);
    creds.set(5, { username: 'five', password: 'p3' });
    await send('five', 'p3');
    assert.deepEqual(requested, [[1, 'udp'], [5, 'udp']]);
    // ...and after it, the index has it (not in a session any more), and 'shared' + p3 names CPE 3 alone.
    receiver.refresh(5);
    await send('five', 'p3');
    await send('shared', 'p3');
    assert.deepEqual(requested, [[1, 'udp'], [5, 'udp'], [5, 'udp'], [3, 'udp']]);
    await send('nobody', 'p3');
    assert.equal(metrics.counters['cr.udp.rejected.unknown_user'], 1);
  });
});
