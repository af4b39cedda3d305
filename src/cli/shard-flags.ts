/** `cpesim run --shard I/N --start-at TIME`: the flags that make one run a machine shard of a larger one. */
import { ConfigError } from '../errors.js';
import type { ShardSelector } from '../fleet/protocol.js';

/** `1/4` → {index 1, count 4}; I is 0-based (0 ≤ I < N) so `--shard 0/2` and `--shard 1/2` are the two halves. */
export function parseShardFlag(text: string): ShardSelector {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index < count)) {
    throw new ConfigError(`"${text}" is not a shard I/N with 0 <= I < N (example: 0/2)`, { field: '--shard' });
  }
  return { index, count };
}

/**
 * An ISO 8601 instant with an explicit zone (`2026-05-01T12:00:00Z`, `...+02:00`): shards on several machines must
 * mean the same instant, so a zone-less local time is refused. It must lie ahead of `nowMs`: a start in the past
 * would make the ramps of different machines disagree.
 */
export function parseStartAt(text: string, nowMs: number): number {
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim());
  const ms = zoned ? Date.parse(text.trim()) : NaN;
  if (!Number.isFinite(ms)) {
    throw new ConfigError(`"${text}" is not an ISO time with a zone (example: 2026-05-01T12:00:00Z)`, { field: '--start-at' });
  }
  if (ms <= nowMs) throw new ConfigError(`${text} is in the past: give an instant ahead of now`, { field: '--start-at' });
  return ms;
}
