import type { MessagePort } from 'node:worker_threads';
import type { AcsEndpoint } from '../cpe/virtual-cpe.js';
import type { MetricsSnapshot } from '../metrics/registry.js';
import type { Scenario } from '../scenario/scenario.js';
import type { WarmUpReport } from './warm-up-report.js';

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
  progressIntervalMs: number;
  /** `--state FILE`: restore the shard's CPEs from it (when it exists) and write their state to a part file at the end. */
  stateFile?: string | undefined;
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

/** The shard compiled its profiles and built its CPEs: it waits for the start message (the start barrier). */
export interface ShardReady {
  type: 'ready';
  shard: number;
  /** The JIT warm-up the shard ran before it was ready (src/fleet/warm-up.ts); absent when it ran none. */
  warmUp?: WarmUpReport;
}

export type ShardToCoordinator = ShardReady | ShardProgress;

export type CoordinatorToShard =
  /** Power on at this wall-clock instant (epoch ms), the same for every shard so ramps line up. */
  | { type: 'start'; atEpochMs: number }
  /** Schedule nothing new until resume (running sessions go on); the paused time is left out of the schedule. */
  | { type: 'pause' }
  | { type: 'resume' }
  /** Stop scheduling, give running sessions the grace period, then resolve with the final snapshot. */
  | { type: 'stop' };

export interface ShardResult {
  shard: number;
  cpes: number;
  snapshot: MetricsSnapshot;
  /** The shard's own clock: scheduling time (pauses excluded), paused time, drain time, sessions aborted at shutdown. */
  activeMs: number;
  pausedMs: number;
  drainMs: number;
  aborted: number;
  /** With a state file: the part file holding this shard's CPE states, and how many it holds. */
  statePart?: { path: string; cpes: number };
}
