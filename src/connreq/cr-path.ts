import { createHash } from 'node:crypto';

/**
 * The path of a CPE's ConnectionRequestURL: `/cr/<global index>/<token>`. TR-069 §3.2.2 asks for a path that is
 * random and unique per CPE so it cannot be guessed; the token is derived from the run seed and the index (a
 * hash, so it looks random yet every shard, and a re-run with the same seed, computes the same one without a
 * table of a million strings).
 */
export const CR_PATH_PREFIX = '/cr/';

const TOKEN_LENGTH = 16;

/** The per-CPE token: 16 base64url characters (96 bits) of SHA-256(seed, index). */
export function connectionRequestToken(seed: number, index: number): string {
  return createHash('sha256').update(`cpesim-cr:${seed}:${index}`).digest('base64url').slice(0, TOKEN_LENGTH);
}

/** `base` is `http://host:port` (no trailing slash). */
export function connectionRequestUrl(base: string, seed: number, index: number): string {
  return `${base}${CR_PATH_PREFIX}${index}/${connectionRequestToken(seed, index)}`;
}

/**
 * The CPE index a request path names, or undefined when the path is not one of ours: wrong shape, a query
 * string (TR-069: no data is conveyed; a URL we never advertised), or a token that does not match the index.
 */
export function parseConnectionRequestPath(path: string, seed: number): number | undefined {
  const m = /^\/cr\/(0|[1-9]\d{0,9})\/([A-Za-z0-9_-]{16})$/.exec(path);
  if (!m) return undefined;
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) return undefined;
  return m[2] === connectionRequestToken(seed, index) ? index : undefined;
}
