import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { alignedTicks } from './aligned-ticks.js';
import { tuneV8ForFleet } from './v8-tuning.js';
import type { AcsEndpoint } from '../cpe/virtual-cpe.js';
import { mergeSnapshots, type MergedMetrics } from '../metrics/merge.js';
import type { MetricsSnapshot } from '../metrics/registry.js';
import type { Scenario } from '../scenario/scenario.js';
import type { CoordinatorToShard, ShardProgress, ShardResult, ShardSelector, ShardTask, ShardToCoordinator } from './protocol.js';
import type { RunControl } from './run-control.js';
import { loadScenarioProfiles } from './scenario-profiles.js';
import { assembleStateFile, checkStateFile, stateFileExists } from './state-file.js';
import { mergeWarmUps, type WarmUpReport } from './warm-up-report.js';
import { hostCpuBetween, sampleHostCpu, type HostCpuShare, type HostCpuTimes } from '../metrics/host-cpu.js';

/** What a progress listener sees once per interval: plain numbers merged from the shards' metrics streams. */
export interface ProgressSample {
  elapsedMs: number;
  cpes: number;
  sessions: { started: number; completed: number; failed: number };
  inFlight: number;
  errors: number;
  /** p99 of the session latency so far (ms, from the due time); undefined before the first session. */
  sessionP99Ms: number | undefined;
  /** The run is paused (RunControl.pause): no new sessions are scheduled. */
  paused?: boolean;
  /** CPEs by state, summed over the shards. */
  cpeStates: MergedMetrics['cpes'];
  /** Everything measured so far, merged over the shards (histograms included): what a UI or a time series reads. */
  metrics: MergedMetrics;
  /** Wall-clock instant (ms since the epoch) the fleet powered on; undefined before the start barrier. */
  startedAtEpochMs: number | undefined;
  /** The last sample of the run: merged from the shards' final results, so it holds everything measured. */
  final?: boolean;
}

export interface RunFleetOptions {
  acs: AcsEndpoint;
  /** Worker threads (shards); default one per core, never more than CPEs. */
  workers?: number | undefined;
  progressIntervalMs?: number;
  onProgress?: (sample: ProgressSample) => void;
  /** Aborting ends the run early (SIGINT): scheduling stops, running sessions get the grace period, results are kept. */
  signal?: AbortSignal;
  /** Pause, resume or stop the run (for a UI). control.stop() ends it like the signal does. */
  control?: RunControl;
  /**
   * The machine shard this process runs (`--shard I/N`): global indexes i with i % count === index. The worker
   * split applies within it; identities and ramp positions stay by global index, so N machine shards are one fleet.
   */
  machineShard?: ShardSelector | undefined;
  /** Power on at this wall-clock instant (epoch ms, `--start-at`) so machine shards ramp together; never earlier than ready. */
  startAtEpochMs?: number | undefined;
  /**
   * `--state FILE`: when it exists the CPEs are restored from it (checked first: a bad file is a ConfigError and
   * nothing runs); at the end every CPE's state replaces it.
   */
  stateFile?: string | undefined;
}

/** What became of the state file. */
export interface StateFileOutcome {
  file: string;
  /** CPEs the file held at the start (0: there was none). */
  restored: number;
  /** CPEs written at the end; undefined when it was not written (then `problem` says why and the old file stays). */
  saved: number | undefined;
  problem?: string;
}

export interface ShardFailure {
  shard: number;
  /** Why it died (the error's message). */
  message: string;
  stack: string | undefined;
}

export interface FleetRunResult {
  cpes: number;
  /** Scheduling time: power-on → stop of scheduling, paused time excluded (summary durationS). */
  durationMs: number;
  /** Stop of scheduling → the last running session ended or was aborted. */
  drainMs: number;
  pausedMs: number;
  /** Sessions still running when the grace period ended (counted as failed: 'timeout', aborted at shutdown). */
  aborted: number;
  /** One per shard: the final snapshot, or the last one streamed before a shard failed. */
  snapshots: MetricsSnapshot[];
  shardFailures: ShardFailure[];
  interrupted: boolean;
  /** Present with RunFleetOptions.stateFile. */
  state?: StateFileOutcome;
  /** The shards' JIT warm-ups before power-on, merged; absent when none ran one. */
  warmUp?: WarmUpReport;
  /** The host's CPU from power-on to the end (src/metrics/host-cpu.ts); absent before power-on or off Linux. */
  hostCpu?: HostCpuShare;
}

