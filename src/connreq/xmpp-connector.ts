import type { Client, IncomingContext, XmlElement } from '@xmpp/client';
import type { VirtualCpe } from '../cpe/virtual-cpe.js';
import { compileTemplate, type CompiledTemplate } from '../datamodel/template.js';
import { deriveSeed } from '../random.js';
import { TimerQueue } from '../fleet/timer-queue.js';
import type { CounterSink } from '../metrics/counters.js';
import type { XmppSettings } from '../scenario/scenario.js';
import type { ConnectionRequestTarget } from './listener.js';
import { stopXmppClient, xmppClient } from './xmpp-login.js';
import {
  CONNECTION_REQUEST_ELEMENT,
  credentialsMatch,
  jabberIdAllowed,
  NS_XMPP_CONNREQ,
  parseConnectionRequest,
  stanzaError,
  type XmppRejectReason,
} from './xmpp-stanza.js';

export interface XmppConnectorOptions {
  settings: XmppSettings;
  /** The shard's CPEs (Fleet.localCpes). */
  cpes: readonly VirtualCpe[];
  /** Decides what an authenticated request does (the Fleet: the same path as the HTTP listener). */
  target: Pick<ConnectionRequestTarget, 'connectionRequest'> & { deviceChanged(index: number): void };
  /** `cr.xmpp.*` and `xmpp.*` counters: the shard's MetricsRegistry. */
  counters: CounterSink;
  /**
   * The scenario seed (default 1): a back-off's jitter is drawn from it, the CPE's index and its failure count, so
   * the same seed and the same failures give the same logins, whatever the other CPEs do.
   */
  seed?: number;
  /** Back-off after a failed login or a lost session: from retryMinMs doubling up to retryMaxMs (defaults 1 s, 60 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** One CPE's XMPP session: its client while one exists, and its failed logins since the last good one. */
interface Link {
  client: Client | undefined;
  /** Its client is logged in (counted in `online`). */
  online: boolean;
  failures: number;
}

const DEFAULT_RETRY_MIN_MS = 1000;
const DEFAULT_RETRY_MAX_MS = 60_000;

/**
 * The wait before a CPE's next login: from minMs doubling with each failure up to maxMs, times a jitter in
 * [0.5, 1) drawn from the seed, the CPE's global index and the failure count (no per-CPE generator to keep).
 */
export function loginBackOffMs(seed: number, cpeIndex: number, failures: number, minMs: number, maxMs: number): number {
  // Uniform in [0, 1): a derived seed is an evenly mixed 32-bit number.
  const draw = deriveSeed(seed, cpeIndex, failures) / 4294967296;
  return Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 30)) * (0.5 + draw / 2);
}

/**
 * The XMPP side of a shard's CPEs (TR-069 Annex K): each CPE logs in with its own account, reports its full JID in
 * ManagementServer.ConnReqJabberID (an active notification: the ACS learns it in an Inform) and answers the
 * connectionRequest IQ after checking the sender against ConnReqAllowedJabberIDs and the credentials against its
 * ConnectionRequestUsername/Password; an accepted request goes to the fleet like an HTTP one. Logins are paced
 * (at most `concurrency` in flight, the rest wait in order) and a failed login or a lost session is retried with
 * exponential back-off and jitter, so a large fleet or a server restart does not stampede the server. Nothing a
 * client does can throw out of here: failures are counted.
 */
export class XmppConnector {
  private readonly links: Link[];
  private readonly templates: { username: CompiledTemplate; password: CompiledTemplate; resource: CompiledTemplate };
  /** Slots waiting for a login slot, in order; `head` is the next one (no O(n) shift). */
  private waiting: number[] = [];
  private head = 0;
  private active = 0;
  /** Back-off waits behind one timer (a server outage must not create a Node timer per CPE). */
  private readonly retries: TimerQueue<number>;
  private closed = false;
  private onlineCount = 0;

  constructor(private readonly opts: XmppConnectorOptions) {
    const compile = (text: string) => compileTemplate(text, { tableDepth: 0 });
    this.templates = { username: compile(opts.settings.username), password: compile(opts.settings.password), resource: compile(opts.settings.resource) };
    this.links = opts.cpes.map(() => ({ client: undefined, online: false, failures: 0 }));
    this.retries = new TimerQueue((slot) => this.enqueue(slot));
    // The CPEs now take XMPP connection requests: ManagementServer.SupportedConnReqMethods says so (TR-181 2.7+).
    for (const cpe of opts.cpes) {
      const methods = cpe.managementValue('SupportedConnReqMethods');
      if (methods !== undefined && !methods.split(',').includes('XMPP')) cpe.setManagementValue('SupportedConnReqMethods', methods ? `${methods},XMPP` : 'XMPP', false);
    }
  }

  /** CPEs whose XMPP session is up now. */
  get online(): number {
    return this.onlineCount;
  }

  /** Starts logging every CPE in (paced). */
  start(): void {
    for (let slot = 0; slot < this.links.length; slot++) this.enqueue(slot);
  }

  /** Ends every session and pending retry; afterwards nothing logs in again. */
  async close(): Promise<void> {
    this.closed = true;
    this.retries.stop();
    this.waiting = [];
    this.head = 0;
    await Promise.allSettled(this.links.map((link) => this.drop(link)));
  }

