import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AcsRequest, CpeMessage } from '../cwmp/messages.js';
import { CpesimError } from '../errors.js';
import { createAuthenticator, type AcsAuthConfig, type Authenticator, type Credentials } from './auth.js';
import { sendConnectionRequest, type ConnectionRequestOptions, type ConnectionRequestResult } from './connection-request.js';
import { sendUdpConnectionRequest, type UdpConnectionRequestOptions } from './udp-connection-request.js';
import { DeviceRegistry, type DeviceRecord } from './device-registry.js';
import { ConnectionRequestDriver } from './connection-request-driver.js';
import type { ConnectionRequestDriverSettings } from './connection-request-settings.js';
import { CwmpDialogue, type ReceivedCpeRequest, type Reply } from './dialogue.js';
import { FILES_PATH, FileStore } from './file-store.js';
import { requestDownloadAnswer } from './request-download.js';
import { BodyTooLargeError, readBody } from './http-body.js';
import { provisionedCredentials, type ProvisioningSettings } from './provisioning.js';
import { RpcQueue } from './rpc-queue.js';
import { SESSION_COOKIE, SessionStore, type AcsSession, type SessionEndReason } from './session-store.js';
import { emptyAcsStats, type AcsStats } from './stats.js';
import type { AcsXmppSettings, XmppConnectionRequester, XmppConnectionRequestOptions, XmppConnectionRequestResult } from './xmpp-connection-request.js';

export type { AcsStats } from './stats.js';
export type { DeviceRecord } from './device-registry.js';

export interface ReferenceAcsOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  auth?: AcsAuthConfig;
  /** Bootstrap provisioning (SetParameterValues + GetParameterValues on "0 BOOTSTRAP"); off when absent or false. */
  provision?: ProvisioningSettings | false;
  /** Overload mode: an Inform that would open session N+1 gets 503 + Retry-After. */
  maxConcurrentSessions?: number;
  /** Default 10. */
  retryAfterSeconds?: number;
  /** An idle session is dropped after this long (default 30 s). */
  sessionTimeoutMs?: number;
  /** Keep every raw CPE envelope in `messages`. */
  recordMessages?: boolean;
  /** HTTPS when given (PEM strings). */
  tls?: { key: string; cert: string };
  /**
   * Answer a RequestDownload with a Download of the newest file put() into `files` for that FileType (default
   * true); nothing is sent when there is none.
   */
  answerRequestDownload?: boolean;
  /**
   * Reject (400) an answer whose cwmp:ID is missing or does not echo the request's. Default false: like production
   * ACSs facing quirky devices, the answer is matched to the one request in flight and counted in
   * `stats.cwmpIdMismatches`.
   */
  strictCwmpIds?: boolean;
  /**
   * The ACS's XMPP account for XMPP connection requests (TR-069 Annex K); it logs in on the first request. With
   * provisioning on, bootstrap also sets each CPE's ConnReqAllowedJabberIDs to this account's bare JID.
   */
  xmpp?: AcsXmppSettings;
  /**
   * Send connection requests to the devices this ACS knows at a fixed rate (connection-request-driver.ts), from
   * `startAfterMs` after the ACS starts until it closes. Needs `provision` (the credentials are the ones it sets).
   */
  connectionRequests?: ConnectionRequestDriverSettings;
}

