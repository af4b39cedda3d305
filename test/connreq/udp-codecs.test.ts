/** The STUN codec (RFC 5389 / TR-111 attributes) and the UDP connection-request message (TR-069 Annex G). */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ATTR_BINDING_CHANGE,
  ATTR_CONNECTION_REQUEST_BINDING,
  ATTR_ERROR_CODE,
  ATTR_MAPPED_ADDRESS,
  ATTR_MESSAGE_INTEGRITY,
  ATTR_USERNAME,
  ATTR_XOR_MAPPED_ADDRESS,
  decodeStunMessage,
  encodeAddress,
  encodeBindingRequest,
  encodeStunMessage,
  errorCode,
  formatAddress,
  looksLikeStun,
  mappedAddress,
  STUN_BINDING_ERROR,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
  StunDecodeError,
  verifyIntegrity,
} from '../../src/connreq/stun-codec.js';
import { buildUdpConnectionRequest, parseUdpConnectionRequest, udpConnectionRequestSignature, verifyUdpConnectionRequest } from '../../src/connreq/udp-message.js';
import { parseHostPort } from '../../src/config/host-port.js';

const TX = Buffer.from('0102030405060708090a0b0c', 'hex');

describe('STUN codec', () => {
  it('a TR-111 Binding Request: header, CONNECTION-REQUEST-BINDING, BINDING-CHANGE, USERNAME, padding', () => {
    const buf = encodeBindingRequest({ transactionId: TX, username: 'cpe1', bindingChange: true });
    // Header: type, length, magic cookie, transaction id.
    assert.equal(buf.readUInt16BE(0), 0x0001);
    assert.equal(buf.readUInt16BE(2), buf.length - 20);
    assert.equal(buf.readUInt32BE(4), 0x2112a442);
    assert.deepEqual(buf.subarray(8, 20), TX);
    // First attribute, byte by byte: type 0xC001, length 20, "dslforum.org/TR-111 " (trailing space).
    assert.equal(buf.subarray(20, 44).toString('hex'), 'c0010014' + Buffer.from('dslforum.org/TR-111 ').toString('hex'));
    const msg = decodeStunMessage(buf);
    assert.equal(msg.type, STUN_BINDING_REQUEST);
    assert.deepEqual(msg.attributes.map((a) => a.type), [ATTR_CONNECTION_REQUEST_BINDING, ATTR_BINDING_CHANGE, ATTR_USERNAME]);
    assert.equal(msg.attributes[1]!.value.length, 0);
    assert.equal(msg.attributes[2]!.value.toString(), 'cpe1');
    assert.equal(buf.length % 4, 0);
    // No USERNAME when STUNUsername is empty (TR-111), no BINDING-CHANGE unless asked.
    assert.deepEqual(decodeStunMessage(encodeBindingRequest({ transactionId: TX, username: '' })).attributes.map((a) => a.type), [ATTR_CONNECTION_REQUEST_BINDING]);
  });

  it('MESSAGE-INTEGRITY: HMAC-SHA1 over the message up to it, length counting it; last attribute', () => {
    const buf = encodeBindingRequest({ transactionId: TX, username: 'u', integrityKey: 'stun-secret' });
    const msg = decodeStunMessage(buf);
    assert.equal(msg.attributes.at(-1)!.type, ATTR_MESSAGE_INTEGRITY);
    // Independently: the HMAC over header (with the final length) + the attributes before MESSAGE-INTEGRITY.
    const before = buf.subarray(0, buf.length - 24);
    const expected = createHmac('sha1', 'stun-secret').update(before).digest();
    assert.deepEqual(buf.subarray(buf.length - 20), expected);
    assert.ok(verifyIntegrity(buf, 'stun-secret'));
    assert.ok(!verifyIntegrity(buf, 'other'));
  });

  it('XOR-MAPPED-ADDRESS preferred over MAPPED-ADDRESS; both decoded; RFC 5769 vector', () => {
    // RFC 5769 §2.2 sample IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853, transaction id b7e7a701bc34d686fa87dfae.
    const tx = Buffer.from('b7e7a701bc34d686fa87dfae', 'hex');
    const xorValue = Buffer.from('0001a147e112a643', 'hex');
    const res = encodeStunMessage({ type: STUN_BINDING_SUCCESS, transactionId: tx, magicCookie: true, attributes: [{ type: ATTR_XOR_MAPPED_ADDRESS, value: xorValue }] });
    assert.deepEqual(mappedAddress(decodeStunMessage(res)), { address: '192.0.2.1', port: 32853 });
    assert.deepEqual(encodeAddress({ address: '192.0.2.1', port: 32853 }, tx), xorValue);
    const both = encodeStunMessage({
      type: STUN_BINDING_SUCCESS,
      transactionId: TX,
      magicCookie: true,
      attributes: [
        { type: ATTR_MAPPED_ADDRESS, value: encodeAddress({ address: '10.0.0.1', port: 1 }, undefined) },
        { type: ATTR_XOR_MAPPED_ADDRESS, value: encodeAddress({ address: '198.51.100.7', port: 40000 }, TX) },
      ],
    });
    assert.deepEqual(mappedAddress(decodeStunMessage(both)), { address: '198.51.100.7', port: 40000 });
    const plain = encodeStunMessage({ type: STUN_BINDING_SUCCESS, transactionId: TX, magicCookie: true, attributes: [{ type: ATTR_MAPPED_ADDRESS, value: encodeAddress({ address: '10.0.0.1', port: 5060 }, undefined) }] });
    assert.equal(formatAddress(mappedAddress(decodeStunMessage(plain))!), '10.0.0.1:5060');
    assert.equal(formatAddress({ address: '::1', port: 7 }), '[::1]:7');
  });

  it('ERROR-CODE; malformed input rejected with a typed error; STUN vs. UDP connection request told apart', () => {
    const err = encodeStunMessage({ type: STUN_BINDING_ERROR, transactionId: TX, magicCookie: true, attributes: [{ type: ATTR_ERROR_CODE, value: Buffer.from([0, 0, 4, 1]) }] });
    assert.equal(errorCode(decodeStunMessage(err)), 401);
    assert.throws(() => decodeStunMessage(Buffer.from('GET http://a:1?x HTTP/1.1\r\n\r\n')), StunDecodeError);
    const truncated = Buffer.from(err);
    truncated.writeUInt16BE(0x0100, 22); // the attribute claims 256 bytes
    assert.throws(() => decodeStunMessage(truncated), StunDecodeError);
    assert.equal(looksLikeStun(err), true);
    assert.equal(looksLikeStun(Buffer.from('GET http://127.0.0.1:5000?ts=1 HTTP/1.1\r\n\r\n')), false);
    assert.equal(looksLikeStun(Buffer.alloc(8)), false);
  });
});

