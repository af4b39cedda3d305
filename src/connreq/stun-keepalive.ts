import type { RemoteInfo } from 'node:dgram';
import type { VirtualCpe } from '../cpe/virtual-cpe.js';
import type { ShardSelector } from '../fleet/protocol.js';
import { TimerQueue } from '../fleet/timer-queue.js';
import type { CounterSink } from '../metrics/counters.js';
import { fnv1a } from './fnv1a.js';
import {
  decodeStunMessage,
  encodeBindingRequest,
  errorCode,
  formatAddress,
  mappedAddress,
  newTransactionId,
  STUN_BINDING_ERROR,
  STUN_BINDING_SUCCESS,
  StunDecodeError,
} from './stun-codec.js';
import type { UdpConnectionRequestReceiver } from './udp-receiver.js';

/** Why a STUN exchange failed. Stable names: the `stun.errors.<reason>` counters (metrics/counters.ts). */
export type StunErrorReason =
  /** No response within the response timeout. */
  | 'timeout'
  /** A Binding Error Response other than the one 401 answered with MESSAGE-INTEGRITY. */
  | 'error_response'
  /** 401 again although the request carried MESSAGE-INTEGRITY (wrong STUNPassword), or 401 with no STUNPassword. */
  | 'unauthorized'
  /** A datagram that looked like STUN but did not decode, or a success response without a mapped address. */
  | 'malformed'
  /** A response to no pending request (late after its timeout, or not ours). */
  | 'unmatched'
  /** The socket could not send (no route, the server name did not resolve). */
  | 'send';

/** STUN's well-known port (RFC 5389), used when STUNServerPort is 0. */
export const STUN_DEFAULT_PORT = 3478;
/** The keepalive period when neither STUNMinimumKeepAlivePeriod nor STUNMaximumKeepAlivePeriod gives one (s). */
export const DEFAULT_KEEPALIVE_S = 30;
const DEFAULT_RESPONSE_TIMEOUT_MS = 5_000;

/** The shard's CPEs, as the STUN client needs them (the Fleet). */
export interface StunCpes {
  cpeAt(index: number): VirtualCpe | undefined;
  /** A device change this module made (Fleet.deviceChanged): notified per the parameter's notification. */
  deviceChanged(index: number): void;
}

export interface StunKeepaliveOptions {
  receiver: UdpConnectionRequestReceiver;
  cpes: StunCpes;
  /** The fleet's CPEs: global indexes `shard.index + k * shard.count`, k < size. */
  shard: ShardSelector;
  size: number;
  /** STUN server host when a CPE's STUNServerAddress is empty (TR-098: the ACS URL's host). */
  defaultServerHost: string;
  counters: CounterSink;
  responseTimeoutMs?: number;
}

/** A CPE's STUN settings as its data model has them now (the scenario's power-on values or what the ACS set). */
interface StunSettings {
  host: string;
  port: number;
  username: string;
  password: string;
  periodMs: number;
  /** Of all the fields above. */
  hash: number;
}

/** A keepalive in the timer heap; stale when the slot's generation moved on. */
interface Keepalive {
  index: number;
  generation: number;
}

interface Pending {
  index: number;
  sentAt: number;
  /** The request carried MESSAGE-INTEGRITY (a 401 to it is final). */
  signed: boolean;
  bindingChange: boolean;
}

/**
 * The STUN client of one shard (TR-069 Annex G / TR-111 part 2). Design: every CPE of the shard shares the
 * shard's UDP connection-request socket, so every Binding Request goes out from that socket (the binding a NAT
 * would keep open is the one connection requests arrive through) and its mapped address is the socket's public
 * address. Each CPE with STUNEnable sends its own keepalive with its own USERNAME (STUNUsername) every
 * STUNMinimumKeepAlivePeriod, so a STUN server sees one binding per CPE as TR-111 expects; the keepalives are
 * spread evenly over the period and driven by one timer heap (no timer per CPE). A mapped address different from
 * the one the CPE reports becomes its UDPConnectionRequestAddress (a device-made value change, notified per its
 * attribute) and the CPE sends an immediate Binding Request with BINDING-CHANGE; NATDetected is set when the
 * mapped address differs from the socket's local one. A server that answers 401 gets the request again with
 * MESSAGE-INTEGRITY keyed with STUNPassword.
 */
