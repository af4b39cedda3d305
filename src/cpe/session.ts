import { buildCpeMessage } from '../cwmp/build.js';
import type { AcsBody, AcsEnvelope, AcsRequest, CwmpVersion, FaultStruct } from '../cwmp/messages.js';
import { cwmpNamespace } from '../cwmp/namespaces.js';
import { envelopeDeclaresCwmp, parseAcsMessage } from '../cwmp/parse.js';
import { setTimeout as delay } from 'node:timers/promises';
import { NO_QUIRKS, QUIRK, type QuirkSet } from '../quirks/quirk-set.js';
import { missingQuirkRandom, slowAnswerMs } from '../quirks/quirk-random.js';
import type { DeviceModel } from '../datamodel/device-model.js';
import { CpesimError, ProtocolError } from '../errors.js';
import type { ConnectionRequestTransport } from '../metrics/counters.js';
import type { ErrorKind, LatencyName, SessionObserver } from '../metrics/observer.js';
import { AcsHttpSession, type AcsEndpoint } from '../transport/acs-http-session.js';
import { TransportError } from '../transport/transport-error.js';
import { expectedResponse, type PendingCpeRequests } from './cpe-request-queue.js';
import type { EventQueue } from './event-queue.js';
import { dispatchAcsRequest, type DeviceActions } from './rpc-dispatch.js';
import { transferCompleteFor } from './transfers.js';
import type { RepeatedMessageParser } from '../cwmp/repeated-messages.js';

/** Guards against a hostile or broken ACS. */
export interface SessionLimits {
  /** ACS messages (HTTP responses with an envelope) accepted in one session. */
  maxMessages: number;
  /** Whole-session deadline, from the Inform being sent. */
  deadlineMs: number;
  /** Largest ACS response body. */
  maxBodyBytes: number;
}

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = Object.freeze({
  maxMessages: 1000,
  deadlineMs: 10 * 60_000,
  maxBodyBytes: 4 * 1024 * 1024,
});

/** The ACS answered a CPE request (e.g. the Inform) with a SOAP Fault: the session cannot go on. */
export class AcsFaultError extends CpesimError {
  readonly fault: FaultStruct;
  constructor(fault: FaultStruct, to: string) {
    super('CPESIM_ACS_FAULT', `ACS answered ${to} with fault ${fault.faultCode} ${fault.faultString}`);
    this.fault = fault;
  }
}

/** The ErrorKind a failed session is counted under. */
export function errorKindOf(err: unknown): ErrorKind {
  if (err instanceof TransportError) return err.kind;
  if (err instanceof ProtocolError) return 'protocol';
  if (err instanceof AcsFaultError) return 'acs_fault';
  return 'internal';
}

/** Everything one session works on; the VirtualCpe owns it all and survives the session. */
export interface CwmpSessionParams {
  acs: AcsEndpoint;
  model: DeviceModel;
  /** Reboot and Download: noted during the session, carried out by the CPE after it. */
  actions: DeviceActions;
  events: EventQueue;
  cpeRequests: PendingCpeRequests;
  observer: SessionObserver;
  /** The version the CPE speaks in its Inform; the ACS's answer sets it for the rest of the session. */
  cwmpVersion: CwmpVersion;
  retryCount: number;
  /** performance.now() ms when the session was due. */
  intendedStartMs: number;
  /** cwmp:ID of the Inform. */
  informId: string;
  limits: SessionLimits;
  /**
   * Ends the session when aborted (the CPE lost power); its reason is what the session throws. The session's
   * deadline aborts it too (the caller's controller is reused: no second one per session).
   */
  abort: AbortController;
  /**
   * performance.now() ms a connection request this session answers was received (its "6 CONNECTION REQUEST"
   * is in this Inform): the session reports cr.toInform and cr.toFirstRpc from it.
   */
  connectionRequestAt?: number | undefined;
  /** The profile's vendor quirks (src/quirks/catalogue.ts); none when absent. */
  quirks?: QuirkSet | undefined;
  /** The seeded [0, 1) source of this session's random quirks (quirks/quirk-random.ts); needed when it has one. */
  quirkRandom?: (() => number) | undefined;
  /** How that request arrived: the latencies are recorded under `cr.<transport>.*` as well (default http). */
  connectionRequestTransport?: ConnectionRequestTransport | undefined;
  /** The Inform lists the forced-inform parameters only (a heartbeat session: value changes wait for a normal one). */
  forcedParametersOnly?: boolean | undefined;
  /** Parses the ACS's messages, reusing the parse of a repeated one (shared by the CPEs of a group); a full parse when absent. */
  parser?: RepeatedMessageParser | undefined;
}

