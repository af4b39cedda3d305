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

/** The purposes CPEs draw for, each its own stream of a run's seed (so one purpose's draws never echo another's). */
export const DRAW_STREAM = { schedule: 0x5c4ed01, retry: 0x7e7a1 } as const;

/**
 * Draw `k` of one CPE for one purpose, in [0, 1): a pure function of the run's seed, the stream, the CPE's global
 * index and `k`. Nothing is shared between CPEs, so a seeded run draws the same for each CPE whatever the split over
 * threads and machines and whatever order other CPEs' sessions end in.
 */
export function cpeDraw(seed: number, stream: number, cpe: number, k: number): number {
  return deriveSeed(seed ^ stream, cpe, k) / 4294967296;
}

/** Murmur3's 32-bit finaliser: a stateless hash step (also the value generators' sample hash). */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
