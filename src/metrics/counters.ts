/**
 * Named event counters: monotonic counts of things that are not sessions (today: connection requests), summed over
 * the shards and written to summary.json `counters` and the Prometheus endpoint. The names are a results contract:
 *
 * | name | counts |
 * | --- | --- |
 * | `cr.http.received` | HTTP connection requests that reached a listener (well-formed or not) |
 * | `cr.http.accepted` | answered 200: a `6 CONNECTION REQUEST` session is scheduled |
 * | `cr.http.merged` | answered 200: joined a pending request or the running session |
 * | `cr.http.rejected.<reason>` | answered 4xx/503 or dropped; `<reason>` is a ConnectionRequestRejectReason |
 * | `cr.udp.received` / `.accepted` / `.merged` | UDP connection requests (TR-069 Annex G): datagrams that were not STUN, and what came of them |
 * | `cr.udp.rejected.<reason>` | dropped silently (UDP requests get no answer); `<reason>` is a UdpRejectReason |
 * | `stun.requests` / `stun.responses` | Binding Requests the CPEs sent / success responses received |
 * | `stun.errors.<reason>` | a StunErrorReason: error responses, timeouts, undecodable or unmatched datagrams, send failures |
 * | `cr.xmpp.received` | connection-request IQs and other stanzas that reached a CPE's XMPP session (TR-069 Annex K) |
 * | `cr.xmpp.accepted` / `cr.xmpp.merged` | answered with an empty IQ result, as for HTTP |
 * | `cr.xmpp.rejected.<reason>` | answered with an IQ error or dropped; `<reason>` is an XmppRejectReason |
 * | `xmpp.login.ok` / `xmpp.login.failed` | XMPP logins of the CPEs (every attempt, retries included) |
 * | `xmpp.disconnected` | established XMPP sessions that were lost (the CPE logs in again with back-off) |
 *
 * received = accepted + merged + the sum of rejected (per transport). A name never counted is absent (0).
 */
import type { ConnectionRequestRejectReason } from '../connreq/listener.js';
import type { UdpRejectReason } from '../connreq/udp-receiver.js';
import type { StunErrorReason } from '../connreq/stun-keepalive.js';
import type { XmppRejectReason } from '../connreq/xmpp-stanza.js';
import { CpesimError } from '../errors.js';

/** How connection requests reach the CPEs (a label, so other transports can join without renaming anything). */
export type ConnectionRequestTransport = 'http' | 'udp' | 'xmpp';

export type CounterName =
  | `cr.${ConnectionRequestTransport}.${'received' | 'accepted' | 'merged'}`
  | `cr.http.rejected.${ConnectionRequestRejectReason}`
  | `cr.udp.rejected.${UdpRejectReason}`
  | `cr.xmpp.rejected.${XmppRejectReason}`
  | StunCounterName
  | XmppSessionCounterName;

/** The STUN client's counters (not connection requests: counterLabels() does not take them apart). */
export type StunCounterName = 'stun.requests' | 'stun.responses' | `stun.errors.${StunErrorReason}`;

/** The CPEs' XMPP sessions themselves (not connection requests: no transport/outcome labels). */
export type XmppSessionCounterName = 'xmpp.login.ok' | 'xmpp.login.failed' | 'xmpp.disconnected';

/** Counter values by name; absent means 0. */
export type Counters = Partial<Record<CounterName, number>>;

/** What a component that only counts needs of the metrics registry. */
export interface CounterSink {
  count(name: CounterName, n?: number): void;
}

/** A counter was given something that would make it non-monotonic or fractional (a programming error). */
export class CounterError extends CpesimError {
  constructor(message: string) {
    super('CPESIM_COUNTER', message);
  }
}

export function checkIncrement(name: CounterName, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new CounterError(`counter ${name}: increment must be a non-negative integer, got ${n}`);
}

/** Adds `from` into `into` (shards → coordinator). */
export function addCounters(into: Counters, from: Counters): void {
  for (const [name, n] of Object.entries(from) as [CounterName, number][]) into[name] = (into[name] ?? 0) + n;
}

/** The counters by name, sorted (summary.json is diffed by people and tools: a stable key order). */
export function sortedCounters(counters: Counters): Counters {
  const out: Counters = {};
  for (const name of (Object.keys(counters) as CounterName[]).sort()) out[name] = counters[name]!;
  return out;
}

/** A counter name taken apart into the labels the Prometheus and plain-text outputs group by. */
export interface CounterLabels {
  transport: ConnectionRequestTransport;
  outcome: 'received' | 'accepted' | 'merged' | 'rejected';
  /** Only for `rejected`. */
  reason?: ConnectionRequestRejectReason | UdpRejectReason | XmppRejectReason;
}

/** The labels of a connection-request counter; undefined for the other counters (stun.*, xmpp.*). */
export function counterLabels(name: CounterName): CounterLabels | undefined {
  const [family, transport, outcome, reason] = name.split('.') as [string, ConnectionRequestTransport, CounterLabels['outcome'], CounterLabels['reason']];
  if (family !== 'cr') return undefined;
  return reason === undefined ? { transport, outcome } : { transport, outcome, reason };
}

/** A STUN counter taken apart: `stun.requests` → { kind: 'requests' }, `stun.errors.timeout` → { kind: 'errors', reason: 'timeout' }. */
export function stunCounterLabels(name: CounterName): { kind: 'requests' | 'responses' | 'errors'; reason?: StunErrorReason } | undefined {
  const [family, kind, reason] = name.split('.') as [string, 'requests' | 'responses' | 'errors', StunErrorReason | undefined];
  if (family !== 'stun') return undefined;
  return reason === undefined ? { kind } : { kind, reason };
}
