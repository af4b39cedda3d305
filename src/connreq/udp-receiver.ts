import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { CpesimError } from '../errors.js';
import type { CounterSink } from '../metrics/counters.js';
import type { ShardSelector } from '../fleet/protocol.js';
import type { ConnectionRequestTarget } from './listener.js';
import { fnv1a } from './fnv1a.js';
import { looksLikeStun } from './stun-codec.js';
import { parseUdpConnectionRequest, verifyUdpConnectionRequest, type UdpConnectionRequestFields } from './udp-message.js';

/** Why a UDP connection request was dropped. Stable names: the `cr.udp.rejected.<reason>` counters (metrics/counters.ts). */
export type UdpRejectReason =
  /** Not a `GET http://…?ts&id&un&cn&sig HTTP/1.1` datagram (binary junk, a field missing, oversized). */
  | 'malformed'
  /** `un` is no CPE's ConnectionRequestUsername on this shard. */
  | 'unknown_user'
  /** Several CPEs share `un` and the password too: the request cannot name one (give CPEs distinct usernames). */
  | 'ambiguous_user'
  /** `sig` is not the HMAC-SHA1 of ts‖id‖un‖cn under the CPE's ConnectionRequestPassword. */
  | 'bad_signature'
  /** `ts` further from now than the replay window. */
  | 'stale'
  /** An `id` already accepted (the ACS's retransmitted copies too), or a `ts` older than the last accepted one. */
  | 'replayed'
  | 'offline'
  | 'rate_limited'
  | 'unavailable';

/** Where STUN datagrams arriving on the shard socket go (the STUN keepalive of this shard). */
export type StunDatagramHandler = (datagram: Buffer, from: RemoteInfo) => void;

export interface UdpConnectionRequestReceiverOptions {
  /** Address to bind and to report in UDPConnectionRequestAddress (default 127.0.0.1). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** A request whose `ts` is further than this from now (either way) is dropped as stale (default 60 s). */
  replayWindowMs?: number;
  /** Clock of `ts` (epoch ms; tests). */
  now?: () => number;
  counters: CounterSink;
}

export const DEFAULT_REPLAY_WINDOW_MS = 60_000;
/**
 * Request ids remembered per CPE (a request with an older ts than the last accepted one is refused outright, so
 * only the ids of recent requests matter; more than this many accepted within the replay window is beyond the
 * 10-per-minute rate limit anyway).
 */
const IDS_PER_CPE = 4;

/**
 * The UDP connection-request endpoint of one shard (TR-069 Annex G): one datagram socket for all its CPEs,
 * reported as every CPE's UDPConnectionRequestAddress. A request names its CPE by `un` (its
 * ConnectionRequestUsername: CPEs behind one socket need distinct usernames), is verified against that CPE's
 * password, its `ts` must lie within the replay window and not be older than the CPE's last accepted one, and its
 * `id` must be new. Nothing is ever answered (Annex G: the CPE does not respond); every datagram is counted.
 * The same socket sends and receives the CPEs' STUN Binding messages (stun-keepalive.ts): the NAT binding STUN
 * keeps open is the one connection requests arrive through.
 */
export class UdpConnectionRequestReceiver {
  private target: ConnectionRequestTarget | undefined;
  private stunHandler: StunDatagramHandler | undefined;
  /** ConnectionRequestUsername → global CPE index (several when CPEs share one). */
  private readonly byUsername = new Map<string, number | number[]>();
  /** Per slot: the username it is indexed under. */
  private names: (string | undefined)[] = [];
  /** CPEs in a session: the ACS may have changed their username there already (refresh() follows at its end). */
  private readonly inSession = new Set<number>();
  private shard: ShardSelector = { index: 0, count: 1 };
  /** Per slot: the latest accepted ts (NaN: none) and the hashes of the last IDS_PER_CPE accepted ids, newest first. */
  private lastTs = new Float64Array(0);
  private lastIds = new Uint32Array(0);
  private readonly replayWindowS: number;
  private readonly now: () => number;
  address = '';

  private constructor(
    private readonly socket: Socket,
    private readonly opts: UdpConnectionRequestReceiverOptions,
  ) {
    this.replayWindowS = (opts.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS) / 1000;
    this.now = opts.now ?? Date.now;
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    // Send failures are reported to each send's callback; a socket-level error must not kill the worker.
    socket.on('error', () => this.opts.counters.count('stun.errors.send'));
  }