/** Connection-request latencies: received → Inform sent, received → the session's first ACS RPC. */
export const CR_TO_INFORM = 'cr.toInform' satisfies LatencyName;
export const CR_TO_FIRST_RPC = 'cr.toFirstRpc' satisfies LatencyName;

/**
 * Runs one CWMP session (TR-069 §3.7.1) to its end. Resolves when the ACS ended it normally (204 or
 * empty 200 to our empty POST / last response); throws a TransportError, ProtocolError,
 * AcsFaultError or (a bug) anything else otherwise. Reports connect/tls/inform/emptyPost/rpc latencies and
 * the session's bytes; session-level outcome reporting is the caller's.
 */
export async function runCwmpSession(p: CwmpSessionParams): Promise<void> {
  const { observer, intendedStartMs } = p;
  // Before the deadline timer: a bad localAddress throws here and must not leave the timer behind.
  const http = new AcsHttpSession(p.acs, {
    maxBodyBytes: p.limits.maxBodyBytes,
    signal: p.abort.signal,
    quirks: p.quirks ?? NO_QUIRKS,
    onConnection: (startedAt, tcpAt, tlsAt) => {
      observer.latency('connect', tcpAt - intendedStartMs, tcpAt - startedAt);
      if (tlsAt !== undefined) observer.latency('tls', tlsAt - intendedStartMs, tlsAt - tcpAt);
    },
  });
  const timer = setTimeout(abortForDeadline, p.limits.deadlineMs, p.abort, p.limits.deadlineMs);
  let clean = false;
  try {
    await new CwmpSession(p, http).run();
    clean = true;
  } finally {
    clearTimeout(timer);
    await (clean ? http.close() : http.destroy());
    observer.bytes(http.bytesSent(), http.bytesReceived());
  }
}

function abortForDeadline(controller: AbortController, deadlineMs: number): void {
  controller.abort(new TransportError('timeout', `session deadline of ${deadlineMs} ms exceeded`));
}

/** SOAPAction of a SOAP response or fault: present without a value (TR-069 §3.4.1). */
const NO_SOAP_ACTION = '';

/** SOAPAction of a CPE request: a URI naming the method (SOAP 1.1 §6.1.1; TR-069 only fixes it for responses). */
function requestSoapAction(version: CwmpVersion, method: string): string {
  return `"${cwmpNamespace(version)}#${method}"`;
}

/** ACS message methods that are responses to CPE requests (everything else is an ACS request). */
const ACS_RESPONSES: ReadonlySet<AcsBody['method']> = new Set<AcsBody['method']>([
  'InformResponse',
  'TransferCompleteResponse',
  'AutonomousTransferCompleteResponse',
  'GetRPCMethodsResponse',
  'RequestDownloadResponse',
  'DUStateChangeCompleteResponse',
  'AutonomousDUStateChangeCompleteResponse',
  'KickedResponse',
  'Fault',
]);

function isAcsRequest(body: AcsBody): body is AcsRequest {
  return !ACS_RESPONSES.has(body.method);
}

/** `rpc.<Method>` latency names, built once per method (the method set is closed). */
const RPC_LATENCY = new Map<string, LatencyName>();
function rpcLatencyName(method: AcsRequest['method']): LatencyName {
  let name = RPC_LATENCY.get(method);
  if (name === undefined) {
    name = `rpc.${method}`;
    RPC_LATENCY.set(method, name);
  }
  return name;
}

/** ACS fault code asking the CPE to retry its request later (keep it queued). */
const ACS_FAULT_RETRY_REQUEST = 8005;

/** The state of one session in progress. */
class CwmpSession {
  private readonly p: CwmpSessionParams;
  private readonly http: AcsHttpSession;
  private version: CwmpVersion;
  private hold = false;
  private acsMessages = 0;
  /** Each queued CPE request is offered at most once per session. */
  private cpeRequestsOffered = false;
  private firstRpcSeen = false;
  private readonly q: QuirkSet;
  private readonly quirkRandom: () => number;
  /** The Inform's RetryCount (informRetryForever raises it for each repeated Inform). */
  private retryCount: number;

  constructor(p: CwmpSessionParams, http: AcsHttpSession) {
    this.p = p;
    this.http = http;
    this.q = p.quirks ?? NO_QUIRKS;
    this.quirkRandom = p.quirkRandom ?? missingQuirkRandom;
    this.version = this.q.flags & QUIRK.cwmpNamespace ? this.q.cwmpVersion : p.cwmpVersion;
    this.retryCount = p.retryCount;
  }

  async run(): Promise<void> {
    await (this.q.flags & QUIRK.informRetryForever ? this.informUntilAnswered() : this.inform());
    if (!this.hold) await this.sendCpeRequests();
    await this.serveAcsRequests();
  }

