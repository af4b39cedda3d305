import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The UDP connection request message (TR-069 Annex G.2 / TR-111 part 2): an HTTP GET request line, sent in one
 * datagram, whose query carries `ts` (seconds since 1970), `id` (unique per request; retransmitted copies
 * repeat it), `un` (the CPE's ConnectionRequestUsername), `cn` (a random cnonce) and `sig`, the hex
 * HMAC-SHA1 keyed with the ConnectionRequestPassword over the concatenation ts‖id‖un‖cn:
 *
 *   GET http://10.1.1.1:5000?ts=1120673700&id=1234&un=CPE57689&cn=XTGRWIPC6D3IPXS3&sig=3545F7B5820D76A3DF45A3A509DA8D8C38F13512 HTTP/1.1
 *   Host: 10.1.1.1:5000
 */
export interface UdpConnectionRequestFields {
  ts: string;
  id: string;
  un: string;
  cn: string;
  sig: string;
}

/** The largest datagram taken as a connection request (a request line with a Host header is far smaller). */
export const MAX_UDP_CR_BYTES = 1024;
/** Each field's characters: TR-069 sends decimals, a username and hex/alphanumeric nonces (percent-escapes allowed). */
const FIELD = /^[A-Za-z0-9._~%+@-]{1,256}$/;
const REQUEST_LINE = /^GET (\S+) HTTP\/1\.1$/;

/** The hex signature of a request (lower case; the check is case-insensitive). */
export function udpConnectionRequestSignature(f: Omit<UdpConnectionRequestFields, 'sig'>, password: string): string {
  return createHmac('sha1', password).update(`${f.ts}${f.id}${f.un}${f.cn}`).digest('hex');
}

/** Whether `sig` is the HMAC of the other fields under `password` (constant time). */
export function verifyUdpConnectionRequest(f: UdpConnectionRequestFields, password: string): boolean {
  if (!/^[0-9A-Fa-f]{40}$/.test(f.sig)) return false;
  const expected = Buffer.from(udpConnectionRequestSignature(f, password), 'hex');
  return timingSafeEqual(expected, Buffer.from(f.sig, 'hex'));
}

/**
 * The fields of a datagram, or undefined when it is not a well-formed UDP connection request: not ASCII text,
 * not a `GET <absolute http URI> HTTP/1.1` request line, a field missing, repeated or of unexpected characters,
 * `ts` not a decimal number. Headers after the request line (Host) are allowed and ignored.
 */
export function parseUdpConnectionRequest(datagram: Buffer): UdpConnectionRequestFields | undefined {
  if (datagram.length === 0 || datagram.length > MAX_UDP_CR_BYTES) return undefined;
  for (const byte of datagram) if (byte > 0x7e || (byte < 0x20 && byte !== 0x0d && byte !== 0x0a)) return undefined;
  const text = datagram.toString('latin1');
  const line = text.split('\r\n', 1)[0]!;
  const m = REQUEST_LINE.exec(line);
  if (!m) return undefined;
  let url: URL;
  try {
    url = new URL(m[1]!);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const out: Partial<Record<keyof UdpConnectionRequestFields, string>> = {};
  for (const pair of url.search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key !== 'ts' && key !== 'id' && key !== 'un' && key !== 'cn' && key !== 'sig') continue; // extensions: ignored
    if (out[key] !== undefined || !FIELD.test(value)) return undefined;
    out[key] = key === 'un' ? safeDecode(value) : value;
  }
  const { ts, id, un, cn, sig } = out;
  if (ts === undefined || id === undefined || un === undefined || cn === undefined || sig === undefined) return undefined;
  if (!/^\d{1,12}$/.test(ts)) return undefined;
  return { ts, id, un, cn, sig };
}

/** The username as the CPE stores it (the ACS may percent-escape reserved characters); undefined input kept as is. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface UdpConnectionRequestBuild {
  /** The CPE's UDPConnectionRequestAddress "host:port" (the URI's authority and the Host header). */
  address: string;
  username: string;
  password: string;
  /** Seconds since 1970 (default: now). */
  ts?: number;
  /** Default: a random 32-bit number. */
  id?: string;
  /** Default: 16 random hex characters. */
  cn?: string;
}

/** The datagram an ACS sends (signed with the CPE's ConnectionRequestUsername/Password). */
export function buildUdpConnectionRequest(b: UdpConnectionRequestBuild): Buffer {
  const fields = {
    ts: String(b.ts ?? Math.floor(Date.now() / 1000)),
    id: b.id ?? String(randomBytes(4).readUInt32BE(0)),
    un: b.username,
    cn: b.cn ?? randomBytes(8).toString('hex'),
  };
  const sig = udpConnectionRequestSignature(fields, b.password);
  const un = encodeURIComponent(fields.un);
  return Buffer.from(`GET http://${b.address}?ts=${fields.ts}&id=${fields.id}&un=${un}&cn=${fields.cn}&sig=${sig} HTTP/1.1\r\nHost: ${b.address}\r\n\r\n`, 'latin1');
}
