/**
 * The CPE's HTTP/1.x client for its CWMP sessions: one connection at a time, kept alive between the requests of a
 * session, each response read whole (CWMP envelopes are small; bounded by maxBodyBytes) before it is returned.
 *
 * Written by hand rather than using undici (which file transfers and the benchmark's floor still use) for two
 * reasons. Vendor quirks need wire shapes undici will not produce: `Expect: 100-continue` (undici refuses the
 * header), an HTTP/1.0 request line with a connection per request, and a body sent in chunks. And a session's
 * garbage must die young: a fleet runs hundreds of sessions per second per thread, and what survives a
 * young-generation GC is copied and then promoted, which is what makes those pauses long (the scheduler's
 * lateness). Measured in the lateness bench, an undici Client and its socket per session left 2-3x more bytes
 * surviving each scavenge than this client does (README, the lateness row).
 */
import { isIP, Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext } from 'node:tls';
import { TransportError, classifyRequestError } from './transport-error.js';

export interface Http1Request {
  path: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal | null;
}

export interface Http1Response {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body, decoded as UTF-8. */
  body: string;
}

export interface Http1ClientOptions {
  /** The server: only the URL's scheme, host and port are used (the path comes with each request). */
  origin: URL;
  httpVersion: '1.0' | '1.1';
  /** Send bodies with Transfer-Encoding: chunked (in CHUNK_BYTES pieces) instead of Content-Length. */
  chunked: boolean;
  /** Send `Expect: 100-continue` with a body and hold the body until 100 Continue (or EXPECT_WAIT_MS). */
  expectContinue: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  localAddress?: string | undefined;
  insecure?: boolean | undefined;
  ca?: string | undefined;
  /** Every connection opened, with performance.now() ms: connect start, TCP up, TLS done (HTTPS). */
  onSocket(socket: Socket, startedAt: number, tcpAt: number, tlsAt: number | undefined): void;
}

/** How long a request with `Expect: 100-continue` waits for the interim answer before sending its body (curl: 1 s). */
export const EXPECT_WAIT_MS = 1000;
/** Chunk size of a chunked request body: small, so even an Inform goes out as several chunks. */
export const CHUNK_BYTES = 512;

const CRLF = '\r\n';
/** Characters a header line must not hold once split at CRLF (RFC 9110 §5.5). */
const BARE_CONTROL = /[\r\n\0]/;

export class Http1Client {
  private readonly o: Http1ClientOptions;
  private socket: Socket | undefined;
  private readonly https: boolean;

  constructor(options: Http1ClientOptions) {
    this.o = options;
    this.https = options.origin.protocol === 'https:';
  }

