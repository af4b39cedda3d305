import { createHmac, randomBytes } from 'node:crypto';
import { CpesimError } from '../errors.js';

/**
 * A small STUN codec (RFC 5389 header, RFC 3489 attributes a TR-111 CPE uses) for the Binding Requests a CPE
 * sends for UDP connection requests (TR-069 Annex G / TR-111 part 2). Written by hand: only the Binding method,
 * the address attributes, USERNAME, MESSAGE-INTEGRITY, ERROR-CODE and the two TR-111 attributes are needed.
 */

export const STUN_BINDING_REQUEST = 0x0001;
export const STUN_BINDING_SUCCESS = 0x0101;
export const STUN_BINDING_ERROR = 0x0111;
export const STUN_MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;

export const ATTR_MAPPED_ADDRESS = 0x0001;
export const ATTR_USERNAME = 0x0006;
export const ATTR_MESSAGE_INTEGRITY = 0x0008;
export const ATTR_ERROR_CODE = 0x0009;
export const ATTR_XOR_MAPPED_ADDRESS = 0x0020;
/** TR-111: this Binding Request keeps a connection-request binding open (value "dslforum.org/TR-111 "). */
export const ATTR_CONNECTION_REQUEST_BINDING = 0xc001;
/** TR-111: the CPE saw its mapped address change (no value). */
export const ATTR_BINDING_CHANGE = 0xc002;
export const CONNECTION_REQUEST_BINDING_VALUE = 'dslforum.org/TR-111 ';

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  type: number;
  /** 12 bytes (RFC 5389); a RFC 3489 message's 16-byte id is its cookie field + these 12 bytes. */
  transactionId: Buffer;
  /** The header carried RFC 5389's magic cookie. */
  magicCookie: boolean;
  attributes: StunAttribute[];
}

/** A datagram that is not a well-formed STUN message. */
export class StunDecodeError extends CpesimError {
  constructor(message: string) {
    super('CPESIM_STUN_DECODE', message);
  }
}

/**
 * Whether a datagram looks like STUN (RFC 5389 §6: the two top bits are 0, the length is a multiple of 4 and matches).
 * A UDP connection request starts with "GET " (0x47: top bits 01), so one socket can carry both.
 */
export function looksLikeStun(buf: Buffer): boolean {
  return buf.length >= HEADER_BYTES && (buf[0]! & 0xc0) === 0 && buf.readUInt16BE(2) === buf.length - HEADER_BYTES && buf.length % 4 === 0;
}

export function newTransactionId(): Buffer {
  return randomBytes(12);
}

export interface BindingRequestOptions {
  transactionId: Buffer;
  /** STUNUsername; no USERNAME attribute when empty or absent. */
  username?: string | undefined;
  /** STUNPassword: adds MESSAGE-INTEGRITY (sent after the server challenged with 401). */
  integrityKey?: string | undefined;
  /** TR-111 BINDING-CHANGE: the mapped address changed since the last binding. */
  bindingChange?: boolean;
}

/** A TR-111 Binding Request: CONNECTION-REQUEST-BINDING, optional BINDING-CHANGE, USERNAME, MESSAGE-INTEGRITY. */
export function encodeBindingRequest(opts: BindingRequestOptions): Buffer {
  const attributes: StunAttribute[] = [{ type: ATTR_CONNECTION_REQUEST_BINDING, value: Buffer.from(CONNECTION_REQUEST_BINDING_VALUE, 'latin1') }];
  if (opts.bindingChange) attributes.push({ type: ATTR_BINDING_CHANGE, value: Buffer.alloc(0) });
  if (opts.username) attributes.push({ type: ATTR_USERNAME, value: Buffer.from(opts.username, 'utf8') });
  return encodeStunMessage({ type: STUN_BINDING_REQUEST, transactionId: opts.transactionId, magicCookie: true, attributes }, opts.integrityKey);
}

