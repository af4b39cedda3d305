import type { Socket } from 'node:net';
import { CookieJar } from './cookie-jar.js';
import { HttpAuthenticator } from './http-auth.js';
import { checkLocalAddress } from './local-address.js';
import { parseRetryAfterMs } from './retry-after.js';
import { classifyRequestError, TransportError } from './transport-error.js';
import { NO_QUIRKS, QUIRK, type QuirkSet } from '../quirks/quirk-set.js';
import { Http1Client, type Http1Response } from './http1-client.js';

/** Where and how a CPE reaches its ACS (ManagementServer.URL/Username/Password plus TLS settings). */
export interface AcsEndpoint {
  url: string;
  username?: string;
  password?: string;
  /** Accept any server certificate (test ACSs with self-signed certificates). */
  insecure?: boolean;
  /** PEM CA bundle to trust for the ACS certificate. */
  ca?: string;
  /** Connect, response-headers and body-idle timeout of every request. */
  requestTimeoutMs: number;
  /** Source IP address the CPE's connections (ACS and file downloads) bind to; the OS chooses when absent. */
  localAddress?: string;
}

/**
 * Told about every connection the session opened, with performance.now() ms timestamps: when the connect
 * began, when TCP was connected and (HTTPS only) when the TLS handshake finished.
 */
export type ConnectionListener = (startedAt: number, tcpAt: number, tlsAt: number | undefined) => void;

export interface AcsHttpSessionOptions {
  /** Largest ACS response body accepted; larger ones fail the request as a protocol error. */
  maxBodyBytes: number;
  /** Aborts the request in flight (the session deadline). */
  signal?: AbortSignal;
  /** Connection timing (connect / TLS latencies). */
  onConnection?: ConnectionListener;
  /** The profile's vendor quirks; the transport ones (cookies, headers, connections, HTTP version) apply here. */
  quirks?: QuirkSet;
}

/** TR-069 §3.4.5: the CPE follows at most 5 redirects in a session. */
export const MAX_REDIRECTS = 5;

const CONTENT_TYPE_XML = 'text/xml; charset="utf-8"';
/** contentTypeNoCharset quirk. */
const CONTENT_TYPE_XML_BARE = 'text/xml';

/**
 * Parsed ACS URLs by their text: every session of every CPE starts at its endpoint's URL, and parsing it (WHATWG URL)
 * per session showed in the profile. The URL objects are never mutated (a redirect makes a new one). Bounded: CPEs
 * whose ACS set a URL of their own add entries; past the bound the cache starts over.
 */
const parsedUrls = new Map<string, URL>();
const MAX_PARSED_URLS = 1024;

function parsedUrl(text: string): URL {
  let url = parsedUrls.get(text);
  if (url === undefined) {
    url = new URL(text);
    if (parsedUrls.size >= MAX_PARSED_URLS) parsedUrls.clear();
    parsedUrls.set(text, url);
  }
  return url;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * The HTTP side of one CWMP session: one keep-alive connection (Http1Client) to the ACS, the session's cookies,
 * HTTP authentication state and redirect target. Every `post` returns the ACS's response body ('' for 204 /
 * empty 200) or throws a classified TransportError.
 */
export class AcsHttpSession {
  private readonly endpoint: AcsEndpoint;
  private readonly options: AcsHttpSessionOptions;
  private readonly cookies = new CookieJar();
  private readonly sockets: Socket[] = [];
  private auth: HttpAuthenticator | undefined;
  private url: URL;
  private path: string;
  private client: Http1Client;
  private redirects = 0;
  private readonly quirks: QuirkSet;
  private readonly localAddress: string | undefined;

  /** Throws a `local_address` TransportError when endpoint.localAddress is not an IP address. */
  constructor(endpoint: AcsEndpoint, options: AcsHttpSessionOptions) {
    this.endpoint = endpoint;
    this.options = options;
    this.localAddress = checkLocalAddress(endpoint.localAddress);
    this.quirks = options.quirks ?? NO_QUIRKS;
    this.url = parsedUrl(endpoint.url);
    this.path = this.url.pathname + this.url.search;
    this.auth = this.newAuthenticator();
    this.client = this.newClient();
  }

  /** Bytes written to / read from the ACS's sockets so far (headers, bodies, TLS overhead). */
  bytesSent(): number {
    let n = 0;
    for (const s of this.sockets) n += s.bytesWritten;
    return n;
  }

  bytesReceived(): number {
    let n = 0;
    for (const s of this.sockets) n += s.bytesRead;
    return n;
  }