export class StunKeepalive {
  private readonly queue: TimerQueue<Keepalive>;
  /** Per slot: the generation of its live keepalive (0: none); an older item in the heap is stale. */
  private readonly generation: Uint32Array;
  /** Per slot: a hash of the settings its keepalives use, to notice the ACS changing them. */
  private readonly settingsHash: Uint32Array;
  /** Transactions awaiting a response, by transaction id (hex), oldest first (Map order). */
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private stopped = false;

  constructor(private readonly opts: StunKeepaliveOptions) {
    this.generation = new Uint32Array(opts.size);
    this.settingsHash = new Uint32Array(opts.size);
    this.timeoutMs = opts.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
    this.queue = new TimerQueue((item) => this.keepalive(item));
    opts.receiver.onStun((datagram, from) => this.onResponse(datagram, from));
  }

  /** Starts the keepalives of the CPEs with STUNEnable, spread evenly over each one's period from `t0` (performance.now() ms). */
  start(t0: number): void {
    const { shard, size } = this.opts;
    for (let slot = 0; slot < size; slot++) {
      const index = shard.index + slot * shard.count;
      const settings = this.settingsOf(index);
      if (settings === undefined) continue;
      this.settingsHash[slot] = settings.hash;
      this.schedule(slot, index, t0 + (settings.periodMs * slot) / size);
    }
  }

  /**
   * After a session of CPE `index`: when the ACS enabled STUN or changed the settings, a Binding Request goes out
   * now with them (replacing the pending keepalive); otherwise the keepalives go on as they were.
   */
  refresh(index: number): void {
    const slot = this.slotOf(index);
    if (this.stopped || slot === undefined) return;
    const settings = this.settingsOf(index);
    if (settings === undefined || (this.generation[slot] !== 0 && settings.hash === this.settingsHash[slot])) return;
    this.settingsHash[slot] = settings.hash;
    this.schedule(slot, index, performance.now());
  }

  private schedule(slot: number, index: number, at: number): void {
    const generation = (this.generation[slot]! % 0xfffffffe) + 1;
    this.generation[slot] = generation;
    this.queue.schedule(at, { index, generation });
  }

  pause(): void {
    this.queue.pause();
  }

  resume(): void {
    this.queue.resume();
  }

  /** No more keepalives; requests still pending are dropped uncounted (the run is over). */
  stop(): void {
    this.stopped = true;
    this.queue.stop();
    this.pending.clear();
  }

  private slotOf(index: number): number | undefined {
    const { shard, size } = this.opts;
    const slot = (index - shard.index) / shard.count;
    return Number.isInteger(slot) && slot >= 0 && slot < size ? slot : undefined;
  }

  private keepalive({ index, generation }: Keepalive): void {
    const slot = this.slotOf(index)!;
    if (generation !== this.generation[slot]) return; // replaced by refresh()
    this.expire();
    const settings = this.settingsOf(index);
    if (this.stopped || settings === undefined) {
      this.generation[slot] = 0; // STUN was disabled: refresh() starts it again if the ACS enables it
      return;
    }
    this.settingsHash[slot] = settings.hash;
    // A rebooting or power-cycled CPE sends nothing; its keepalives go on when it is up.
    if (this.opts.cpes.cpeAt(index)!.offlineForMs() === 0) this.send(index, settings, false, false);
    this.schedule(slot, index, performance.now() + settings.periodMs);
  }

  /** The CPE's STUN settings when STUNEnable is true, else undefined. */
  private settingsOf(index: number): StunSettings | undefined {
    const cpe = this.opts.cpes.cpeAt(index);
    if (cpe === undefined) return undefined;
    const ms = managementServer(cpe);
    if (ms === undefined || !isTrue(cpe.model.get(`${ms}STUNEnable`))) return undefined;
    const minS = Number(cpe.model.get(`${ms}STUNMinimumKeepAlivePeriod`) ?? 0);
    const maxS = Number(cpe.model.get(`${ms}STUNMaximumKeepAlivePeriod`) ?? 0);
    const periodS = minS > 0 ? minS : maxS > 0 ? maxS : DEFAULT_KEEPALIVE_S;
    const port = Number(cpe.model.get(`${ms}STUNServerPort`) ?? 0);
    const s = {
      host: cpe.model.get(`${ms}STUNServerAddress`) || this.opts.defaultServerHost,
      port: port > 0 && port <= 65535 ? port : STUN_DEFAULT_PORT,
      username: cpe.model.get(`${ms}STUNUsername`) ?? '',
      password: cpe.model.get(`${ms}STUNPassword`) ?? '',
      periodMs: Math.max(1, periodS) * 1000,
    };
    return { ...s, hash: fnv1a(`${s.host}\n${s.port}\n${s.username}\n${s.password}\n${s.periodMs}`) };
  }