  async request(req: Http1Request): Promise<Http1Response> {
    if (req.signal?.aborted) throw classifyRequestError(req.signal.reason);
    const socket = this.usableSocket() ?? (await this.connect(req.signal));
    const body = req.body === null ? undefined : Buffer.from(req.body, 'utf8');
    const { o } = this;
    let head = `${req.method} ${req.path} HTTP/${o.httpVersion}${CRLF}Host: ${o.origin.host}${CRLF}`;
    for (const name in req.headers) head += `${name}: ${req.headers[name]}${CRLF}`;
    if (body !== undefined) head += o.chunked ? `Transfer-Encoding: chunked${CRLF}` : `Content-Length: ${body.length}${CRLF}`;
    const expect = o.expectContinue && body !== undefined && body.length > 0;
    if (expect) head += `Expect: 100-continue${CRLF}`;
    head += CRLF;
    const wire = body === undefined ? undefined : o.chunked ? chunk(body) : body;

    const reader = new ResponseReader(o.maxBodyBytes);
    return new Promise<Http1Response>((resolve, reject) => {
      let bodySent = !expect;
      let settled = false;
      const sendBody = (): void => {
        if (bodySent) return;
        bodySent = true;
        clearTimeout(expectTimer);
        if (wire !== undefined) socket.write(wire);
      };
      const cleanup = (): void => {
        settled = true;
        clearTimeout(timer);
        clearTimeout(expectTimer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        req.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: TransportError): void => {
        if (settled) return;
        cleanup();
        this.drop(socket);
        reject(err);
      };
      const finish = (): void => {
        if (settled) return;
        cleanup();
        // A body we held back (final answer before 100 Continue) leaves the request half-sent, and bytes past the
        // response would be read as the next one's: either way that connection is done.
        if (!reader.keepAlive || o.httpVersion === '1.0' || !bodySent || reader.overran) this.drop(socket);
        resolve({ statusCode: reader.status, headers: reader.headers, body: reader.body.toString('utf8') });
      };
      const onData = (data: Buffer): void => {
        try {
          if (reader.feed(data)) finish();
          else if (reader.continued) sendBody();
        } catch (err) {
          fail(err instanceof TransportError ? err : classifyRequestError(err));
        }
      };
      const onEnd = (): void => {
        if (reader.endOfStream()) finish();
        else fail(new TransportError('reset', 'ACS closed the connection before the response was complete'));
      };
      const onError = (err: Error): void => fail(classifyRequestError(err));
      const onAbort = (): void => fail(classifyRequestError(req.signal?.reason));
      const timer = setTimeout(() => fail(new TransportError('timeout', `no complete response within ${o.timeoutMs} ms`)), o.timeoutMs);
      const expectTimer = expect ? setTimeout(sendBody, EXPECT_WAIT_MS) : undefined;
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      // Head and body leave in one segment: written apart, the body would wait for the ACK of the head (Nagle),
      // and an ACS that delays its ACKs would stall every request by ~40 ms.
      socket.cork();
      socket.write(head);
      if (!expect && wire !== undefined) socket.write(wire);
      socket.uncork();
    });
  }

  /** Sends our FIN and closes the socket once it is out, as a CPE hangs up: the ACS's own close is not awaited. */
  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s === undefined || s.destroyed) return;
    await new Promise<void>((resolve) => {
      s.end(() => {
        s.destroy();
        resolve();
      });
    });
  }

  async destroy(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }

  private usableSocket(): Socket | undefined {
    const s = this.socket;
    return s !== undefined && !s.destroyed && !s.readableEnded && s.writable ? s : undefined;
  }

  private drop(socket: Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }

  private connect(signal: AbortSignal | null): Promise<Socket> {
    const { o } = this;
    const host = o.origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(o.origin.port) || (this.https ? 443 : 80);
    const startedAt = performance.now();
    return new Promise<Socket>((resolve, reject) => {
      let tcpAt = 0;
      const local = o.localAddress !== undefined ? { localAddress: o.localAddress } : {};
      const socket: Socket = this.https
        ? tlsConnect({
            host,
            port,
            ...local,
            rejectUnauthorized: !o.insecure,
            secureContext: secureContextFor(o.ca),
            ...(isIP(host) === 0 ? { servername: host } : {}),
          })
        : // Not net.connect(options): on Node 20 a socket constructed with options outlives young-generation GCs
          // (~1.7 KB per connection until the next full GC); one constructed bare and then connected does not.
          new Socket().connect({ host, port, ...local });
      // As browsers and undici do: a request (or the held-back body after 100 Continue) is never delayed by Nagle.
      socket.setNoDelay(true);
      const done = (err: TransportError | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        if (err !== undefined) {
          socket.destroy();
          reject(err);
          return;
        }
        const readyAt = performance.now();
        // Errors between requests (the ACS resets an idle connection) must not go unhandled; the next request reconnects.
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (this.socket === socket) this.socket = undefined;
        });
        this.socket = socket;
        o.onSocket(socket, startedAt, this.https ? tcpAt || readyAt : readyAt, this.https ? readyAt : undefined);
        resolve(socket);
      };
      const onError = (err: Error): void => done(classifyRequestError(err));
      const onAbort = (): void => done(classifyRequestError(signal?.reason));
      const timer = setTimeout(() => done(new TransportError('connect_timeout', `connect timeout after ${o.timeoutMs} ms`)), o.timeoutMs);
      socket.once('connect', () => (tcpAt = performance.now()));
      socket.once(this.https ? 'secureConnect' : 'connect', () => done(undefined));
      socket.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * TLS contexts by CA bundle (undefined: Node's default CAs), shared by every connection: given `ca`, tls.connect
 * builds a context and parses the bundle for each connection. Sessions are not resumed across connections
 * (nothing here passes `session`), so every simulated CPE does a full handshake, as a real one would.
 */
const secureContexts = new Map<string | undefined, SecureContext>();

function secureContextFor(ca: string | undefined): SecureContext {
  let context = secureContexts.get(ca);
  if (context === undefined) secureContexts.set(ca, (context = createSecureContext(ca !== undefined ? { ca } : {})));
  return context;
}

/** A body as chunks of CHUNK_BYTES and the last-chunk marker (RFC 9112 §7.1). */
function chunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += CHUNK_BYTES) {
    const piece = body.subarray(at, at + CHUNK_BYTES);
    parts.push(Buffer.from(piece.length.toString(16) + CRLF, 'latin1'), piece, Buffer.from(CRLF, 'latin1'));
  }
  parts.push(Buffer.from(`0${CRLF}${CRLF}`, 'latin1'));
  return Buffer.concat(parts);
}

/** A Content-Length header's value; repeated ones must agree (RFC 9112 §6.3), anything else is a broken peer. */
function contentLength(value: string | string[]): number {
  const values = Array.isArray(value) ? value : [value];
  const first = values[0]!;
  if (!/^\d+$/.test(first) || values.some((v) => v !== first)) {
    throw new TransportError('protocol', `invalid Content-Length in ACS response: ${JSON.stringify(value)}`);
  }
  return Number(first);
}