/** Head start given with the start message so every shard receives it before the instant it names. */
const START_LEAD_MS = 50;
/** How long after the shards' report instants the coordinator samples: their sliced snapshots take a few ms. */
const SAMPLE_SETTLE_MS = 250;

/** Runs the scenario's fleet on worker threads, one shard each, and gathers their metrics. */
export async function runFleet(scenario: Scenario, options: RunFleetOptions): Promise<FleetRunResult> {
  // Compile the profiles here first: a broken profile is a config error before any thread starts.
  const profiles = await loadScenarioProfiles(scenario);
  const stateFile = options.stateFile;
  const restored = stateFile !== undefined && (await stateFileExists(stateFile)) ? await checkStateFile(stateFile, scenario, profiles) : 0;
  const machine = options.machineShard ?? { index: 0, count: 1 };
  const total = machineShardSize(scenario.fleet.reduce((n, g) => n + g.count, 0), machine);
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), total));
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  let interrupted = false;
  let stopped = false;
  tuneV8ForFleet(workers);
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
  let started = false;
  // The start barrier: power on only when every shard has compiled its profiles, built its CPEs and warmed up.
  let notReady = workers;
  const warmUps: WarmUpReport[] = [];
  let hostCpuAtStart: HostCpuTimes | undefined;
  const onShardMessage = (message: ShardToCoordinator) => {
    if (message.type === 'progress') {
      latest.set(message.shard, message);
      return;
    }
    if (message.warmUp) warmUps.push(message.warmUp);
    if (--notReady === 0 && !stopped) {
      startAtEpochMs = Math.max(Date.now() + START_LEAD_MS, options.startAtEpochMs ?? 0);
      started = true;
      hostCpuAtStart = sampleHostCpu();
      send({ type: 'start', atEpochMs: startAtEpochMs });
      alignSamples(startAtEpochMs);
      // Paused before the shards were up: they start paused (their ramps begin at resume).
      if (options.control?.paused) send({ type: 'pause' });
    }
  };
  const tasks = Array.from({ length: workers }, (_, index) => {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', onShardMessage);
    ports.push(port1);
    const task: ShardTask = {
      scenario,
      shard: composeShards(machine, { index, count: workers }),
      acs: options.acs,
      progressIntervalMs,
      stateFile,
      port: port2,
    };
    return pool.run(task, { transferList: [port2] });
  });

  const sample = (finalSnapshots?: MetricsSnapshot[]): ProgressSample => {
    const shards = [...latest.values()];
    const merged = mergeSnapshots(finalSnapshots ?? shards.map((s) => s.snapshot));
    const session = merged.latency.get('session')?.intended;
    return {
      elapsedMs: Math.max(0, Date.now() - startAtEpochMs),
      cpes: total,
      sessions: merged.sessions,
      inFlight: shards.reduce((n, s) => n + s.inFlight, 0),
      errors: Object.values(merged.errors).reduce((a, b) => a + (b ?? 0), 0),
      sessionP99Ms: session && session.totalCount > 0 ? session.getValueAtPercentile(99) / 1000 : undefined,
      paused: options.control?.paused ?? false,
      cpeStates: merged.cpes,
      metrics: merged,
      // Waiting for --start-at is not part of the run: nothing is recorded before the power-on instant.
      startedAtEpochMs: started && Date.now() >= startAtEpochMs ? startAtEpochMs : undefined,
      ...(finalSnapshots ? { final: true } : {}),
    };
  };
  // Until power-on a sample every interval; from then on the shards report on the start instant's grid and the
  // samples follow each report by SAMPLE_SETTLE (aligned-ticks.ts), so each sample holds every shard's last interval.
  const startUpSample = () => {
    // From power-on the aligned samples take over (a sample before the shards' first report would count nothing).
    if (started && Date.now() >= startAtEpochMs) clearInterval(ticker);
    else options.onProgress!(sample());
  };
  const ticker = options.onProgress ? setInterval(startUpSample, progressIntervalMs) : undefined;
  let stopSamples: (() => void) | undefined;
  function alignSamples(atEpochMs: number): void {
    if (!options.onProgress) return;
    const settleMs = Math.min(SAMPLE_SETTLE_MS, progressIntervalMs / 4);
    stopSamples = alignedTicks(atEpochMs - performance.timeOrigin + settleMs, progressIntervalMs, () => options.onProgress!(sample()));
  }
  const stop = () => {
    if (stopped) return;
    stopped = true;
    send({ type: 'stop' });
  };
  const interrupt = () => {
    interrupted = true;
    stop();
  };
  options.signal?.addEventListener('abort', interrupt, { once: true });
  if (options.signal?.aborted || options.control?.stopped) interrupt();
  const unsubscribe = options.control?.subscribe((command) => {
    if (command === 'stop') interrupt();
    else if (started && !stopped) send({ type: command });
  });
  // A shard that dies (even before the start barrier) ends the whole run; the others stop and keep their metrics.
  for (const task of tasks) task.catch(stop);

  const settled = await Promise.allSettled(tasks);
  const endedAtEpochMs = Date.now();
  const hostCpu = hostCpuBetween(hostCpuAtStart, sampleHostCpu());
  options.signal?.removeEventListener('abort', interrupt);
  unsubscribe?.();
  clearInterval(ticker);
  stopSamples?.();
  const shardFailures: ShardFailure[] = [];
  const snapshots: MetricsSnapshot[] = [];
  const results: ShardResult[] = [];
  settled.forEach((outcome, shard) => {
    if (outcome.status === 'fulfilled') {
      snapshots.push(outcome.value.snapshot);
      results.push(outcome.value);
    } else {
      // Errors cross the thread boundary as plain Errors (class lost, message and stack kept).
      const reason = outcome.reason as unknown;
      shardFailures.push({
        shard,
        message: reason instanceof Error ? reason.message : String(reason),
        stack: reason instanceof Error ? reason.stack : undefined,
      });
      const last = latest.get(shard);
      if (last) snapshots.push(last.snapshot);
    }
  });
  for (const port of ports) port.close();
  await pool.destroy();
  const state = stateFile === undefined ? undefined : await saveState(stateFile, restored, results, shardFailures.length);
  // The last sample carries the final results (more than the last streamed progress), so intervals add up to the total.
  options.onProgress?.(sample(snapshots));
  const warmUp = mergeWarmUps(warmUps);
  const longest = (key: 'activeMs' | 'drainMs' | 'pausedMs') => Math.max(0, ...results.map((r) => r[key]));
  return {
    cpes: total,
    // Every shard shares the start instant; without any shard result (all died) the coordinator's clock is the best estimate.
    durationMs: results.length > 0 ? longest('activeMs') : Number.isFinite(startAtEpochMs) ? Math.max(0, endedAtEpochMs - startAtEpochMs) : 0,
    drainMs: longest('drainMs'),
    pausedMs: longest('pausedMs'),
    aborted: results.reduce((n, r) => n + r.aborted, 0),
    snapshots,
    shardFailures,
    interrupted,
    ...(state ? { state } : {}),
    ...(warmUp ? { warmUp } : {}),
    ...(hostCpu ? { hostCpu } : {}),
  };
}

