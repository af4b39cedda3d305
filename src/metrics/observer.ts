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
  | 'internal';

/** Latency metrics (milliseconds). `rpc.<Method>` names are built from the ACS request method. */
export type LatencyName = 'session' | 'inform' | 'emptyPost' | 'connect' | 'lateness' | `rpc.${string}`;

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
}
