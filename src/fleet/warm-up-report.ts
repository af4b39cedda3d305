/** What a JIT warm-up before power-on did (src/fleet/warm-up.ts), as shards report it and results record it. */
export interface WarmUpReport {
  sessions: number;
  completed: number;
  failed: number;
  /** Wall time in seconds, to the millisecond. */
  durationS: number;
}

/** Warm-ups that ran side by side (profiles, shards) as one: sessions add up, the time is the longest; none: undefined. */
export function mergeWarmUps(list: readonly WarmUpReport[]): WarmUpReport | undefined {
  if (list.length === 0) return undefined;
  const sum = (key: 'sessions' | 'completed' | 'failed') => list.reduce((n, w) => n + w[key], 0);
  return { sessions: sum('sessions'), completed: sum('completed'), failed: sum('failed'), durationS: Math.max(...list.map((w) => w.durationS)) };
}
