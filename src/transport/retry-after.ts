/**
 * A Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as milliseconds from
 * `nowMs`. undefined when absent or unparsable; a date in the past gives 0.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