  /** A connection-request latency, for all transports and for this request's own (`cr.xmpp.toInform`, ...). */
  private connectionRequestLatency(name: typeof CR_TO_INFORM | typeof CR_TO_FIRST_RPC, ms: number): void {
    const { observer } = this.p;
    observer.latency(name, ms, ms);
    const perTransport = `cr.${this.p.connectionRequestTransport ?? 'http'}.${name === CR_TO_INFORM ? 'toInform' : 'toFirstRpc'}` as const;
    observer.latency(perTransport, ms, ms);
  }

  /** Inform → InformResponse; confirms the delivered events. */
  private async inform(): Promise<void> {
    const { model, events, observer } = this.p;
    const delivered = events.take();
    let confirmed = false;
    try {
      const xml = buildCpeMessage(
        {
          method: 'Inform',
          deviceId: model.deviceId(),
          events: delivered,
          maxEnvelopes: 1,
          currentTime: this.q.flags & QUIRK.currentTimeZone ? quirkyCurrentTime(this.q) : new Date().toISOString(),
          retryCount: this.retryCount,
          parameterList: model.informParameters(this.p.forcedParametersOnly === true),
        },
        { cwmpVersion: this.version, id: this.q.flags & QUIRK.fixedCwmpId ? this.q.fixedCwmpId : this.p.informId },
        this.q,
      );
      const sentAt = performance.now();
      const crAt = this.p.connectionRequestAt;
      if (crAt !== undefined) this.connectionRequestLatency(CR_TO_INFORM, sentAt - crAt);
      const reply = await this.http.post(xml, requestSoapAction(this.version, 'Inform'));
      const now = performance.now();
      observer.latency('inform', now - this.p.intendedStartMs, now - sentAt);
      const env = this.parse(reply, 'the Inform');
      if (env.body.method === 'Fault') throw new AcsFaultError(env.body.fault, 'the Inform');
      if (env.body.method !== 'InformResponse') throw new ProtocolError(`expected InformResponse, got ${describe(env.body)}`);
      events.confirm();
      confirmed = true;
      model.confirmInform();
      // The CPE goes on in the version the ACS answered in (unless its cwmpNamespace quirk pins one).
      if (!(this.q.flags & QUIRK.cwmpNamespace)) this.version = env.cwmpVersion;
    } finally {
      if (!confirmed) events.release();
    }
  }

  /** The CPE's own queued requests (TransferComplete, GetRPCMethods), unless the ACS holds them. */
  private async sendCpeRequests(): Promise<void> {
    const { cpeRequests, observer } = this.p;
    if (this.cpeRequestsOffered || cpeRequests.size === 0) return;
    this.cpeRequestsOffered = true;
    for (const req of cpeRequests.snapshot()) {
      const msg = req.method === 'TransferComplete' ? transferCompleteFor(req, this.version) : req;
      const xml = buildCpeMessage(msg, { cwmpVersion: this.version, id: this.q.flags & QUIRK.fixedCwmpId ? this.q.fixedCwmpId : undefined }, this.q);
      const reply = await this.http.post(xml, requestSoapAction(this.version, req.method));
      const env = this.parse(reply, req.method);
      const body = env.body;
      if (body.method === 'Fault') {
        observer.error('acs_fault', `ACS answered ${req.method} with fault ${body.fault.faultCode} ${body.fault.faultString}`);
        if (body.fault.faultCode !== ACS_FAULT_RETRY_REQUEST) cpeRequests.remove(req);
      } else if (body.method === expectedResponse(req)) {
        cpeRequests.remove(req);
      } else {
        throw new ProtocolError(`expected ${expectedResponse(req)}, got ${describe(body)}`);
      }
      if (this.hold) return;
    }
  }

  /** Empty POST, then answer ACS requests until the ACS sends an empty response. */
  private async serveAcsRequests(): Promise<void> {
    const { model, observer } = this.p;
    let outgoing: string | undefined; // undefined: the empty POST
    let answered: LatencyName = 'emptyPost';
    for (;;) {
      if (outgoing !== undefined && this.q.flags & QUIRK.slowAnswers) await this.pause(slowAnswerMs(this.q, this.quirkRandom));
      const sentAt = performance.now();
      const reply = await this.http.post(outgoing, NO_SOAP_ACTION);
      const took = performance.now() - sentAt;
      observer.latency(answered, took, took);
      if (reply === '') {
        // The ACS is done. Requests it held may still go out; then the session ends with our empty POST.
        if (!this.cpeRequestsOffered && this.p.cpeRequests.size > 0) {
          this.hold = false;
          await this.sendCpeRequests();
          outgoing = undefined;
          answered = 'emptyPost';
          continue;
        }
        if (this.q.flags & QUIRK.neverEndsSession && (await this.lingerOn())) {
          outgoing = undefined;
          answered = 'emptyPost';
          continue;
        }
        return;
      }
      const env = this.parse(reply, outgoing === undefined ? 'the empty POST' : 'our response');
      const body = env.body;
      if (!isAcsRequest(body)) {
        if (body.method === 'Fault') throw new AcsFaultError(body.fault, outgoing === undefined ? 'the empty POST' : 'our response');
        throw new ProtocolError(`unexpected ${describe(body)}: no CPE request is outstanding`);
      }
      const crAt = this.p.connectionRequestAt;
      if (crAt !== undefined && !this.firstRpcSeen) {
        const now = performance.now();
        this.connectionRequestLatency(CR_TO_FIRST_RPC, now - crAt);
      }
      this.firstRpcSeen = true;
      // Answer in the ACS's version, echoing its cwmp:ID (or as the profile's quirks say).
      if (this.q.flags) {
        outgoing = this.quirkyAnswer(reply, env, body);
      } else {
        outgoing = buildCpeMessage(dispatchAcsRequest(model, this.p.actions, body, env.cwmpVersion), { cwmpVersion: env.cwmpVersion, id: env.header.id });
      }
      answered = rpcLatencyName(body.method);
    }
  }