  private send(index: number, s: StunSettings, signed: boolean, bindingChange: boolean): void {
    const transactionId = newTransactionId();
    const request = encodeBindingRequest({ transactionId, username: s.username, bindingChange, ...(signed ? { integrityKey: s.password } : {}) });
    this.pending.set(transactionId.toString('hex'), { index, sentAt: performance.now(), signed, bindingChange });
    this.opts.counters.count('stun.requests');
    this.opts.receiver.udpSocket.send(request, s.port, s.host, (err) => {
      if (!err) return;
      this.pending.delete(transactionId.toString('hex'));
      this.opts.counters.count('stun.errors.send');
    });
  }

  /** Counts the requests older than the response timeout as timed out (pending is in send order). */
  private expire(): void {
    const limit = performance.now() - this.timeoutMs;
    for (const [key, p] of this.pending) {
      if (p.sentAt > limit) break;
      this.pending.delete(key);
      this.opts.counters.count('stun.errors.timeout');
    }
  }

  private onResponse(datagram: Buffer, _from: RemoteInfo): void {
    let msg;
    try {
      msg = decodeStunMessage(datagram);
    } catch (err) {
      if (!(err instanceof StunDecodeError)) throw err;
      this.opts.counters.count('stun.errors.malformed');
      return;
    }
    const key = msg.transactionId.toString('hex');
    const p = this.pending.get(key);
    if (p === undefined || (msg.type !== STUN_BINDING_SUCCESS && msg.type !== STUN_BINDING_ERROR)) {
      this.opts.counters.count('stun.errors.unmatched');
      return;
    }
    this.pending.delete(key);
    if (this.stopped) return;
    if (msg.type === STUN_BINDING_ERROR) {
      const settings = this.settingsOf(p.index);
      if (errorCode(msg) === 401 && !p.signed && settings !== undefined && settings.password !== '') {
        this.send(p.index, settings, true, p.bindingChange);
      } else {
        this.opts.counters.count(errorCode(msg) === 401 ? 'stun.errors.unauthorized' : 'stun.errors.error_response');
      }
      return;
    }
    let mapped;
    try {
      mapped = mappedAddress(msg);
    } catch (err) {
      if (!(err instanceof StunDecodeError)) throw err;
    }
    if (mapped === undefined) {
      this.opts.counters.count('stun.errors.malformed');
      return;
    }
    this.opts.counters.count('stun.responses');
    this.applyMapping(p, formatAddress(mapped), p.signed);
  }

  /**
   * The CPE's UDPConnectionRequestAddress follows the mapped address; a change is a device-made value change and
   * is announced to the STUN server at once with BINDING-CHANGE (TR-111 part 2).
   */
  private applyMapping(p: Pending, address: string, signed: boolean): void {
    const cpe = this.opts.cpes.cpeAt(p.index);
    const ms = cpe && managementServer(cpe);
    if (cpe === undefined || ms === undefined) return;
    const path = `${ms}UDPConnectionRequestAddress`;
    const changed = cpe.model.get(path) !== address;
    cpe.model.setInternal(path, address);
    cpe.model.setInternal(`${ms}NATDetected`, address === this.opts.receiver.address ? 'false' : 'true');
    this.opts.cpes.deviceChanged(p.index);
    if (changed && !p.bindingChange) {
      const settings = this.settingsOf(p.index);
      if (settings !== undefined) this.send(p.index, settings, signed, true);
    }
  }
}

/** "<root>.ManagementServer." of a CPE whose profile has the STUN parameters; undefined otherwise. */
function managementServer(cpe: VirtualCpe): string | undefined {
  for (const root of ['Device', 'InternetGatewayDevice']) {
    if (cpe.model.get(`${root}.ManagementServer.STUNEnable`) !== undefined) return `${root}.ManagementServer.`;
  }
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}
