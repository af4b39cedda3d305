/** TR-069 §3.2.1.1 defaults: CWMPRetryMinimumWaitInterval (s) and CWMPRetryIntervalMultiplier (/1000). */
export const DEFAULT_RETRY_MIN_WAIT_S = 5;
export const DEFAULT_RETRY_MULTIPLIER = 2000;
/** Beyond the 10th retry the wait interval stops growing. */
export const RETRY_EXPONENT_CAP = 10;

/**
 * The wait before retry number `retry` (1 = first retry after one failed session), in ms: uniformly
 * random in [m·(k/1000)^(n−1), m·(k/1000)^n] seconds with n = min(retry, 10) (TR-069 §3.2.1.1).
 * `draw` in [0, 1) picks the point in that range. retry <= 0 means no failure: no wait.
 */
export function retryWaitMs(
  retry: number,
  draw: number,
  minWaitS: number = DEFAULT_RETRY_MIN_WAIT_S,
  multiplier: number = DEFAULT_RETRY_MULTIPLIER,
): number {
  if (retry <= 0) return 0;
  const n = Math.min(retry, RETRY_EXPONENT_CAP);
  const factor = multiplier / 1000;
  const low = minWaitS * factor ** (n - 1);
  const high = minWaitS * factor ** n;
  return (low + draw * (high - low)) * 1000;
}
