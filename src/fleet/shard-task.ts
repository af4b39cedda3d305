import type { CoordinatorToShard, ShardProgress, ShardResult, ShardTask } from './protocol.js';
import { loadScenarioProfiles } from './scenario-profiles.js';
import { Fleet } from './fleet.js';
import { MetricsRegistry } from '../metrics/registry.js';

/**
 * A piscina task: runs one shard of the fleet on this worker thread's event loop until the scenario's
 * duration ends or the coordinator says stop, streaming progress over the task's MessagePort.
 */
export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const { scenario, shard, port } = task;
  const profiles = await loadScenarioProfiles(scenario);
  const metrics = new MetricsRegistry();
  const fleet = new Fleet({
    scenario,
    shard,
    acs: task.acs,
    profiles,
    metrics,
    connectionRequestBaseUrl: task.connectionRequestBaseUrl,
  });
  const progress = (): ShardProgress => ({
    type: 'progress',
    shard: shard.index,
    cpes: fleet.size,
    inFlight: fleet.sessionsInFlight,
    snapshot: metrics.snapshot(),
  });

  // performance.now() has a different origin in every thread: convert the shared wall-clock start.
  const startAt = task.startAtEpochMs - performance.timeOrigin;
  fleet.start(startAt);
  const ticker = setInterval(() => port.postMessage(progress()), task.progressIntervalMs);
  await new Promise<void>((resolve) => {
    const end = setTimeout(resolve, Math.max(0, startAt + scenario.durationMs - performance.now()));
    port.on('message', (message: CoordinatorToShard) => {
      if (message.type === 'stop') {
        clearTimeout(end);
        resolve();
      }
    });
  });
  await fleet.stop();
  clearInterval(ticker);
  const last = progress();
  port.postMessage(last);
  port.close();
  return { shard: shard.index, cpes: last.cpes, snapshot: last.snapshot };
}
