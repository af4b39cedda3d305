/**
 * The reference ACS's connection-request load: requests at a fixed rate to the devices it knows, over HTTP (TR-069
 * §3.2.2), UDP (Annex G) or XMPP (Annex K), measuring at the ACS side how long each takes to bring the device's
 * `6 CONNECTION REQUEST` Inform. An open model, like the CPE schedules: request k is due at start + k/rate whether or
 * not earlier ones finished; a request due while `maxInFlight` are unfinished is skipped and counted, so a slow CPE
 * side shows up as skips instead of silently lowering the rate.
 */
import type { AcsRequest, CpeMessage } from '../cwmp/messages.js';
import { seededRandom } from '../random.js';
import { encodeHistogram, newHistogram, recordMs, summarize, type Histogram, type LatencySummary } from '../metrics/histogram.js';
import type { ConnectionRequestOptions, ConnectionRequestResult } from './connection-request.js';
import { usedTransports, type ConnectionRequestDriverSettings, type ConnectionRequestTransport } from './connection-request-settings.js';
import type { DeviceRecord } from './device-registry.js';
import { dataModelRoot } from './provisioning.js';
import type { UdpConnectionRequestOptions } from './udp-connection-request.js';
import type { XmppConnectionRequestOptions, XmppConnectionRequestResult } from './xmpp-connection-request.js';
import { CONNECTION_REQUEST_EVENT } from '../cwmp/event-codes.js';

/** What the driver needs of the reference ACS (an interface, so the scheduling is testable without sockets). */
export interface ConnectionRequestTarget {
  readonly devices: ReadonlyMap<string, DeviceRecord>;
  connectionRequest(deviceKey: string, options?: ConnectionRequestOptions): Promise<ConnectionRequestResult>;
  udpConnectionRequest(deviceKey: string, options?: UdpConnectionRequestOptions): Promise<void>;
  xmppConnectionRequest(deviceKey: string, options?: XmppConnectionRequestOptions): Promise<XmppConnectionRequestResult>;
  enqueue(deviceKey: string, request: AcsRequest): Promise<CpeMessage>;
}

/** Time source and timer (injectable: the unit tests drive a fake clock). */
export interface DriverClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: DriverClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** summary.json `referenceAcs.connectionRequests` and `cpesim acs`'s report at exit. */
export interface ConnectionRequestDriverReport {
  ratePerS: number;
  /** Requests that came due. */
  scheduled: number;
  /** Requests sent, by transport. */
  sent: Partial<Record<ConnectionRequestTransport, number>>;
  /** Due but not sent: `maxInFlight` reached, or no device the transport can reach (not informed yet, not provisioned). */
  skipped: { inFlight: number; noDevice: number };
  /** The CPEs' answers: HTTP status classes (`2xx`, `4xx`, `5xx`, ...), XMPP IQ results and errors by condition (UDP has none). */
  answered: { http: Record<string, number>; xmpp: { result: number; error: Record<string, number> } };
  /** Requests that failed before an answer, by error code (CPESIM_ACS_CR_TIMEOUT, ECONNREFUSED, ...). */
  failed: Record<string, number>;
  peakInFlight: number;
  /** Accepted requests (HTTP 2xx, XMPP result, UDP sent) whose `6 CONNECTION REQUEST` Inform had not come when the driver stopped. */
  awaitingInform: number;
  /** Request sent → the device's next Inform with `6 CONNECTION REQUEST` (ms), by transport. */
  toInform: Partial<Record<ConnectionRequestTransport, LatencySummary>>;
}

/** Requests waiting for an Inform are kept per device up to this many (later ones merge into the same session anyway). */
const MAX_PENDING_PER_DEVICE = 16;

interface PendingRequest {
  id: number;
  transport: ConnectionRequestTransport;
  sentAt: number;
}

