/**
 * STUN for UDP connection requests (TR-111 part 2): Binding Requests from the shard's connection-request socket,
 * against a real coturn and against a scripted server that plays a NAT (a mapped address unlike the local one),
 * challenges with 401 and changes the mapping.
 */
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ATTR_BINDING_CHANGE,
  ATTR_CONNECTION_REQUEST_BINDING,
  ATTR_ERROR_CODE,
  ATTR_MESSAGE_INTEGRITY,
  ATTR_USERNAME,
  ATTR_XOR_MAPPED_ADDRESS,
  CONNECTION_REQUEST_BINDING_VALUE,
  decodeStunMessage,
  encodeAddress,
  encodeStunMessage,
  STUN_BINDING_ERROR,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
  verifyIntegrity,
  type StunMessage,
} from '../../src/connreq/stun-codec.js';
import { waitFor } from '../support/wait.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { udpRig } from './udp-rig.js';

interface SeenRequest {
  msg: StunMessage;
  raw: Buffer;
  from: RemoteInfo;
}

/** A scripted STUN server: 401 to requests without MESSAGE-INTEGRITY, then success with `mapped` as XOR-MAPPED-ADDRESS. */
async function natServer(password: string): Promise<{ socket: Socket; port: number; seen: SeenRequest[]; mapped: { address: string; port: number } }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const state = { socket, port: socket.address().port, seen: [] as SeenRequest[], mapped: { address: '203.0.113.5', port: 40000 } };
  socket.on('message', (raw, from) => {
    const msg = decodeStunMessage(raw);
    if (msg.type !== STUN_BINDING_REQUEST) return;
    state.seen.push({ msg, raw, from });
    const signed = msg.attributes.some((a) => a.type === ATTR_MESSAGE_INTEGRITY);
    const reply =
      signed && verifyIntegrity(raw, password)
        ? encodeStunMessage({ type: STUN_BINDING_SUCCESS, transactionId: msg.transactionId, magicCookie: true, attributes: [{ type: ATTR_XOR_MAPPED_ADDRESS, value: encodeAddress(state.mapped, msg.transactionId) }] })
        : encodeStunMessage({ type: STUN_BINDING_ERROR, transactionId: msg.transactionId, magicCookie: true, attributes: [{ type: ATTR_ERROR_CODE, value: Buffer.from([0, 0, 4, 1]) }] });
    socket.send(reply, from.port, from.address);
  });
  return state;
}

const has = (m: StunMessage, type: number) => m.attributes.some((a) => a.type === type);

