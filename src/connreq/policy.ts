/**
 * How a fleet answers authenticated connection requests (TR-069 §3.2.2): the session follows within `delayMs`
 * (the spec's limit is 30 s), and a CPE accepts at most `maxPerWindow` requests per `windowMs` (the spec lets
 * a CPE restrict them against denial of service, answering 503). Requests merged into a pending one count too.
 */
export interface ConnectionRequestPolicy {
  delayMs: number;
  maxPerWindow: number;
  windowMs: number;
}

/** TR-069 §3.2.2: the session must start within 30 seconds of the request. */
export const MAX_CONNECTION_REQUEST_DELAY_MS = 30_000;

export const DEFAULT_CONNECTION_REQUEST_POLICY: Readonly<ConnectionRequestPolicy> = Object.freeze({
  delayMs: 0,
  maxPerWindow: 10,
  windowMs: 60_000,
});