export class ConnectionRequestDriver {
  private readonly random: () => number;
  private readonly transports: ConnectionRequestTransport[];
  private readonly weightTotal: number;
  private readonly clock: DriverClock;
  /** Device keys in the order the devices first informed (round-robin order, random index space). */
  private readonly keys: string[] = [];
  private readonly known = new Set<string>();
  private cursor = 0;
  /** UDPConnectionRequestAddress per device: read with GetParameterValues (it is not in every Inform), updated by Informs. */
  private readonly udpAddresses = new Map<string, string>();
  private readonly udpAsked = new Set<string>();
  private readonly pending = new Map<string, PendingRequest[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly latency = new Map<ConnectionRequestTransport, Histogram>();
  private timer: unknown;
  private startedAt = 0;
  private sequence = 0;
  private closed = false;
  private readonly counts = {
    scheduled: 0,
    sent: {} as Partial<Record<ConnectionRequestTransport, number>>,
    skipped: { inFlight: 0, noDevice: 0 },
    answered: { http: {} as Record<string, number>, xmpp: { result: 0, error: {} as Record<string, number> } },
    failed: {} as Record<string, number>,
    peakInFlight: 0,
  };

  constructor(
    private readonly target: ConnectionRequestTarget,
    readonly settings: ConnectionRequestDriverSettings,
    clock?: DriverClock,
  ) {
    this.clock = clock ?? realClock;
    this.random = seededRandom(settings.seed);
    this.transports = usedTransports(settings);
    this.weightTotal = this.transports.reduce((sum, t) => sum + settings.transports[t]!, 0);
  }

  /** Requests not finished yet. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Starts the schedule: the first request is due `startAfterMs` from now. */
  start(): void {
    if (this.closed || this.timer !== undefined) return;
    this.startedAt = this.clock.now() + this.settings.startAfterMs;
    this.timer = this.clock.setTimeout(() => this.tick(), this.settings.startAfterMs);
  }

  /** The ACS tells of every Inform: new devices join the rotation, `6 CONNECTION REQUEST` ends a measurement. */
  onInform(device: DeviceRecord): void {
    if (!this.known.has(device.key)) {
      this.known.add(device.key);
      this.keys.push(device.key);
    }
    if (this.transports.includes('udp')) this.learnUdpAddress(device);
    if (!device.events.some((e) => e.code === CONNECTION_REQUEST_EVENT)) return;
    const waiting = this.pending.get(device.key);
    if (!waiting) return;
    this.pending.delete(device.key);
    // The session answers every request sent before it (the CPE merges them): measured from the oldest.
    const first = waiting[0]!;
    let histogram = this.latency.get(first.transport);
    if (!histogram) this.latency.set(first.transport, (histogram = newHistogram()));
    recordMs(histogram, this.clock.now() - first.sentAt);
  }

  /** Stops scheduling and waits for the requests in flight (each is bounded by `timeoutMs`). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.running]);
  }

  report(): ConnectionRequestDriverReport {
    const c = this.counts;
    let awaitingInform = 0;
    for (const list of this.pending.values()) awaitingInform += list.length;
    // Transports in their fixed order, not the order of first use, so a report reads the same from run to run.
    const sent: ConnectionRequestDriverReport['sent'] = {};
    const toInform: ConnectionRequestDriverReport['toInform'] = {};
    for (const transport of this.transports) {
      sent[transport] = c.sent[transport] ?? 0;
      const histogram = this.latency.get(transport);
      if (histogram) toInform[transport] = summarize(histogram);
    }
    return {
      ratePerS: this.settings.ratePerS,
      scheduled: c.scheduled,
      sent,
      skipped: { ...c.skipped },
      answered: { http: { ...c.answered.http }, xmpp: { result: c.answered.xmpp.result, error: { ...c.answered.xmpp.error } } },
      failed: { ...c.failed },
      peakInFlight: c.peakInFlight,
      awaitingInform,
      toInform,
    };
  }

  /**
   * The histograms report() summarizes as `toInform`, encoded (HDR, compressed base64): the results keep them so that
   * `cpesim merge` adds machine shards up exactly (percentiles cannot be added).
   */
  encodedToInform(): Partial<Record<ConnectionRequestTransport, string>> {
    const out: Partial<Record<ConnectionRequestTransport, string>> = {};
    for (const transport of this.transports) {
      const histogram = this.latency.get(transport);
      if (histogram) out[transport] = encodeHistogram(histogram);
    }
    return out;
  }

  /** Sends every request due by now (a late timer catches up: they were due), then sleeps until the next one. */
  private tick(): void {
    this.timer = undefined;
    if (this.closed) return;
    const intervalMs = 1000 / this.settings.ratePerS;
    const now = this.clock.now();
    let due = this.startedAt + this.counts.scheduled * intervalMs;
    while (due <= now) {
      this.fire();
      due = this.startedAt + this.counts.scheduled * intervalMs;
    }
    this.timer = this.clock.setTimeout(() => this.tick(), due - now);
  }

  private fire(): void {
    const c = this.counts;
    c.scheduled++;
    if (this.running.size >= this.settings.maxInFlight) {
      c.skipped.inFlight++;
      return;
    }
    const transport = this.pickTransport();
    const key = this.pickDevice(transport);
    if (key === undefined) {
      c.skipped.noDevice++;
      return;
    }
    c.sent[transport] = (c.sent[transport] ?? 0) + 1;
    const request: PendingRequest = { id: ++this.sequence, transport, sentAt: this.clock.now() };
    const list = this.pending.get(key) ?? [];
    if (list.length < MAX_PENDING_PER_DEVICE) this.pending.set(key, [...list, request]);
    const done: Promise<void> = this.send(key, transport)
      .then((accepted) => {
        if (!accepted) this.forget(key, request.id);
      })
      .catch((err: unknown) => {
        const code = (err as { code?: unknown }).code;
        const name = typeof code === 'string' ? code : 'error';
        c.failed[name] = (c.failed[name] ?? 0) + 1;
        this.forget(key, request.id);
      })
      .finally(() => this.running.delete(done));
    this.running.add(done);
    if (this.running.size > c.peakInFlight) c.peakInFlight = this.running.size;
  }

  /** Sends one request and counts the answer; resolves whether the CPE accepted it (a session should follow). */
  private async send(key: string, transport: ConnectionRequestTransport): Promise<boolean> {
    const { timeoutMs } = this.settings;
    const answered = this.counts.answered;
    switch (transport) {
      case 'http': {
        const { status } = await this.target.connectionRequest(key, { timeoutMs });
        const cls = `${Math.floor(status / 100)}xx`;
        answered.http[cls] = (answered.http[cls] ?? 0) + 1;
        return status >= 200 && status < 300;
      }
      case 'udp':
        await this.target.udpConnectionRequest(key, { address: this.udpAddresses.get(key)! });
        return true;
      case 'xmpp': {
        const result = await this.target.xmppConnectionRequest(key, { timeoutMs });
        if (result.ok) answered.xmpp.result++;
        else answered.xmpp.error[result.condition] = (answered.xmpp.error[result.condition] ?? 0) + 1;
        return result.ok;
      }
    }
  }

  /** A request that brings no session (refused, failed) is no longer waited for. */
  private forget(key: string, id: number): void {
    const list = this.pending.get(key);
    if (!list) return;
    const rest = list.filter((r) => r.id !== id);
    if (rest.length === 0) this.pending.delete(key);
    else this.pending.set(key, rest);
  }

  private pickTransport(): ConnectionRequestTransport {
    if (this.transports.length === 1) return this.transports[0]!;
    let x = this.random() * this.weightTotal;
    for (const t of this.transports) {
      x -= this.settings.transports[t]!;
      if (x < 0) return t;
    }
    return this.transports[this.transports.length - 1]!;
  }

  /**
   * The next device the transport can reach: round-robin in the order devices first informed, or a seeded random
   * index probing forward to the next reachable one (cheap at any fleet size; devices after unreachable ones are
   * picked a little more often until those become reachable).
   */
  private pickDevice(transport: ConnectionRequestTransport): string | undefined {
    const n = this.keys.length;
    if (n === 0) return undefined;
    const from = this.settings.select === 'random' ? Math.floor(this.random() * n) : this.cursor % n;
    for (let i = 0; i < n; i++) {
      const at = (from + i) % n;
      const key = this.keys[at]!;
      if (this.reachable(key, transport)) {
        if (this.settings.select === 'roundRobin') this.cursor = at + 1;
        return key;
      }
    }
    return undefined;
  }

  /** Provisioned (the ACS knows its credentials) and with an address for the transport. */
  private reachable(key: string, transport: ConnectionRequestTransport): boolean {
    const device = this.target.devices.get(key);
    if (!device?.provisioned) return false;
    switch (transport) {
      case 'http':
        return device.parameters.some((p) => p.name.endsWith('.ManagementServer.ConnectionRequestURL') && p.value !== '');
      case 'udp':
        return this.udpAddresses.has(key);
      case 'xmpp':
        return Boolean(device.connReqJabberId);
    }
  }

  /**
   * Annex G: the UDPConnectionRequestAddress is in an Inform only when it changed (a notification), so the driver
   * reads it once with GetParameterValues in the device's session and follows the Informs after that.
   */
  private learnUdpAddress(device: DeviceRecord): void {
    const reported = device.parameters.find((p) => p.name.endsWith('.ManagementServer.UDPConnectionRequestAddress'))?.value;
    if (reported) {
      this.udpAddresses.set(device.key, reported);
      return;
    }
    const root = dataModelRoot(device.parameters);
    if (this.closed || this.udpAddresses.has(device.key) || this.udpAsked.has(device.key) || !root) return;
    this.udpAsked.add(device.key);
    this.target.enqueue(device.key, { method: 'GetParameterValues', parameterNames: [`${root}.ManagementServer.UDPConnectionRequestAddress`] }).then(
      (answer) => {
        const value = answer.method === 'GetParameterValuesResponse' ? answer.parameterList[0]?.value : undefined;
        if (value) this.udpAddresses.set(device.key, value);
        // A Fault or an empty address: ask again in a later session.
        else this.udpAsked.delete(device.key);
      },
      () => this.udpAsked.delete(device.key),
    );
  }
}
