import type { MessagePort } from 'node:worker_threads';
import type { AcsEndpoint } from '../cpe/virtual-cpe.js';
import type { MetricsSnapshot } from '../metrics/registry.js';
import type { Scenario } from '../scenario/scenario.js';

/**
 * The typed protocol between the coordinator (main thread) and the shard tasks (piscina worker threads).
 * Everything here is structured-clone data.
 */

/** Which CPEs a shard owns: the global indexes i with i % count === index. */
export interface ShardSelector {
  index: number;
  count: number;
}

export interface ShardTask {
  scenario: Scenario;
  shard: ShardSelector;
  acs: AcsEndpoint;
  connectionRequestBaseUrl: string;
  /** Wall-clock (epoch ms) time the fleet powers on, shared by all shards so ramps line up. */
  startAtEpochMs: number;
  progressIntervalMs: number;
  /** Coordinator ↔ shard channel (transferred). */
  port: MessagePort;
}

/** Sent by a shard once per progress interval, and once more (final) before its task resolves. */
export interface ShardProgress {
  type: 'progress';
  shard: number;
  cpes: number;
  inFlight: number;
  snapshot: MetricsSnapshot;
}

export type ShardToCoordinator = ShardProgress;

/** Stop scheduling, let running sessions finish, then resolve with the final snapshot. */
export type CoordinatorToShard = { type: 'stop' };

export interface ShardResult {
  shard: number;
  cpes: number;
  snapshot: MetricsSnapshot;
}
