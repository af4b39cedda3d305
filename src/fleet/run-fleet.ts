import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { AcsEndpoint } from '../cpe/virtual-cpe.js';
import { mergeSnapshots } from '../metrics/merge.js';
import type { MetricsSnapshot } from '../metrics/registry.js';
import type { Scenario } from '../scenario/scenario.js';
import type { CoordinatorToShard, ShardProgress, ShardResult, ShardTask, ShardToCoordinator } from './protocol.js';
import { loadScenarioProfiles } from './scenario-profiles.js';

/** What a progress listener sees once per interval: plain numbers merged from the shards' metrics streams. */
export interface ProgressSample {
  elapsedMs: number;
  cpes: number;
  sessions: { started: number; completed: number; failed: number };
  inFlight: number;
  errors: number;
  /** p99 of the session latency so far (ms, from the due time); undefined before the first session. */
  sessionP99Ms: number | undefined;
}

export interface RunFleetOptions {
  acs: AcsEndpoint;
  connectionRequestBaseUrl: string;
  /** Worker threads (shards); default one per core, never more than CPEs. */
  workers?: number | undefined;
  progressIntervalMs?: number;
  onProgress?: (sample: ProgressSample) => void;
  /** Aborting ends the run early (SIGINT): scheduling stops, running sessions finish, results are kept. */
  signal?: AbortSignal;
}

export interface ShardFailure {
  shard: number;
  message: string;
}

export interface FleetRunResult {
  cpes: number;
  durationMs: number;
  /** One per shard: the final snapshot, or the last one streamed before a shard failed. */
  snapshots: MetricsSnapshot[];
  shardFailures: ShardFailure[];
  interrupted: boolean;
}

/** Head start given with the start message so every shard receives it before the instant it names. */
const START_LEAD_MS = 50;

/** Runs the scenario's fleet on worker threads, one shard each, and gathers their metrics. */
export async function runFleet(scenario: Scenario, options: RunFleetOptions): Promise<FleetRunResult> {
  // Compile the profiles here first: a broken profile is a config error before any thread starts.
  await loadScenarioProfiles(scenario);
  const total = scenario.fleet.reduce((n, g) => n + g.count, 0);
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), total));
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  let interrupted = false;
  let stopped = false;
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: new URL('./shard-task.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
  });
  const latest = new Map<number, ShardProgress>();
  const ports: MessagePort[] = [];
  const send = (message: CoordinatorToShard) => ports.forEach((port) => port.postMessage(message));
  let startAtEpochMs = Infinity;
  // The start barrier: power on only when every shard has compiled its profiles and built its CPEs.
  let notReady = workers;
  const onShardMessage = (message: ShardToCoordinator) => {
    if (message.type === 'progress') latest.set(message.shard, message);
    else if (--notReady === 0 && !stopped) {
      startAtEpochMs = Date.now() + START_LEAD_MS;
      send({ type: 'start', atEpochMs: startAtEpochMs });
    }
  };
  const tasks = Array.from({ length: workers }, (_, index) => {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', onShardMessage);
    ports.push(port1);
    const task: ShardTask = {
      scenario,
      shard: { index, count: workers },
      acs: options.acs,
      connectionRequestBaseUrl: options.connectionRequestBaseUrl,
      progressIntervalMs,
      port: port2,
    };
    return pool.run(task, { transferList: [port2] });
  });

  const sample = (): ProgressSample => {
    const shards = [...latest.values()];
    const merged = mergeSnapshots(shards.map((s) => s.snapshot));
    const session = merged.latency.get('session')?.intended;
    return {
      elapsedMs: Math.max(0, Date.now() - startAtEpochMs),
      cpes: total,
      sessions: merged.sessions,
      inFlight: shards.reduce((n, s) => n + s.inFlight, 0),
      errors: Object.values(merged.errors).reduce((a, b) => a + (b ?? 0), 0),
      sessionP99Ms: session && session.totalCount > 0 ? session.getValueAtPercentile(99) / 1000 : undefined,
    };
  };
  const ticker = options.onProgress ? setInterval(() => options.onProgress!(sample()), progressIntervalMs) : undefined;
  const stop = () => {
    stopped = true;
    send({ type: 'stop' });
  };
  const interrupt = () => {
    interrupted = true;
    stop();
  };
  options.signal?.addEventListener('abort', interrupt, { once: true });
  // A shard that dies (even before the start barrier) ends the whole run; the others stop and keep their metrics.
  for (const task of tasks) task.catch(stop);

  const settled = await Promise.allSettled(tasks);
  options.signal?.removeEventListener('abort', interrupt);
  if (ticker) clearInterval(ticker);
  const shardFailures: ShardFailure[] = [];
  const snapshots: MetricsSnapshot[] = [];
  settled.forEach((outcome, shard) => {
    if (outcome.status === 'fulfilled') {
      snapshots.push(outcome.value.snapshot);
    } else {
      const reason = outcome.reason as Error;
      shardFailures.push({ shard, message: reason?.stack ?? String(reason) });
      const last = latest.get(shard);
      if (last) snapshots.push(last.snapshot);
    }
  });
  for (const port of ports) port.close();
  await pool.destroy();
  options.onProgress?.(sample());
  return {
    cpes: total,
    durationMs: Number.isFinite(startAtEpochMs) ? Date.now() - startAtEpochMs : 0,
    snapshots,
    shardFailures,
    interrupted,
  };
}
