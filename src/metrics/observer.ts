import type { ConnectionRequestTransport } from './counters.js';

/**
 * What the engine reports while it runs. The session engine only talks to this interface; the
 * metrics registry (histograms, counters) implements it, and nothing in the engine knows about
 * output, UI or files.
 */

/** Error classes counted under summary.json "errors". Stable names: they are part of the results contract. */
export type ErrorKind =
  | 'connect_refused'
  | 'connect_timeout'
  | 'timeout'
  | 'reset'
  | 'tls'
  | 'dns'
  | 'http_status'
  | 'auth_failed'
  | 'redirect_loop'
  | 'overloaded'
  | 'acs_fault'
  | 'protocol'
  /** The simulator could not use its source address (localAddress not on this host, no free local port). */
  | 'local_address'
  /** The CPE lost power (VirtualCpe.powerCycle) while its session ran: the simulator ended it, not the ACS. */
  | 'power_cut'
  | 'internal';

/**
 * Latency metrics (milliseconds). `rpc.<Method>` names are built from the ACS request method. `connect` is the
 * TCP connect and `tls` the TLS handshake of each connection a session opens (redirects included).
 */
export type LatencyName =
  | 'session'
  | 'inform'
  | 'emptyPost'
  | 'connect'
  | 'tls'
  | 'lateness'
  /** A garbage-collection pause of a simulator thread (src/metrics/gc-pauses.ts): its event loop stood still meanwhile. */
  | 'gcPause'
  /** Connection request received → the Inform of its session sent / → that session's first ACS RPC. */
  | 'cr.toInform'
  | 'cr.toFirstRpc'
  /** The same two, per transport (the plain names cover every transport). */
  | `cr.${ConnectionRequestTransport}.${'toInform' | 'toFirstRpc'}`
  | `rpc.${string}`;

/**
 * The simulator's measures of itself, not of the ACS, with what each is: kept apart in comparisons, and marked with
 * the note in the summary table and the UI (they share its columns, but "from due time" means nothing for them).
 */
export const SIMULATOR_LATENCY_NOTES: Readonly<Partial<Record<LatencyName, string>>> = {
  lateness: 'simulator lateness: due → started',
  gcPause: 'simulator GC pauses: its event loops stood still',
};
export const SIMULATOR_LATENCIES: ReadonlySet<string> = new Set(Object.keys(SIMULATOR_LATENCY_NOTES));

/**
 * What a CPE is doing, for the fleet's gauges: `booting` from power-on until a session with the ACS completed
 * (a CPE waiting for its turn in the power-on ramp counts here too), `online` after that, `offline` while it
 * reboots or is power-cycled.
 */
export type CpeState = 'booting' | 'online' | 'offline';

export interface SessionObserver {
  /**
   * One latency sample. `fromIntendedMs` is measured from the time the exchange was *due*
   * (scheduled start, so a slow ACS cannot hide behind a late client); `fromActualMs` from the
   * moment the request was really sent.
   */
  latency(name: LatencyName, fromIntendedMs: number, fromActualMs: number): void;
  sessionStarted(): void;
  sessionCompleted(): void;
  sessionFailed(kind: ErrorKind, detail: string): void;
  /** A problem inside a session that did not end it (e.g. a SOAP fault from the ACS). */
  error(kind: ErrorKind, detail: string): void;
  bytes(sent: number, received: number): void;
  /** A CPE changed state (`from` undefined: it was created, i.e. powered on); drives the CPE gauges. */
  cpeState(from: CpeState | undefined, to: CpeState): void;
}