describe('STUN keepalives', () => {
  let coturn: Coturn;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    coturn = await startCoturn();
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await coturn?.stop();
  });

  it('against coturn: Binding Requests from the connection-request socket; the mapped address is the UDPConnectionRequestAddress; a UDP request to it works', { timeout: 30_000 }, async () => {
    const r = await udpRig({ enabled: true, stun: { host: coturn.host, port: coturn.port, minKeepAliveS: 1, username: 'cpe-stun-user' } });
    closers.push(r.close);
    await waitFor('two keepalives answered by coturn', () => r.counted('stun.responses') >= 2, 10_000);
    const cpe = r.fleet.cpeAt(0)!;
    const ms = `${r.root}.ManagementServer.`;
    // coturn saw the shard socket: its mapped address is the socket's own (loopback: no NAT).
    assert.equal(cpe.model.get(`${ms}UDPConnectionRequestAddress`), r.udp.receiver.address);
    assert.equal(cpe.model.get(`${ms}NATDetected`), 'false');
    assert.equal(r.counted('stun.errors.error_response') + r.counted('stun.errors.malformed') + r.counted('stun.errors.unmatched'), 0, coturn.log().slice(-1500));
    // The socket that keeps the binding open receives the connection request.
    const before = r.informs();
    await r.acs.udpConnectionRequest(r.key, { address: cpe.model.get(`${ms}UDPConnectionRequestAddress`)! });
    await waitFor('the UDP connection request session', () => r.informs() === before + 1, 10_000);
    assert.deepEqual(r.acs.devices.get(r.key)!.events.map((e) => e.code), ['6 CONNECTION REQUEST']);
  });

  it('the ACS enables STUN (its values win); 401 → MESSAGE-INTEGRITY; a NAT mapping becomes the address, BINDING-CHANGE, active notification', { timeout: 30_000 }, async () => {
    const nat = await natServer('stun-pw');
    closers.push(async () => void nat.socket.close());
    // The scenario points at a server that does not exist; the ACS's settings replace it.
    const r = await udpRig({ enabled: true, stun: { host: '127.0.0.1', port: 9, minKeepAliveS: 3600 } }, 'tr181');
    closers.push(r.close);
    const ms = `${r.root}.ManagementServer.`;
    const cpe = r.fleet.cpeAt(0)!;
    assert.equal(cpe.model.get(`${ms}STUNServerPort`), '9', 'the scenario gives the power-on value');
    const set = r.acs.enqueue(r.key, {
      method: 'SetParameterValues',
      parameterKey: 'stun',
      parameterList: [
        { name: `${ms}STUNServerAddress`, value: '127.0.0.1', type: 'string' },
        { name: `${ms}STUNServerPort`, value: String(nat.port), type: 'unsignedInt' },
        { name: `${ms}STUNUsername`, value: 'cpe-0001', type: 'string' },
        { name: `${ms}STUNPassword`, value: 'stun-pw', type: 'string' },
        { name: `${ms}STUNMinimumKeepAlivePeriod`, value: '1', type: 'unsignedInt' },
      ],
    });
    const attrs = r.acs.enqueue(r.key, {
      method: 'SetParameterAttributes',
      parameterList: [{ name: `${ms}UDPConnectionRequestAddress`, notificationChange: true, notification: 2, accessListChange: false, accessList: [] }],
    });
    const informsBefore = r.informs();
    assert.equal((await r.acs.connectionRequest(r.key)).status, 200);
    assert.equal((await set).method, 'SetParameterValuesResponse');
    assert.equal((await attrs).method, 'SetParameterAttributesResponse');

    await waitFor('a binding through the scripted NAT', () => r.counted('stun.responses') >= 1, 10_000);
    assert.equal(cpe.model.get(`${ms}UDPConnectionRequestAddress`), '203.0.113.5:40000');
    assert.equal(cpe.model.get(`${ms}NATDetected`), 'true');
    const [first, signed] = nat.seen;
    assert.ok(first && signed);
    assert.equal(first.from.port, Number(r.udp.receiver.address.split(':')[1]), 'sent from the connection-request socket');
    assert.ok(!has(first.msg, ATTR_MESSAGE_INTEGRITY) && has(signed.msg, ATTR_MESSAGE_INTEGRITY), 'signed only after the 401');
    const crb = first.msg.attributes.find((a) => a.type === ATTR_CONNECTION_REQUEST_BINDING)!;
    assert.equal(crb.value.toString('latin1'), CONNECTION_REQUEST_BINDING_VALUE);
    assert.equal(first.msg.attributes.find((a) => a.type === ATTR_USERNAME)!.value.toString(), 'cpe-0001');
    await waitFor('the BINDING-CHANGE request', () => nat.seen.some((s) => has(s.msg, ATTR_BINDING_CHANGE)), 10_000);

    // Active notification: the change starts a session with 4 VALUE CHANGE carrying the new address.
    await waitFor('the value-change session', () => r.acs.devices.get(r.key)!.events.some((e) => e.code === '4 VALUE CHANGE'), 10_000);
    assert.ok(r.informs() >= informsBefore + 2);
    const reported = r.acs.devices.get(r.key)!.parameters.find((p) => p.name === `${ms}UDPConnectionRequestAddress`);
    assert.equal(reported?.value, '203.0.113.5:40000');

    // The NAT remaps: the next keepalive sees it, the address follows, BINDING-CHANGE again.
    const changes = nat.seen.filter((s) => has(s.msg, ATTR_BINDING_CHANGE)).length;
    nat.mapped = { address: '203.0.113.5', port: 40001 };
    await waitFor('the new mapping', () => cpe.model.get(`${ms}UDPConnectionRequestAddress`) === '203.0.113.5:40001', 10_000);
    await waitFor('another BINDING-CHANGE', () => nat.seen.filter((s) => has(s.msg, ATTR_BINDING_CHANGE)).length > changes, 10_000);
    await sleep(100);
    assert.equal(r.counted('stun.errors.unauthorized'), 0);
    assert.equal(r.counted('stun.errors.error_response'), 0);
  });

  it('a server that never answers: timeouts counted, nothing else changes', { timeout: 30_000 }, async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    closers.push(async () => void silent.close());
    const r = await udpRig({ enabled: true, stun: { host: '127.0.0.1', port: silent.address().port, minKeepAliveS: 1 } });
    closers.push(r.close);
    // The response timeout is 5 s; expiry is checked at each keepalive.
    await waitFor('a timeout', () => r.counted('stun.errors.timeout') >= 1, 15_000);
    assert.equal(r.counted('stun.responses'), 0);
    assert.equal(r.fleet.cpeAt(0)!.model.get(`${r.root}.ManagementServer.UDPConnectionRequestAddress`), r.udp.receiver.address);
  });
});
