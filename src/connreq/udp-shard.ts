import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { DeviceModel } from '../datamodel/device-model.js';
import type { ShardSelector } from '../fleet/protocol.js';
import type { CounterSink } from '../metrics/counters.js';
import type { UdpConnectionRequestSettings } from '../scenario/udp-settings.js';
import type { ConnectionRequestTarget } from './listener.js';
import { StunKeepalive, type StunCpes } from './stun-keepalive.js';
import { UdpConnectionRequestReceiver } from './udp-receiver.js';

export interface UdpShardOptions {
  settings: UdpConnectionRequestSettings;
  /** The connection-request host (binds the socket, is reported in UDPConnectionRequestAddress). */
  host: string;
  /** The ACS URL: its host is the STUN server when neither the scenario nor the ACS names one. */
  acsUrl: string;
  counters: CounterSink;
}

/**
 * UDP connection requests and STUN for one shard: the receiver (one socket) and the STUN keepalives that share
 * it, plus the power-on values they give the CPEs (UDPConnectionRequestAddress = the socket, the scenario's STUN
 * settings, which the ACS may overwrite: the CPE always reads its own data model).
 */
export class UdpShard {
  private keepalive: StunKeepalive | undefined;

  private constructor(
    readonly receiver: UdpConnectionRequestReceiver,
    private readonly opts: UdpShardOptions,
  ) {}

  static async open(opts: UdpShardOptions): Promise<UdpShard> {
    const receiver = await UdpConnectionRequestReceiver.open({
      host: opts.host,
      counters: opts.counters,
      ...(opts.settings.replayWindowMs !== undefined ? { replayWindowMs: opts.settings.replayWindowMs } : {}),
    });
    return new UdpShard(receiver, opts);
  }

  /** The power-on values of a profile's CPEs (only the parameters the profile has). */
  initialValues(profile: CompiledProfile): ReadonlyMap<string, string> {
    const ms = `${profile.root}.ManagementServer.`;
    const wanted = new Map<string, string>([[`${ms}UDPConnectionRequestAddress`, this.receiver.address]]);
    const stun = this.opts.settings.stun;
    if (stun !== undefined) {
      wanted.set(`${ms}STUNEnable`, 'true');
      if (stun.host !== undefined) wanted.set(`${ms}STUNServerAddress`, stun.host);
      if (stun.port !== undefined) wanted.set(`${ms}STUNServerPort`, String(stun.port));
      if (stun.minKeepAliveS !== undefined) wanted.set(`${ms}STUNMinimumKeepAlivePeriod`, String(stun.minKeepAliveS));
      if (stun.maxKeepAliveS !== undefined) wanted.set(`${ms}STUNMaximumKeepAlivePeriod`, String(stun.maxKeepAliveS));
      if (stun.username !== undefined) wanted.set(`${ms}STUNUsername`, stun.username);
      if (stun.password !== undefined) wanted.set(`${ms}STUNPassword`, stun.password);
    }
    const probe = new DeviceModel(profile, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 });
    return new Map([...wanted].filter(([path]) => probe.get(path) !== undefined));
  }

  /** The fleet is built: index its CPEs' usernames and prepare their keepalives. */
  attach(fleet: ConnectionRequestTarget & StunCpes, shard: ShardSelector, size: number): void {
    this.receiver.attach(fleet, shard, size);
    this.keepalive = new StunKeepalive({
      receiver: this.receiver,
      cpes: fleet,
      shard,
      size,
      defaultServerHost: new URL(this.opts.acsUrl).hostname.replace(/^\[|\]$/g, ''),
      counters: this.opts.counters,
    });
  }

  /** Power-on (performance.now() ms): the keepalives of the CPEs with STUNEnable start, spread over their period. */
  start(t0: number): void {
    this.keepalive?.start(t0);
  }

  /** A session of CPE `index` starts: the ACS may change its username in it (the receiver looks there too). */
  sessionStarted(index: number): void {
    this.receiver.sessionStarted(index);
  }

  /** After each session of CPE `index`: the ACS may have changed its username or STUN settings. */
  sessionEnded(index: number): void {
    this.receiver.refresh(index);
    this.keepalive?.refresh(index);
  }

  pause(): void {
    this.keepalive?.pause();
  }

  resume(): void {
    this.keepalive?.resume();
  }

  async close(): Promise<void> {
    this.keepalive?.stop();
    await this.receiver.close();
  }
}