describe('UDP connection request message', () => {
  it('sig = hex HMAC-SHA1(password, ts‖id‖un‖cn) (TR-069 Annex G)', () => {
    const f = { ts: '1120673700', id: '1234', un: 'CPE57689', cn: 'XTGRWIPC6D3IPXS3' };
    const expected = createHmac('sha1', 'secret').update('11206737001234CPE57689XTGRWIPC6D3IPXS3').digest('hex');
    assert.equal(udpConnectionRequestSignature(f, 'secret'), expected);
    assert.ok(verifyUdpConnectionRequest({ ...f, sig: expected.toUpperCase() }, 'secret'), 'hex is case-insensitive');
    assert.ok(!verifyUdpConnectionRequest({ ...f, sig: expected }, 'other'));
    assert.ok(!verifyUdpConnectionRequest({ ...f, sig: 'zz' }, 'secret'));
  });

  it('parses the Annex G request line (with or without Host); builds what it parses', () => {
    const line = 'GET http://10.1.1.1:5000?ts=1120673700&id=1234&un=CPE57689&cn=XTGRWIPC6D3IPXS3&sig=3545F7B5820D76A3DF45A3A509DA8D8C38F13512 HTTP/1.1';
    const expected = { ts: '1120673700', id: '1234', un: 'CPE57689', cn: 'XTGRWIPC6D3IPXS3', sig: '3545F7B5820D76A3DF45A3A509DA8D8C38F13512' };
    assert.deepEqual(parseUdpConnectionRequest(Buffer.from(line)), expected);
    assert.deepEqual(parseUdpConnectionRequest(Buffer.from(`${line}\r\nHost: 10.1.1.1:5000\r\n\r\n`)), expected);
    const built = buildUdpConnectionRequest({ address: '127.0.0.1:9', username: 'user@x', password: 'pw', ts: 100, id: '5', cn: 'abc' });
    assert.match(built.toString(), /^GET http:\/\/127\.0\.0\.1:9\?ts=100&id=5&un=user%40x&cn=abc&sig=[0-9a-f]{40} HTTP\/1\.1\r\nHost: 127\.0\.0\.1:9\r\n\r\n$/);
    const parsed = parseUdpConnectionRequest(built)!;
    assert.equal(parsed.un, 'user@x');
    assert.ok(verifyUdpConnectionRequest(parsed, 'pw'));
  });

  it('malformed datagrams: missing or repeated fields, other methods or schemes, binary, oversized', () => {
    const ok = 'ts=1&id=2&un=u&cn=c&sig=' + 'a'.repeat(40);
    const bad = [
      `GET http://h:1?ts=1&id=2&un=u&cn=c HTTP/1.1`,
      `GET http://h:1?${ok}&ts=2 HTTP/1.1`,
      `POST http://h:1?${ok} HTTP/1.1`,
      `GET https://h:1?${ok} HTTP/1.1`,
      `GET http://h:1?${ok} HTTP/1.0`,
      `GET http://h:1?${ok.replace('ts=1', 'ts=x')} HTTP/1.1`,
      `GET http://h:1?${ok.replace('un=u', 'un=a b')} HTTP/1.1`,
      `GET /?${ok} HTTP/1.1`,
      `GET http://h:1?${ok}&junk HTTP/1.1`,
    ];
    for (const text of bad) assert.equal(parseUdpConnectionRequest(Buffer.from(text)), undefined, text);
    assert.equal(parseUdpConnectionRequest(Buffer.from([0x47, 0x45, 0x54, 0x20, 0xff])), undefined);
    assert.equal(parseUdpConnectionRequest(Buffer.from(`GET http://h:1?${ok} HTTP/1.1\r\nX: ${'y'.repeat(2000)}`)), undefined);
    assert.notEqual(parseUdpConnectionRequest(Buffer.from(`GET http://h:1?${ok}&ext=1 HTTP/1.1`)), undefined, 'unknown fields are ignored');
  });

  it('host:port addresses (UDPConnectionRequestAddress, stun.server)', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:3478'), { host: '127.0.0.1', port: 3478 });
    assert.deepEqual(parseHostPort('stun.example.net'), { host: 'stun.example.net' });
    assert.deepEqual(parseHostPort('[::1]:19302'), { host: '::1', port: 19302 });
    assert.equal(parseHostPort('h:0'), undefined);
    assert.equal(parseHostPort('h:70000'), undefined);
    assert.equal(parseHostPort('a b:1'), undefined);
    assert.equal(parseHostPort('::1:3478'), undefined, 'IPv6 needs brackets');
  });
});
