/** Seeded PRNG (mulberry32): runs with the same seed make the same schedule. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for one stream of a run (a CPE, one of its sessions) from the run's seed and the stream's numbers:
 * each step is murmur3's 32-bit finalizer, so neighbouring indexes and seeds give unrelated streams.
 */
export function deriveSeed(seed: number, a: number, b: number): number {
  return fmix32(fmix32(fmix32(seed >>> 0) ^ (a >>> 0)) ^ (b >>> 0));
}

/** Murmur3's 32-bit finaliser: a stateless hash step (also the value generators' sample hash). */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