/**
 * Joins the shards' parts into the state file. Only a complete fleet is saved: with a shard missing, the old file
 * (which still has that shard's CPEs) stays, and the parts are removed. A write error is reported, never thrown:
 * the run's measurements are written regardless.
 */
async function saveState(file: string, restored: number, results: readonly ShardResult[], failedShards: number): Promise<StateFileOutcome> {
  const parts = results.flatMap((r) => (r.statePart ? [r.statePart] : []));
  const removeParts = () => Promise.all(parts.map((p) => rm(p.path, { force: true })));
  if (failedShards > 0) {
    await removeParts();
    return { file, restored, saved: undefined, problem: `${failedShards} shard(s) failed: the state file was left as it was` };
  }
  try {
    const cpes = parts.reduce((n, p) => n + p.cpes, 0);
    await assembleStateFile(file, parts.map((p) => p.path), cpes);
    return { file, restored, saved: cpes };
  } catch (err) {
    await removeParts();
    await rm(`${file}.tmp`, { force: true });
    return { file, restored, saved: undefined, problem: `cannot write the state file: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Worker `w` of `W` within machine shard `I` of `N` owns the indexes i with i % N === I and floor(i / N) % W === w,
 * which is exactly i % (N·W) === I + N·w: one plain selector, so the Fleet needs no notion of machines.
 */
export function composeShards(machine: ShardSelector, worker: ShardSelector): ShardSelector {
  return { index: machine.index + machine.count * worker.index, count: machine.count * worker.count };
}

/** How many of `total` global indexes fall on the shard. */
export function machineShardSize(total: number, shard: ShardSelector): number {
  return shard.index < total ? Math.floor((total - 1 - shard.index) / shard.count) + 1 : 0;
}