  /** The answer to an ACS request under the profile's quirks (namespaces, pinned version, fixed ID, RPC faults). */
  private quirkyAnswer(reply: string, env: AcsEnvelope, req: AcsRequest): string {
    const q = this.q;
    const version = q.flags & QUIRK.cwmpNamespace ? q.cwmpVersion : env.cwmpVersion;
    const id = q.flags & QUIRK.fixedCwmpId ? q.fixedCwmpId : env.header.id;
    const answer =
      q.flags & QUIRK.namespacesOnEnvelopeOnly && !envelopeDeclaresCwmp(reply)
        ? { method: 'Fault' as const, fault: { faultCode: 9000, faultString: 'Method not supported' } }
        : dispatchAcsRequest(this.p.model, this.p.actions, req, version, q, this.quirkRandom);
    return buildCpeMessage(answer, { cwmpVersion: version, id }, q);
  }

  /**
   * informRetryForever: an Inform the ACS answers with a fault or an HTTP error status is sent again at once on the
   * same connection, RetryCount + 1 each time; the session's message limit (and deadline) stop it.
   */
  private async informUntilAnswered(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.inform();
        return;
      } catch (err) {
        const repeatable = err instanceof AcsFaultError || (err instanceof TransportError && (err.kind === 'http_status' || err.kind === 'overloaded'));
        if (!repeatable || attempt >= this.p.limits.maxMessages) throw err;
        this.p.observer.error(errorKindOf(err), `Inform sent again (quirk informRetryForever): ${(err as Error).message}`);
        this.retryCount++;
        if (this.q.informRetryIntervalMs > 0) await this.pause(this.q.informRetryIntervalMs);
      }
    }
  }

  /**
   * neverEndsSession: the ACS said it is done, the CPE stays. After `interval` it sends another empty POST, unless
   * the ACS has closed the connection meanwhile (then the session ends: false).
   */
  private async lingerOn(): Promise<boolean> {
    await this.pause(this.q.neverEndsIntervalMs);
    return this.http.connectionOpen();
  }

  /** Waits `ms`; a session abort (deadline, power cut) ends the wait with its reason. */
  private async pause(ms: number): Promise<void> {
    const signal = this.p.abort.signal;
    try {
      await delay(ms, undefined, { signal });
    } catch {
      throw signal.reason;
    }
  }

  /** Parses an ACS reply that must carry an envelope; counts it against the message limit; tracks HoldRequests. */
  private parse(reply: string, to: string): AcsEnvelope {
    if (reply === '') throw new ProtocolError(`ACS sent an empty response to ${to}`);
    if (++this.acsMessages > this.p.limits.maxMessages) {
      throw new ProtocolError(`ACS sent more than ${this.p.limits.maxMessages} messages in one session`);
    }
    let env: AcsEnvelope;
    try {
      env = this.p.parser ? this.p.parser.parse(reply) : parseAcsMessage(reply);
    } catch (err) {
      // The codec does not know who sent the text: the session names the peer and the message it answered.
      throw err instanceof ProtocolError ? new ProtocolError(`ACS answer to ${to}: ${err.message}`, { cause: err }) : err;
    }
    this.hold = env.header.holdRequests === true;
    return env;
  }
}

/** currentTimeZone quirk: the Inform's CurrentTime without a zone, or with "+00:00" for "Z". */
function quirkyCurrentTime(q: QuirkSet): string {
  const utc = new Date().toISOString().slice(0, -1);
  return q.currentTimeZone === 'plusZero' ? `${utc}+00:00` : utc;
}

function describe(body: AcsBody): string {
  return body.method === 'Unknown' ? `unknown message cwmp:${body.name}` : body.method;
}