/**
 * Incremental reader of one HTTP/1.x response: interim 1xx answers (100 Continue sets `continued`), then the
 * final head and a body framed by Content-Length, chunked encoding, or the end of the connection.
 */
class ResponseReader {
  status = 0;
  headers: Record<string, string | string[]> = {};
  keepAlive = false;
  /** A 100 Continue arrived. */
  continued = false;
  body: Buffer = Buffer.alloc(0);
  private buffer: Buffer = Buffer.alloc(0);
  private framing: 'head' | 'length' | 'chunked' | 'close' | 'done' = 'head';
  private remaining = 0;
  private readonly parts: Buffer[] = [];
  private received = 0;

  constructor(private readonly maxBodyBytes: number) {}

  /** Adds bytes; true when the response is complete. */
  feed(data: Buffer): boolean {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    for (;;) {
      switch (this.framing) {
        case 'head':
          if (!this.readHead()) return false;
          break;
        case 'length': {
          const take = Math.min(this.remaining, this.buffer.length);
          this.keep(this.buffer.subarray(0, take));
          this.buffer = this.buffer.subarray(take);
          this.remaining -= take;
          if (this.remaining > 0) return false;
          return this.complete();
        }
        case 'chunked': {
          const got = this.readChunk();
          if (got === 'more') return false;
          if (got === 'last') return this.complete();
          break;
        }
        case 'close':
          this.keep(this.buffer);
          this.buffer = Buffer.alloc(0);
          return false;
        case 'done':
          return true;
      }
    }
  }

  /** Bytes came after the complete response (a broken or hostile peer). */
  get overran(): boolean {
    return this.buffer.length > 0;
  }

  /** The connection ended: complete if the body was close-delimited. */
  endOfStream(): boolean {
    if (this.framing !== 'close') return this.framing === 'done';
    return this.complete();
  }

  private complete(): boolean {
    this.framing = 'done';
    // Most CWMP answers come in one piece, already a copy of their own (keep): no second copy for them.
    this.body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    return true;
  }

  private keep(piece: Buffer): void {
    this.received += piece.length;
    if (this.received > this.maxBodyBytes) throw new TransportError('protocol', `ACS response body over ${this.maxBodyBytes} bytes`);
    if (piece.length > 0) this.parts.push(Buffer.from(piece));
  }

  private readHead(): boolean {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.buffer.length > 64 * 1024) throw new TransportError('protocol', 'ACS response head over 64 KiB');
      return false;
    }
    const lines = this.buffer.subarray(0, end).toString('latin1').split(CRLF);
    this.buffer = this.buffer.subarray(end + 4);
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new TransportError('protocol', `not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
    const status = Number(m[2]);
    if (status >= 100 && status < 200) {
      if (status === 100) this.continued = true;
      return true; // an interim answer: the final head follows
    }
    const headers: Record<string, string | string[]> = {};
    for (const line of lines.slice(1)) {
      // Values go back to the ACS (cookies, Digest nonces): a bare line break would inject a header into our request.
      if (BARE_CONTROL.test(line)) throw new TransportError('protocol', `ACS response header with a bare CR, LF or NUL: ${JSON.stringify(line.slice(0, 80))}`);
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const prev = headers[name];
      headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    this.status = status;
    this.headers = headers;
    const connection = String(headers['connection'] ?? '').toLowerCase();
    this.keepAlive = m[1] === '1' ? connection !== 'close' : connection === 'keep-alive';
    const length = headers['content-length'];
    if (status === 204 || status === 304) {
      this.framing = 'length';
      this.remaining = 0;
    } else if (String(headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      this.framing = 'chunked';
    } else if (length !== undefined) {
      this.framing = 'length';
      this.remaining = contentLength(length);
    } else {
      this.framing = 'close';
      this.keepAlive = false;
    }
    return true;
  }

  /** One chunk, or the last chunk and its trailers; 'more' when more bytes are needed. */
  private readChunk(): 'more' | 'chunk' | 'last' {
    const lineEnd = this.buffer.indexOf('\r\n');
    if (lineEnd < 0) return 'more';
    const size = parseInt(this.buffer.subarray(0, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new TransportError('protocol', 'bad chunk size in ACS response');
    if (size === 0) {
      const trailersEnd = this.buffer.indexOf('\r\n\r\n', lineEnd);
      if (trailersEnd < 0) return 'more';
      this.buffer = this.buffer.subarray(trailersEnd + 4);
      return 'last';
    }
    if (this.buffer.length < lineEnd + 2 + size + 2) return 'more';
    this.keep(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
    this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
    return 'chunk';
  }
}