/** Encodes a message; with `integrityKey` a MESSAGE-INTEGRITY (HMAC-SHA1, RFC 5389 §15.4) is appended last. */
export function encodeStunMessage(msg: StunMessage, integrityKey?: string): Buffer {
  if (msg.transactionId.length !== 12) throw new StunDecodeError(`transaction id must be 12 bytes, got ${msg.transactionId.length}`);
  const parts: Buffer[] = [];
  for (const a of msg.attributes) parts.push(attributeBytes(a.type, a.value));
  let body = Buffer.concat(parts);
  const header = (length: number): Buffer => {
    const h = Buffer.alloc(HEADER_BYTES);
    h.writeUInt16BE(msg.type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
    msg.transactionId.copy(h, 8);
    return h;
  };
  if (integrityKey !== undefined && integrityKey !== '') {
    // The HMAC covers the message up to the attribute, with the length already counting it (24 bytes).
    const hmac = createHmac('sha1', integrityKey).update(header(body.length + 24)).update(body).digest();
    body = Buffer.concat([body, attributeBytes(ATTR_MESSAGE_INTEGRITY, hmac)]);
  }
  return Buffer.concat([header(body.length), body]);
}

function attributeBytes(type: number, value: Buffer): Buffer {
  const padded = Math.ceil(value.length / 4) * 4;
  const out = Buffer.alloc(4 + padded);
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}

export function decodeStunMessage(buf: Buffer): StunMessage {
  if (!looksLikeStun(buf)) throw new StunDecodeError(`not a STUN message (${buf.length} bytes)`);
  const attributes: StunAttribute[] = [];
  let at = HEADER_BYTES;
  while (at < buf.length) {
    if (at + 4 > buf.length) throw new StunDecodeError('truncated attribute header');
    const type = buf.readUInt16BE(at);
    const length = buf.readUInt16BE(at + 2);
    if (at + 4 + length > buf.length) throw new StunDecodeError(`attribute 0x${type.toString(16)} overruns the message`);
    attributes.push({ type, value: buf.subarray(at + 4, at + 4 + length) });
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return {
    type: buf.readUInt16BE(0),
    transactionId: Buffer.from(buf.subarray(8, 20)),
    magicCookie: buf.readUInt32BE(4) === STUN_MAGIC_COOKIE,
    attributes,
  };
}

export interface TransportAddress {
  address: string;
  port: number;
}

/** "host:port" (IPv6 in brackets), the form of UDPConnectionRequestAddress. */
export function formatAddress(a: TransportAddress): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/**
 * The reflexive address of a Binding success response: XOR-MAPPED-ADDRESS (RFC 5389) when present, else
 * MAPPED-ADDRESS (RFC 3489 servers). Undefined when the response carries neither.
 */
export function mappedAddress(msg: StunMessage): TransportAddress | undefined {
  const xor = msg.attributes.find((a) => a.type === ATTR_XOR_MAPPED_ADDRESS);
  if (xor) return decodeAddress(xor.value, msg.transactionId);
  const plain = msg.attributes.find((a) => a.type === ATTR_MAPPED_ADDRESS);
  return plain ? decodeAddress(plain.value, undefined) : undefined;
}

/** RFC 5389 §15.1/15.2; `xorWith` (the transaction id) for XOR-MAPPED-ADDRESS. */
function decodeAddress(v: Buffer, xorWith: Buffer | undefined): TransportAddress {
  if (v.length < 8) throw new StunDecodeError('address attribute too short');
  const family = v[1];
  const cookie = Buffer.alloc(4);
  cookie.writeUInt32BE(STUN_MAGIC_COOKIE);
  let port = v.readUInt16BE(2);
  if (xorWith) port ^= STUN_MAGIC_COOKIE >>> 16;
  if (family === 0x01) {
    const ip = Buffer.from(v.subarray(4, 8));
    if (xorWith) for (let i = 0; i < 4; i++) ip[i]! ^= cookie[i]!;
    return { address: [...ip].join('.'), port };
  }
  if (family === 0x02 && v.length >= 20) {
    const ip = Buffer.from(v.subarray(4, 20));
    if (xorWith) {
      const mask = Buffer.concat([cookie, xorWith]);
      for (let i = 0; i < 16; i++) ip[i]! ^= mask[i]!;
    }
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(ip.readUInt16BE(i).toString(16));
    return { address: groups.join(':'), port };
  }
  throw new StunDecodeError(`unknown address family ${family}`);
}

/** Encodes an address attribute value (the fake servers of the tests answer with it). */
export function encodeAddress(a: TransportAddress, xorWith: Buffer | undefined): Buffer {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(xorWith ? a.port ^ (STUN_MAGIC_COOKIE >>> 16) : a.port, 2);
  const parts = a.address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !(n >= 0 && n <= 255))) throw new StunDecodeError(`not an IPv4 address: ${a.address}`);
  const cookie = Buffer.alloc(4);
  cookie.writeUInt32BE(STUN_MAGIC_COOKIE);
  for (let i = 0; i < 4; i++) v[4 + i] = xorWith ? parts[i]! ^ cookie[i]! : parts[i]!;
  return v;
}

/** The ERROR-CODE of an error response (class * 100 + number), undefined when absent. */
export function errorCode(msg: StunMessage): number | undefined {
  const a = msg.attributes.find((x) => x.type === ATTR_ERROR_CODE);
  if (!a || a.value.length < 4) return undefined;
  return (a.value[2]! & 0x07) * 100 + a.value[3]!;
}

/** Whether the message's MESSAGE-INTEGRITY matches `key` (tests and servers; a CPE only sends it). */
export function verifyIntegrity(buf: Buffer, key: string): boolean {
  let at = HEADER_BYTES;
  while (at + 4 <= buf.length) {
    const type = buf.readUInt16BE(at);
    const length = buf.readUInt16BE(at + 2);
    if (type === ATTR_MESSAGE_INTEGRITY && length === 20 && at + 24 <= buf.length) {
      const header = Buffer.from(buf.subarray(0, HEADER_BYTES));
      header.writeUInt16BE(at + 24 - HEADER_BYTES, 2);
      const expected = createHmac('sha1', key).update(header).update(buf.subarray(HEADER_BYTES, at)).digest();
      return expected.equals(buf.subarray(at + 4, at + 24));
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return false;
}