  /**
   * POSTs a SOAP envelope (`body`), or the empty POST when body is undefined. `soapAction` is the
   * SOAPAction header value for an envelope (TR-069 §3.4.1: empty for responses and faults); the
   * empty POST carries neither it nor Content-Type.
   */
  async post(body: string | undefined, soapAction: string = ''): Promise<string> {
    for (;;) {
      const headers: Record<string, string> = {};
      const q = this.quirks;
      if (body !== undefined) {
        headers['content-type'] = q.flags & QUIRK.contentTypeNoCharset ? CONTENT_TYPE_XML_BARE : CONTENT_TYPE_XML;
        if (!(q.flags & QUIRK.soapAction)) headers['soapaction'] = soapAction;
        else if (q.soapAction === 'empty') headers['soapaction'] = '';
      } else {
        headers['content-length'] = '0';
      }
      const cookie = q.flags & QUIRK.noCookies ? undefined : this.cookies.header(this.url);
      if (cookie !== undefined) headers['cookie'] = cookie;
      const authorization = this.auth?.authorization('POST', this.path);
      if (authorization !== undefined) headers['authorization'] = authorization;

      let res: Http1Response;
      try {
        res = await this.client.request({
          path: this.path,
          method: 'POST',
          headers,
          body: body ?? null,
          signal: this.options.signal ?? null,
        });
      } catch (err) {
        throw classifyRequestError(err);
      }
      const status = res.statusCode;
      if (!(q.flags & QUIRK.noCookies)) this.cookies.store(res.headers['set-cookie'], this.url);

      if (status >= 200 && status < 300) return status === 204 ? '' : res.body;
      if (status === 401) {
        if (this.auth?.onChallenge(res.headers['www-authenticate'], authorization !== undefined)) {
          if (q.flags & QUIRK.newConnectionAfter401) {
            // The quirky CPE hangs up on the challenge and answers it on a fresh TCP connection.
            await this.client.close().catch(() => undefined);
            this.client = this.newClient();
          }
          continue;
        }
        throw new TransportError('auth_failed', `ACS answered 401 ${authorization !== undefined ? 'to our credentials' : 'and no usable challenge/credentials'}`, { status });
      }
      if (isRedirect(status)) {
        await this.followRedirect(res.headers['location'], status);
        continue;
      }
      if (status === 503) {
        const retryAfterMs = parseRetryAfterMs(res.headers['retry-after']);
        throw new TransportError('overloaded', 'ACS answered 503 Service Unavailable', { status, retryAfterMs });
      }
      throw new TransportError('http_status', `ACS answered HTTP ${status}`, { status });
    }
  }

  /** Whether the connection last opened to the ACS is still open (the ACS may close it after a response). */
  connectionOpen(): boolean {
    const s = this.sockets[this.sockets.length - 1];
    return s !== undefined && !s.destroyed && !s.readableEnded;
  }

  /** Ends the session's connection as a CPE does: our FIN (every request of a clean session has been answered). */
  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }

  /** Tears the connection down at once (failed session: an ACS that does not answer must not hold us). */
  async destroy(): Promise<void> {
    await this.client.destroy().catch(() => undefined);
  }

  private async followRedirect(location: string | string[] | undefined, status: number): Promise<void> {
    const target = Array.isArray(location) ? location[0] : location;
    if (!target) throw new TransportError('http_status', `ACS answered ${status} without Location`, { status });
    if (++this.redirects > MAX_REDIRECTS) {
      throw new TransportError('redirect_loop', `more than ${MAX_REDIRECTS} redirects in one session`, { status });
    }
    let next: URL;
    try {
      next = new URL(target, this.url);
    } catch (err) {
      throw new TransportError('http_status', `ACS redirected to an invalid Location "${target}"`, { status, cause: err });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new TransportError('http_status', `ACS redirected to a non-HTTP Location "${target}"`, { status });
    }
    const sameOrigin = next.origin === this.url.origin;
    // The redirect target is used for the rest of this session only (TR-069 §3.4.5): the next
    // session starts at the configured URL again, since every session has its own AcsHttpSession.
    this.url = next;
    this.path = next.pathname + next.search;
    if (!sameOrigin) {
      await this.client.close().catch(() => undefined);
      this.client = this.newClient();
      // Another server: its challenge starts from scratch.
      this.auth = this.newAuthenticator();
    }
  }

  private newAuthenticator(): HttpAuthenticator | undefined {
    const { username, password } = this.endpoint;
    return username !== undefined ? new HttpAuthenticator(username, password ?? '') : undefined;
  }

  /** A client for the session's current origin, shaped by the profile's HTTP quirks (http10, chunked, Expect). */
  private newClient(): Http1Client {
    const q = this.quirks;
    const sockets = this.sockets;
    const onConnection = this.options.onConnection;
    return new Http1Client({
      origin: this.url,
      httpVersion: q.flags & QUIRK.http10 ? '1.0' : '1.1',
      chunked: (q.flags & QUIRK.chunkedRequests) !== 0,
      expectContinue: (q.flags & QUIRK.expect100Continue) !== 0,
      timeoutMs: this.endpoint.requestTimeoutMs,
      maxBodyBytes: this.options.maxBodyBytes,
      localAddress: this.localAddress,
      insecure: this.endpoint.insecure,
      ca: this.endpoint.ca,
      onSocket: (socket, startedAt, tcpAt, tlsAt) => {
        sockets.push(socket);
        onConnection?.(startedAt, tcpAt, tlsAt);
      },
    });
  }
}
