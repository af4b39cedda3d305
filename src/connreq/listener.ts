import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasicAuthenticator, DigestAuthenticator, type AuthOutcome, type Credentials } from '../acs/auth.js';
import { CpesimError } from '../errors.js';
import type { ConnectionRequestTransport, CounterSink } from '../metrics/counters.js';
import { connectionRequestUrl, parseConnectionRequestPath } from './cr-path.js';

/** What the fleet did with an authenticated connection request. */
export type ConnectionRequestOutcome =
  /** A session with "6 CONNECTION REQUEST" is scheduled (within the configured delay). */
  | 'accepted'
  /** Another request is pending, or a session runs: this one joins it (TR-069 §3.2.2: one session for both). */
  | 'merged'
  /** The CPE is rebooting or power-cycled. */
  | 'offline'
  /** Too many requests for this CPE in the rate window (TR-069 §3.2.2 allows refusing them with 503). */
  | 'rate_limited'
  /** The fleet is not running (before power-on, paused, or stopping). */
  | 'unavailable';

/** The CPEs behind a listener: one shard's fleet. */
export interface ConnectionRequestTarget {
  /** The CPE's ConnectionRequestUsername/Password now; undefined when the index is not one of this target's CPEs. */
  credentials(index: number): Credentials | undefined;
  /** Called only after successful authentication; `receivedAt` is performance.now() ms; `transport` default http. */
  connectionRequest(index: number, receivedAt: number, transport?: ConnectionRequestTransport): ConnectionRequestOutcome;
}

/** Why a request did not trigger anything. Stable names: the `cr.http.rejected.<reason>` counters (metrics/counters.ts). */
export type ConnectionRequestRejectReason =
  /** Not a request line/headers node:http can parse, or a body on a GET beyond MAX_BODY_BYTES. */
  | 'malformed'
  /** A path we never advertised (unknown index, wrong token, query string). */
  | 'not_found'
  /** Not GET (TR-069 §3.2.2: "MUST use an HTTP 1.1 GET"). */
  | 'method'
  /** No Authorization header: the normal first 401 challenge. */
  | 'unauthenticated'
  /** Wrong username/password, or a malformed Authorization header. */
  | 'auth_failed'
  /** Right credentials on an expired nonce: challenged again with stale=true. */
  | 'stale_nonce'
  | 'offline'
  | 'rate_limited'
  | 'unavailable';

export interface ConnectionRequestListenerOptions {
  /** Address to bind and to advertise in ConnectionRequestURL (default 127.0.0.1). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** The run seed the per-CPE path tokens derive from. */
  seed: number;
  /** TR-069 requires Digest; Basic only where a profile or scenario says so. Default 'digest'. */
  auth?: 'digest' | 'basic';
  /** A Digest nonce older than this gets a stale=true challenge (default 60 s). */
  nonceLifetimeMs?: number;
  /** Clock of the nonces (tests). */
  now?: () => number;
  /** Where every request is counted (`cr.http.*`): the shard's MetricsRegistry, so the counts reach the results. */
  counters: CounterSink;
}

/** Realm of the CPEs' connection-request challenges. */
export const CR_REALM = 'cpesim-cpe';
const DEFAULT_NONCE_LIFETIME_MS = 60_000;
/** "No data is conveyed in the Connection Request": a GET with a body beyond this is dropped as malformed. */
const MAX_BODY_BYTES = 4096;
/** A connection request is one small GET: slow or idle clients are cut early so they cannot hold sockets. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The HTTP connection-request endpoint of many CPEs (one per shard): every CPE under its own path
 * (cr-path.ts), authenticated against that CPE's own ConnectionRequestUsername/Password. Authentication comes
 * before anything else, so an unauthenticated client learns nothing about the CPE (not even whether it is
 * rebooting) and never triggers a session.
 */
export class ConnectionRequestListener {
  private readonly server: Server;
  private readonly authenticator: DigestAuthenticator | BasicAuthenticator;
  private target: ConnectionRequestTarget | undefined;
  private base = '';

  private constructor(private readonly opts: ConnectionRequestListenerOptions) {
    this.authenticator =
      opts.auth === 'basic'
        ? new BasicAuthenticator(undefined, CR_REALM)
        : new DigestAuthenticator(undefined, opts.nonceLifetimeMs ?? DEFAULT_NONCE_LIFETIME_MS, opts.now ?? Date.now, CR_REALM);
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server.headersTimeout = REQUEST_TIMEOUT_MS;
    this.server.keepAliveTimeout = 5_000;
    // Garbage that is not HTTP: counted and the socket closed (nothing reaches the fleet).
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
        this.opts.counters.count('cr.http.received');
        this.opts.counters.count('cr.http.rejected.malformed');
      }
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    });
  }

  /** Binds the listener (before the CPEs exist: their ConnectionRequestURL names its port). */
  static async open(opts: ConnectionRequestListenerOptions): Promise<ConnectionRequestListener> {
    const listener = new ConnectionRequestListener(opts);
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(opts.port ?? 0, host, () => {
        listener.server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      throw new CpesimError('CPESIM_CR_LISTEN', `connection-request listener cannot bind ${host}:${opts.port ?? 0}: ${err.code ?? err.message}`);
    });
    const { port } = listener.server.address() as AddressInfo;
    listener.base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return listener;
  }

  /** The ConnectionRequestURL of CPE `index` (global index). */
  urlOf(index: number): string {
    return connectionRequestUrl(this.base, this.opts.seed, index);
  }

  /** Requests before attach() are answered 503 (the CPEs do not exist yet). */
  attach(target: ConnectionRequestTarget): void {
    this.target = target;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = performance.now();
    this.opts.counters.count('cr.http.received');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!(declared <= MAX_BODY_BYTES) || req.headers['transfer-encoding'] !== undefined) {
      this.reject(res, 'malformed', 400, { Connection: 'close' });
      return;
    }
    // TR-069: data in the request SHOULD be ignored.
    req.resume();
    if (req.method !== 'GET') {
      this.reject(res, 'method', 405, { Allow: 'GET' });
      return;
    }
    const index = parseConnectionRequestPath(req.url ?? '', this.opts.seed);
    const credentials = index === undefined ? undefined : this.target?.credentials(index);
    if (index === undefined || credentials === undefined) {
      // Before attach() the CPEs do not exist yet: a well-formed path is "not now" (503), not "no such CPE".
      if (this.target === undefined && index !== undefined) this.reject(res, 'unavailable', 503);
      else this.reject(res, 'not_found', 404);
      return;
    }
    const auth: AuthOutcome = this.authenticator.verify(req, credentials);
    if (!auth.ok) {
      const reason = !req.headers.authorization ? 'unauthenticated' : auth.wrongCredentials ? 'auth_failed' : 'stale_nonce';
      this.reject(res, reason, 401, { 'WWW-Authenticate': auth.challenge });
      return;
    }
    const outcome = this.target!.connectionRequest(index, receivedAt);
    if (outcome === 'accepted' || outcome === 'merged') {
      this.opts.counters.count(`cr.http.${outcome}`);
      // TR-069 §3.2.2: 200 or 204 with an empty body, sent before the session starts (the fleet's timer fires later).
      res.writeHead(200, { 'Content-Length': 0 }).end();
      return;
    }
    this.reject(res, outcome, 503, { 'Retry-After': '1' });
  }

  private reject(res: ServerResponse, reason: ConnectionRequestRejectReason, status: number, headers: Record<string, string> = {}): void {
    this.opts.counters.count(`cr.http.rejected.${reason}`);
    res.writeHead(status, { ...headers, 'Content-Length': 0 }).end();
  }
}
