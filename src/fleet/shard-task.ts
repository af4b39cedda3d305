import type { CoordinatorToShard, ShardProgress, ShardResult, ShardTask, ShardToCoordinator } from './protocol.js';
import { loadScenarioProfiles } from './scenario-profiles.js';
import { Fleet } from './fleet.js';
import { MetricsRegistry } from '../metrics/registry.js';
import { ConnectionRequestListener } from '../connreq/listener.js';
import { loadShardStates, stateFileExists, writeStatePart } from './state-file.js';
import { UdpShard } from '../connreq/udp-shard.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import type { XmppConnector } from '../connreq/xmpp-connector.js';
import { DEFAULT_WARM_UP_SESSIONS, warmUp } from './warm-up.js';
import { alignedTicks } from './aligned-ticks.js';
import { recordGcPauses } from '../metrics/gc-pauses.js';

/**
 * A piscina task: runs one shard of the fleet on this worker thread's event loop. It reports ready, waits for the
 * coordinator's start instant, runs until the scenario's duration ends or the coordinator says stop, and streams
 * progress over the task's MessagePort.
 */
export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const { scenario, shard, port } = task;
  const send = (message: ShardToCoordinator) => port.postMessage(message);
  const profiles = await loadScenarioProfiles(scenario, shard);
  const metrics = new MetricsRegistry();
  // Checked by the coordinator before the shards started (checkStateFile); here only this shard's CPEs are read.
  const restored = task.stateFile !== undefined && (await stateFileExists(task.stateFile))
    ? await loadShardStates(task.stateFile, scenario, profiles, shard)
    : undefined;
  // This shard's connection-request endpoint: bound before the CPEs exist, since their ConnectionRequestURL names it.
  const cr = scenario.connectionRequests;
  const listener = await ConnectionRequestListener.open({
    host: cr?.host ?? '127.0.0.1',
    seed: scenario.seed,
    counters: metrics,
    ...(cr?.auth !== undefined ? { auth: cr.auth } : {}),
  });
  // UDP connection requests and STUN (connectionRequests.udp): one more socket per shard, same host.
  const udp = cr?.udp?.enabled
    ? await UdpShard.open({ settings: cr.udp, host: cr.host ?? '127.0.0.1', acsUrl: task.acs.url, counters: metrics }).catch(async (err: unknown) => {
        await listener.close();
        throw err;
      })
    : undefined;
  let xmpp: XmppConnector | undefined;
  try {
    const fleet = new Fleet({
      scenario,
      shard,
      acs: task.acs,
      profiles,
      metrics,
      connectionRequestUrl: (index) => listener.urlOf(index),
      connectionRequests: { ...(cr?.delayMs !== undefined ? { delayMs: cr.delayMs } : {}), ...cr?.rateLimit },
      restored,
      ...(udp ? { initialValues: (profile: CompiledProfile) => udp.initialValues(profile), sessionStarted: (index: number) => udp.sessionStarted(index), sessionEnded: (index: number) => udp.sessionEnded(index) } : {}),
    });
    listener.attach(fleet);
    udp?.attach(fleet, shard, fleet.size);
    if (cr?.xmpp !== undefined) {
      // Loaded only when used: most runs have no XMPP.
      const { XmppConnector } = await import('../connreq/xmpp-connector.js');
      xmpp = new XmppConnector({ settings: cr.xmpp, cpes: fleet.localCpes, target: fleet, counters: metrics, seed: scenario.seed });
    }
    const progress = (snapshot: ShardProgress['snapshot']): ShardProgress => ({
      type: 'progress',
      shard: shard.index,
      cpes: fleet.size,
      inFlight: fleet.sessionsInFlight,
      snapshot,
    });
    // During the run the snapshot is built in slices (sessions stay on time); one at a time, and never after the final one.
    let reporting: Promise<void> | undefined;
    const reportProgress = () => {
      reporting ??= metrics.snapshotInSlices().then((snapshot) => {
        reporting = undefined;
        send(progress(snapshot));
      });
    };

    // Before ready: the start barrier waits for every thread's warm-up, so none of it overlaps the measured run.
    const warmUpSessions = Math.min(scenario.warmUpSessions ?? DEFAULT_WARM_UP_SESSIONS, fleet.size);
    const warmUpReport = warmUpSessions > 0 ? await warmUp(scenario, profiles, warmUpSessions) : undefined;

    let stopReporting: (() => void) | undefined;
    let stopRecordingGc: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      port.on('message', (message: CoordinatorToShard) => {
        switch (message.type) {
          case 'start': {
            // performance.now() has a different origin in every thread: convert the shared wall-clock instant.
            fleet.start(message.atEpochMs - performance.timeOrigin);
            udp?.start(message.atEpochMs - performance.timeOrigin);
            // The CPEs log in to the XMPP server from power-on, paced (connector.start queues them).
            xmpp?.start();
            // From power-on to the end of scheduling: the build and warm-up collected too, but no session was due then.
            stopRecordingGc = recordGcPauses(metrics);
            // On the shared start instant's grid, as the coordinator samples (aligned-ticks.ts).
            stopReporting = alignedTicks(message.atEpochMs - performance.timeOrigin, task.progressIntervalMs, reportProgress);
            // The end of the run is an item of the fleet's timer heap: a pause moves it like every wake-up.
            void fleet.finished.then(resolve);
            break;
          }
          case 'pause':
            fleet.pause();
            udp?.pause();
            break;
          case 'resume':
            fleet.resume();
            udp?.resume();
            break;
          case 'stop':
            resolve();
            break;
        }
      });
      send({ type: 'ready', shard: shard.index, ...(warmUpReport ? { warmUp: warmUpReport } : {}) });
    });
    // Scheduling is over: the shutdown's collections delay no due session.
    stopRecordingGc?.();
    const report = await fleet.drain();
    await xmpp?.close();
    stopReporting?.();
    await reporting;
    // After the drain (and its grace period): nothing changes the CPEs any more.
    let statePart: ShardResult['statePart'];
    if (task.stateFile !== undefined) {
      const path = `${task.stateFile}.part${shard.index}`;
      await writeStatePart(path, fleet.snapshotStates());
      statePart = { path, cpes: fleet.size };
    }
    const last = progress(metrics.snapshot());
    send(last);
    port.close();
    return { shard: shard.index, cpes: last.cpes, snapshot: last.snapshot, ...report, ...(statePart ? { statePart } : {}) };
  } finally {
    // An open server or XMPP connection would keep the worker thread alive.
    await xmpp?.close();
    await listener.close();
    await udp?.close();
  }
}