export interface ReferenceAcs {
  /** http://host:port/ (or https). */
  readonly url: string;
  readonly stats: AcsStats;
  /** By "OUI-ProductClass-SerialNumber". */
  readonly devices: ReadonlyMap<string, DeviceRecord>;
  /** Raw CPE envelopes (non-empty POST bodies) when `recordMessages`. */
  readonly messages: string[];
  /** Files served at `fileUrl(name)` (GET) and uploads received there (PUT). */
  readonly files: FileStore;
  /** The URL of a file of `files` (it need not exist yet: a CPE's GET of a missing one gets 404). */
  fileUrl(name: string): string;
  /** TransferComplete, AutonomousTransferComplete, (Autonomous)DUStateChangeComplete and RequestDownload received, oldest first (the last 10,000). */
  readonly received: readonly ReceivedCpeRequest[];
  /** Sends `request` in the device's current or next session; resolves with the CPE's response or Fault. */
  enqueue(deviceKey: string, request: AcsRequest): Promise<CpeMessage>;
  /**
   * Sends a connection request to the ConnectionRequestURL of the device's last Inform, by default with Digest and
   * the credentials this ACS provisioned (options: another kind or other credentials, for tests). Resolves with the
   * CPE's final HTTP status; throws CPESIM_ACS_CR_* when there is nothing to send to.
   */
  connectionRequest(deviceKey: string, options?: ConnectionRequestOptions): Promise<ConnectionRequestResult>;
  /**
   * Sends a UDP connection request (TR-069 Annex G) to the UDPConnectionRequestAddress of the device's last Inform
   * (or `options.address`), signed with the credentials this ACS provisioned (or `options.credentials`). Resolves
   * when sent (a CPE never answers); throws CPESIM_ACS_CR_* / CPESIM_ACS_UDP_CR_* when there is nothing to send to.
   */
  udpConnectionRequest(deviceKey: string, options?: UdpConnectionRequestOptions): Promise<void>;
  /**
   * Sends an XMPP connection request (needs the `xmpp` option) to the ConnReqJabberID the device last reported, by
   * default with the credentials this ACS provisioned. Resolves with the CPE's IQ answer; throws CPESIM_ACS_CR_* /
   * CPESIM_ACS_XMPP_* when there is nothing to send to or the XMPP side fails.
   */
  xmppConnectionRequest(deviceKey: string, options?: XmppConnectionRequestOptions): Promise<XmppConnectionRequestResult>;
  /** The connection-request load (option `connectionRequests`): its report, and close() to stop it before the ACS. */
  readonly connectionRequestDriver: ConnectionRequestDriver | undefined;
  close(): Promise<void>;
}

/** Largest CPE POST body accepted (a full-tree GetParameterValuesResponse of a big TR-181 device fits). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const SOAP_CONTENT_TYPE = 'text/xml; charset="utf-8"';

/** ReferenceAcs.received keeps this many CPE requests (a long in-process run must not grow without bound). */
const MAX_RECEIVED = 10_000;

export async function startReferenceAcs(opts: ReferenceAcsOptions = {}): Promise<ReferenceAcs> {
  const acs = new ReferenceAcsServer(opts);
  await acs.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  acs.connectionRequestDriver?.start();
  return acs;
}

class ReferenceAcsServer implements ReferenceAcs {
  readonly stats = emptyAcsStats();
  readonly messages: string[] = [];
  readonly files = new FileStore();
  readonly received: ReceivedCpeRequest[] = [];
  private boundUrl = '';
  private readonly registry = new DeviceRegistry();
  private readonly queue = new RpcQueue();
  private readonly sessions: SessionStore;
  private readonly dialogue: CwmpDialogue;
  private readonly authenticator: Authenticator | undefined;
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';
  private closed = false;
  /** The XMPP session, opened by the first XMPP connection request. */
  private xmpp: Promise<XmppConnectionRequester> | undefined;
  readonly connectionRequestDriver: ConnectionRequestDriver | undefined;