  private enqueue(slot: number): void {
    if (this.closed) return;
    this.waiting.push(slot);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.active < this.opts.settings.concurrency && this.head < this.waiting.length) {
      const slot = this.waiting[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      this.active++;
      void this.login(slot).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  /** One login attempt; never rejects. */
  private async login(slot: number): Promise<void> {
    const cpe = this.opts.cpes[slot]!;
    const link = this.links[slot]!;
    const { settings, counters } = this.opts;
    // Reconnecting is ours (paced, with back-off), not the library's fixed 1 s for every client at once.
    const xmpp = xmppClient({
      host: settings.host,
      port: settings.port,
      domain: settings.domain,
      username: cpe.model.render(this.templates.username),
      password: cpe.model.render(this.templates.password),
      resource: cpe.model.render(this.templates.resource),
      timeoutMs: settings.loginTimeoutMs,
    });
    this.answerConnectionRequests(xmpp, cpe);
    link.client = xmpp;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('login timed out')), settings.loginTimeoutMs);
      });
      const started = xmpp.start();
      // When the timeout wins, the login's own failure (e.g. ECONNRESET as the client is dropped) comes later: handled here.
      started.catch(() => undefined);
      const address = await Promise.race([started, timeout]);
      if (this.closed || link.client !== xmpp) return;
      counters.count('xmpp.login.ok');
      link.failures = 0;
      link.online = true;
      this.onlineCount++;
      xmpp.once('disconnect', () => this.lost(slot, xmpp));
      cpe.setManagementValue('ConnReqJabberID', address.toString());
      this.opts.target.deviceChanged(cpe.index);
    } catch {
      if (link.client !== xmpp) return; // closed meanwhile
      counters.count('xmpp.login.failed');
      link.failures++;
      await this.drop(link);
      this.retryLater(slot, link.failures);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The session was lost (server restart, network): log in again after a back-off. */
  private lost(slot: number, xmpp: Client): void {
    const link = this.links[slot]!;
    if (this.closed || link.client !== xmpp) return;
    this.opts.counters.count('xmpp.disconnected');
    void this.drop(link);
    this.retryLater(slot, 1);
  }

  private retryLater(slot: number, failures: number): void {
    if (this.closed) return;
    const { retryMinMs = DEFAULT_RETRY_MIN_MS, retryMaxMs = DEFAULT_RETRY_MAX_MS } = this.opts;
    const waitMs = loginBackOffMs(this.opts.seed ?? 1, this.opts.cpes[slot]!.index, failures, retryMinMs, retryMaxMs);
    this.retries.schedule(performance.now() + waitMs, slot);
  }

  /** Stops the link's client (if any) and forgets it. */
  private async drop(link: Link): Promise<void> {
    const xmpp = link.client;
    if (xmpp === undefined) return;
    link.client = undefined;
    if (link.online) {
      link.online = false;
      this.onlineCount--;
    }
    await stopXmppClient(xmpp);
  }

  /**
   * The Annex K IQ, and every other stanza counted: unknown IQ get/set get service-unavailable (RFC 6120 §8.4,
   * the library's default answer), messages and presence are dropped.
   */
  private answerConnectionRequests(xmpp: Client, cpe: VirtualCpe): void {
    const { counters } = this.opts;
    xmpp.on('stanza', (stanza: XmlElement) => {
      if (xmpp.status !== 'online') return; // the login's own exchange (bind result)
      counters.count('cr.xmpp.received');
      // The library answers bad-request to an IQ get/set without exactly one child, before any handler sees it.
      if (stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set') && stanza.getChildElements().length !== 1) {
        counters.count('cr.xmpp.rejected.malformed');
      }
    });
    xmpp.iqCallee.set(NS_XMPP_CONNREQ, CONNECTION_REQUEST_ELEMENT, (ctx) => this.connectionRequest(cpe, ctx));
    // Registered after the IQ routes: whatever reaches it was handled by nobody.
    xmpp.middleware.use((ctx, next) => {
      const { stanza } = ctx;
      if (xmpp.status === 'online' && (stanza.name === 'iq' || stanza.name === 'message' || stanza.name === 'presence')) {
        // A connectionRequest that is not an IQ set is malformed; anything else is unknown.
        const ours = ctx.element?.is(CONNECTION_REQUEST_ELEMENT, NS_XMPP_CONNREQ) === true;
        counters.count(`cr.xmpp.rejected.${ours ? 'malformed' : 'unknown'}`);
      }
      return next();
    });
  }

  /** The reply to a connectionRequest IQ set: true (an empty result) or an error element. */
  private connectionRequest(cpe: VirtualCpe, ctx: IncomingContext): true | XmlElement {
    const receivedAt = performance.now();
    const given = parseConnectionRequest(ctx.element!);
    if (given === undefined) return this.reject('malformed', stanzaError('modify', 'bad-request'));
    // TR-069 Annex K: a sender not allowed, or wrong credentials, is not-authorized; nothing else is revealed.
    if (!jabberIdAllowed(ctx.stanza.attrs.from ?? '', cpe.managementValue('ConnReqAllowedJabberIDs') ?? '')) {
      return this.reject('forbidden_jid', stanzaError('cancel', 'not-authorized'));
    }
    if (!credentialsMatch(given, cpe.connectionRequestCredentials())) return this.reject('auth_failed', stanzaError('cancel', 'not-authorized'));
    const outcome = this.opts.target.connectionRequest(cpe.index, receivedAt, 'xmpp');
    if (outcome === 'accepted' || outcome === 'merged') {
      this.opts.counters.count(`cr.xmpp.${outcome}`);
      return true;
    }
    // Rebooting, rate-limited, or the run is not scheduling: "not now", as the HTTP listener's 503.
    return this.reject(outcome, stanzaError('wait', 'service-unavailable'));
  }

  private reject(reason: XmppRejectReason, error: XmlElement): XmlElement {
    this.opts.counters.count(`cr.xmpp.rejected.${reason}`);
    return error;
  }
}
