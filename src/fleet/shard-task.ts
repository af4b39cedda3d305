import type { CoordinatorToShard, ShardProgress, ShardResult, ShardTask, ShardToCoordinator } from './protocol.js';
import { loadScenarioProfiles } from './scenario-profiles.js';
import { Fleet } from './fleet.js';
import { MetricsRegistry } from '../metrics/registry.js';

/**
 * A piscina task: runs one shard of the fleet on this worker thread's event loop. It reports ready, waits for the
 * coordinator's start instant, runs until the scenario's duration ends or the coordinator says stop, and streams
 * progress over the task's MessagePort.
 */
export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const { scenario, shard, port } = task;
  const send = (message: ShardToCoordinator) => port.postMessage(message);
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

  let ticker: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    let end: NodeJS.Timeout | undefined;
    port.on('message', (message: CoordinatorToShard) => {
      if (message.type === 'start') {
        // performance.now() has a different origin in every thread: convert the shared wall-clock instant.
        const startAt = message.atEpochMs - performance.timeOrigin;
        fleet.start(startAt);
        ticker = setInterval(() => send(progress()), task.progressIntervalMs);
        end = setTimeout(resolve, Math.max(0, startAt + scenario.durationMs - performance.now()));
      } else {
        clearTimeout(end);
        resolve();
      }
    });
    send({ type: 'ready', shard: shard.index });
  });
  await fleet.stop();
  clearInterval(ticker);
  const last = progress();
  send(last);
  port.close();
  return { shard: shard.index, cpes: last.cpes, snapshot: last.snapshot };
}
