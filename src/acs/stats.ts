/** Counters of the reference ACS, read by tests and the `cpesim acs` CLI. */
export interface AcsStats {
  readonly sessionsStarted: number;
  /** Sessions the ACS closed in order (204 No Content after the last RPC). */
  readonly sessionsEnded: number;
  /** Sessions freed without an orderly end: idle timeout, lost connection, superseded by a new Inform, shutdown. */
  readonly sessionsDropped: number;
  readonly informs: number;
  /** ACS requests (queued RPCs) sent to CPEs. */
  readonly rpcsSent: number;
  /** SOAP Faults CPEs returned for those requests. */
  readonly faultsReceived: number;
  /** Answers whose cwmp:ID was missing or did not echo the request's, accepted (ReferenceAcsOptions.strictCwmpIds off). */
  readonly cwmpIdMismatches: number;
  /** New sessions turned away with 503 + Retry-After (overload mode). */
  readonly rejected503: number;
  /** Requests that carried wrong credentials (a first request without credentials is the normal challenge, not counted). */
  readonly authFailures: number;
  /** CPE messages the ACS could not accept: unparsable, out of order, oversized, unmatched answers. */
  readonly protocolErrors: number;
  /** Bugs: exceptions escaping the request handler (answered 500). Expected to stay 0. */
  readonly internalErrors: number;
  readonly concurrentSessions: number;
  readonly peakConcurrentSessions: number;
}

export type MutableAcsStats = { -readonly [K in keyof AcsStats]: AcsStats[K] };

export function emptyAcsStats(): MutableAcsStats {
  return {
    sessionsStarted: 0,
    sessionsEnded: 0,
    sessionsDropped: 0,
    informs: 0,
    rpcsSent: 0,
    faultsReceived: 0,
    cwmpIdMismatches: 0,
    rejected503: 0,
    authFailures: 0,
    protocolErrors: 0,
    internalErrors: 0,
    concurrentSessions: 0,
    peakConcurrentSessions: 0,
  };
}