  static async open(opts: UdpConnectionRequestReceiverOptions): Promise<UdpConnectionRequestReceiver> {
    const host = opts.host ?? '127.0.0.1';
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      socket.close();
      throw new CpesimError('CPESIM_UDP_CR_BIND', `UDP connection-request socket cannot bind ${host}:${opts.port ?? 0}: ${err.code ?? err.message}`);
    });
    const receiver = new UdpConnectionRequestReceiver(socket, opts);
    const { port } = socket.address();
    receiver.address = isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    return receiver;
  }

  /** The socket the shard's STUN client sends its Binding Requests from. */
  get udpSocket(): Socket {
    return this.socket;
  }

  /** STUN datagrams (responses to the CPEs' Binding Requests) go to `handler`; without one they are malformed requests. */
  onStun(handler: StunDatagramHandler): void {
    this.stunHandler = handler;
  }

  /**
   * The CPEs behind this socket: the global indexes `shard.index + k * shard.count` for k < size. Indexes their
   * usernames (refresh() keeps that current as the ACS changes them). Datagrams before attach() are 'unavailable'.
   */
  attach(target: ConnectionRequestTarget, shard: ShardSelector, size: number): void {
    this.target = target;
    this.shard = shard;
    this.names = new Array<string | undefined>(size);
    this.lastTs = new Float64Array(size).fill(Number.NaN);
    this.lastIds = new Uint32Array(size * IDS_PER_CPE);
    for (let slot = 0; slot < size; slot++) this.refresh(shard.index + slot * shard.count);
  }

  /** A session of CPE `index` started: until refresh(), requests whose username is not indexed also try it. */
  sessionStarted(index: number): void {
    if (this.slotOf(index) !== undefined) this.inSession.add(index);
  }

  /** Re-reads CPE `index`'s ConnectionRequestUsername (after each of its sessions: only the ACS changes it). */
  refresh(index: number): void {
    this.inSession.delete(index);
    const slot = this.slotOf(index);
    if (slot === undefined) return;
    const username = this.target?.credentials(index)?.username;
    const old = this.names[slot];
    if (old === username) return;
    if (old !== undefined) this.unindex(old, index);
    this.names[slot] = username;
    if (username === undefined || username === '') return;
    const known = this.byUsername.get(username);
    if (known === undefined) this.byUsername.set(username, index);
    else if (typeof known === 'number') this.byUsername.set(username, [known, index]);
    else known.push(index);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private unindex(username: string, index: number): void {
    const known = this.byUsername.get(username);
    if (known === index) this.byUsername.delete(username);
    else if (Array.isArray(known)) {
      const rest = known.filter((i) => i !== index);
      this.byUsername.set(username, rest.length === 1 ? rest[0]! : rest);
    }
  }

  private slotOf(index: number): number | undefined {
    const { index: shard, count } = this.shard;
    if (!Number.isInteger(index) || index < shard || (index - shard) % count !== 0) return undefined;
    const slot = (index - shard) / count;
    return slot < this.names.length ? slot : undefined;
  }

  private onDatagram(datagram: Buffer, from: RemoteInfo): void {
    if (this.stunHandler !== undefined && looksLikeStun(datagram)) {
      this.stunHandler(datagram, from);
      return;
    }
    const receivedAt = performance.now();
    this.opts.counters.count('cr.udp.received');
    const fields = parseUdpConnectionRequest(datagram);
    if (fields === undefined) return this.reject('malformed');
    if (this.target === undefined) return this.reject('unavailable');
    const index = this.authenticate(fields);
    if (typeof index === 'string') return this.reject(index);
    const slot = this.slotOf(index)!;
    const replay = this.checkFreshness(slot, fields);
    if (replay !== undefined) return this.reject(replay);
    const outcome = this.target.connectionRequest(index, receivedAt, 'udp');
    if (outcome === 'accepted' || outcome === 'merged') this.opts.counters.count(`cr.udp.${outcome}`);
    else this.reject(outcome);
  }

  /**
   * The CPE the request is for and signed by, or why none is. Candidates: the CPEs indexed under `un`, and those
   * in a session (an ACS that set the username in a session may send a request before that session ended).
   */
  private authenticate(fields: UdpConnectionRequestFields): number | UdpRejectReason {
    const known = this.byUsername.get(fields.un);
    const indexed = known === undefined ? [] : typeof known === 'number' ? [known] : known;
    let match: number | undefined;
    let named = false;
    for (const index of [...indexed, ...this.inSession]) {
      if (index === match) continue; // indexed and in a session
      const credentials = this.target!.credentials(index);
      // The index follows the sessions; a username changed otherwise (a factory reset) is checked here.
      if (credentials === undefined || credentials.username !== fields.un) continue;
      named = true;
      if (!verifyUdpConnectionRequest(fields, credentials.password)) continue;
      if (match !== undefined) return 'ambiguous_user';
      match = index;
    }
    return match ?? (named ? 'bad_signature' : 'unknown_user');
  }

  /**
   * Annex G's replay rules, after the signature (so forged datagrams cannot fill the memory): ts within the
   * window around now; not older than the last accepted ts; an id not among the last accepted ones. Records it.
   */
  private checkFreshness(slot: number, fields: UdpConnectionRequestFields): UdpRejectReason | undefined {
    const ts = Number(fields.ts);
    if (Math.abs(this.now() / 1000 - ts) > this.replayWindowS) return 'stale';
    const last = this.lastTs[slot]!;
    const ring = slot * IDS_PER_CPE;
    const idHash = fnv1a(fields.id) || 1; // never 0: 0 marks an empty place
    if (ts < last) return 'replayed';
    for (let i = 0; i < IDS_PER_CPE; i++) if (this.lastIds[ring + i] === idHash) return 'replayed';
    this.lastTs[slot] = ts;
    // The newest id replaces the oldest (0 marks an empty place: a hash of 0 is stored as 1).
    this.lastIds.copyWithin(ring + 1, ring, ring + IDS_PER_CPE - 1);
    this.lastIds[ring] = idHash;
    return undefined;
  }

  private reject(reason: UdpRejectReason): void {
    this.opts.counters.count(`cr.udp.rejected.${reason}`);
  }
}