  constructor(private readonly opts: ReferenceAcsOptions) {
    const sessionTimeoutMs = opts.sessionTimeoutMs ?? 30_000;
    this.sessions = new SessionStore(sessionTimeoutMs, (session, reason) => this.sessionEnded(session, reason));
    this.dialogue = new CwmpDialogue({
      stats: this.stats,
      devices: this.registry,
      queue: this.queue,
      sessions: this.sessions,
      provision: opts.provision && opts.xmpp ? { ...opts.provision, allowedJabberIds: `${opts.xmpp.username}@${opts.xmpp.domain}` } : opts.provision || undefined,
      strictCwmpIds: opts.strictCwmpIds ?? false,
      onCpeRequest: (r) => this.cpeRequest(r),
      onInform: (record) => this.connectionRequestDriver?.onInform(record),
    });
    if (opts.connectionRequests) {
      if (!opts.provision) throw new CpesimError('CPESIM_ACS_CR_CREDENTIALS', 'connection requests need provisioning: the ACS sends the credentials it set');
      this.connectionRequestDriver = new ConnectionRequestDriver(this, opts.connectionRequests);
    }
    this.authenticator = opts.auth ? createAuthenticator(opts.auth) : undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.scheme = opts.tls ? 'https' : 'http';
    this.server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler);
    // Keep idle keep-alive connections as long as a session may idle, so cookie-less CPEs keep their session.
    this.server.keepAliveTimeout = sessionTimeoutMs;
    // A request slower than the idle timeout has lost its session anyway.
    this.server.requestTimeout = sessionTimeoutMs;
    this.server.headersTimeout = Math.min(this.server.headersTimeout, sessionTimeoutMs);
  }

  get url(): string {
    return this.boundUrl;
  }

  get devices(): ReadonlyMap<string, DeviceRecord> {
    return this.registry.devices;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const { address, port: bound } = this.server.address() as AddressInfo;
        const reachable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
        this.boundUrl = `${this.scheme}://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}/`;
        resolve();
      });
    });
  }

  fileUrl(name: string): string {
    return `${this.boundUrl}${FILES_PATH.slice(1)}${encodeURIComponent(name)}`;
  }

  private cpeRequest(r: ReceivedCpeRequest): readonly AcsRequest[] {
    if (this.received.push(r) > MAX_RECEIVED) this.received.shift();
    if (r.request.method !== 'RequestDownload' || this.opts.answerRequestDownload === false) return [];
    const answer = requestDownloadAnswer(r.request, this.files, (name) => this.fileUrl(name));
    return answer === undefined ? [] : [answer];
  }

  enqueue(deviceKey: string, request: AcsRequest): Promise<CpeMessage> {
    if (this.closed) return Promise.reject(new CpesimError('CPESIM_ACS_CLOSED', 'the reference ACS is closed'));
    return this.queue.add(deviceKey, request);
  }

  connectionRequest(deviceKey: string, options: ConnectionRequestOptions = {}): Promise<ConnectionRequestResult> {
    const device = this.registry.get(deviceKey);
    const url = device?.parameters.find((p) => p.name.endsWith('.ManagementServer.ConnectionRequestURL'))?.value;
    if (!url) return Promise.reject(new CpesimError('CPESIM_ACS_CR_URL', `no ConnectionRequestURL known for device ${deviceKey}`));
    const credentials = options.credentials ?? this.provisionedCredentials(device!);
    if (!credentials) {
      return Promise.reject(new CpesimError('CPESIM_ACS_CR_CREDENTIALS', 'no connection-request credentials: provisioning is off and none were given'));
    }
    return sendConnectionRequest(url, credentials, options);
  }

  async xmppConnectionRequest(deviceKey: string, options: XmppConnectionRequestOptions = {}): Promise<XmppConnectionRequestResult> {
    const settings = this.opts.xmpp;
    if (!settings) throw new CpesimError('CPESIM_ACS_XMPP_OFF', 'the reference ACS has no XMPP account (option xmpp)');
    const device = this.registry.get(deviceKey);
    const jid = options.jid ?? device?.connReqJabberId;
    if (!jid) throw new CpesimError('CPESIM_ACS_CR_JID', `no ConnReqJabberID known for device ${deviceKey}`);
    const credentials = options.credentials ?? (device && this.provisionedCredentials(device));
    if (!credentials) throw new CpesimError('CPESIM_ACS_CR_CREDENTIALS', 'no connection-request credentials: provisioning is off and none were given');
    if (this.closed) throw new CpesimError('CPESIM_ACS_CLOSED', 'the reference ACS is closed');
    if (this.xmpp === undefined) {
      const { XmppConnectionRequester } = await import('./xmpp-connection-request.js');
      // A failed login is not kept: the next request tries again.
      this.xmpp ??= XmppConnectionRequester.open(settings).catch((err: unknown) => {
        this.xmpp = undefined;
        throw err;
      });
    }
    return (await this.xmpp).send(jid, credentials, options.timeoutMs);
  }

  udpConnectionRequest(deviceKey: string, options: UdpConnectionRequestOptions = {}): Promise<void> {
    const device = this.registry.get(deviceKey);
    const address = options.address ?? device?.parameters.find((p) => p.name.endsWith('.ManagementServer.UDPConnectionRequestAddress'))?.value;
    if (!address) return Promise.reject(new CpesimError('CPESIM_ACS_UDP_CR_ADDRESS', `no UDPConnectionRequestAddress known for device ${deviceKey}`));
    const credentials = options.credentials ?? (device && this.provisionedCredentials(device));
    if (!credentials) {
      return Promise.reject(new CpesimError('CPESIM_ACS_CR_CREDENTIALS', 'no connection-request credentials: provisioning is off and none were given'));
    }
    return sendUdpConnectionRequest(address, credentials, options);
  }

  /** The ConnectionRequestUsername/Password this ACS set on the device at bootstrap (undefined: provisioning is off). */
  private provisionedCredentials(device: DeviceRecord): Credentials | undefined {
    return this.opts.provision ? provisionedCredentials(this.opts.provision, device.deviceId.serialNumber) : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Its requests in flight finish first (each bounded by its timeout).
    await this.connectionRequestDriver?.close();
    this.sessions.endAll('serverClosed');
    this.queue.rejectAll(new CpesimError('CPESIM_ACS_CLOSED', 'the reference ACS closed before the RPC was sent'));
    const xmpp = this.xmpp;
    this.xmpp = undefined;
    await xmpp?.then((session) => session.close()).catch(() => {});
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await stopped;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.url?.startsWith(FILES_PATH)) {
        await this.files.handle(req, res);
        return;
      }
      if (req.method !== 'POST') {
        req.resume();
        res.writeHead(405, { Allow: 'POST', 'Content-Length': 0 }).end();
        return;
      }
      let body: string;
      try {
        body = await readBody(req, MAX_BODY_BYTES);
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) {
          // The request stream failed: the CPE went away mid-request, there is nobody to answer.
          res.destroy();
          return;
        }
        this.stats.protocolErrors++;
        // Closing the connection is the only way not to read the rest of an oversized body.
        res.writeHead(413, { Connection: 'close', 'Content-Length': 0 }).end();
        return;
      }
      if (this.opts.recordMessages && body.trim() !== '') this.messages.push(body);
      const session = this.sessions.find(sessionCookie(req), req.socket);
      this.send(res, session ? this.dialogue.continue(session, body, req.socket) : this.openSession(req, res, body));
    } catch (err) {
      this.stats.internalErrors++;
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(err instanceof Error ? err.message : String(err));
    }
  }

  /** A request outside any session: overload check, authentication, then it must be an Inform. */
  private openSession(req: IncomingMessage, res: ServerResponse, body: string): Reply | undefined {
    const max = this.opts.maxConcurrentSessions;
    if (max !== undefined && this.sessions.size >= max) {
      this.stats.rejected503++;
      res.writeHead(503, { 'Retry-After': String(this.opts.retryAfterSeconds ?? 10), 'Content-Length': 0 }).end();
      return undefined;
    }
    const auth = this.authenticator?.check(req);
    if (auth && !auth.ok) {
      if (auth.wrongCredentials) this.stats.authFailures++;
      res.writeHead(401, { 'WWW-Authenticate': auth.challenge, 'Content-Length': 0 }).end();
      return undefined;
    }
    return this.dialogue.open(body, req.socket);
  }

  /** Writes a dialogue reply; `undefined` means the response was already written. */
  private send(res: ServerResponse, reply: Reply | undefined): void {
    if (!reply) return;
    switch (reply.kind) {
      case 'soap': {
        const headers: Record<string, string | number> = {
          'Content-Type': SOAP_CONTENT_TYPE,
          'Content-Length': Buffer.byteLength(reply.xml),
        };
        if (reply.cookie) headers['Set-Cookie'] = `${SESSION_COOKIE}=${reply.cookie}; Path=/; HttpOnly`;
        res.writeHead(200, headers).end(reply.xml);
        return;
      }
      case 'end':
        res.writeHead(204).end();
        return;
      case 'reject': {
        this.stats.protocolErrors++;
        const text = `${reply.reason}\n`;
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
        return;
      }
    }
  }

  private sessionEnded(session: AcsSession, reason: SessionEndReason): void {
    if (reason === 'completed') this.stats.sessionsEnded++;
    else this.stats.sessionsDropped++;
    this.stats.concurrentSessions = this.sessions.size;
    const rpc = session.awaiting;
    if (rpc) {
      session.awaiting = undefined;
      rpc.reject(new CpesimError('CPESIM_ACS_SESSION_LOST', `session ended (${reason}) before the CPE answered ${rpc.request.method}`));
    }
  }
}

/** The value of the session cookie in the request's Cookie header, if present. */
function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}
