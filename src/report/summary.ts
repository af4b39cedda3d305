import { summarize, type LatencySummary } from '../metrics/histogram.js';
import type { MergedCounts, MergedMetrics } from '../metrics/merge.js';
import { sortedCounters, type Counters } from '../metrics/counters.js';
import type { ErrorKind } from '../metrics/observer.js';
import type { ThresholdResult } from '../metrics/threshold-eval.js';
import type { ConnectionRequestDriverReport } from '../acs/connection-request-driver.js';
import { bottleneckBasis, simulatorBottleneck } from '../metrics/bottleneck.js';
import type { HostCpuShare } from '../metrics/host-cpu.js';
import type { WarmUpReport } from '../fleet/warm-up-report.js';

/** results/<run>/summary.json: the machine-readable contract of a run (milliseconds throughout). */
export interface RunSummary {
  scenario: string;
  startedAt: string;
  acsUrl: string;
  cpes: number;
  durationS: number;
  sessions: { started: number; completed: number; failed: number; perSecond: number };
  /** Latency measured from the time each exchange was due (coordinated-omission safe). */
  latency: Record<string, LatencySummary>;
  /** The same exchanges measured from the moment the request was really sent. */
  latencyFromSend: Record<string, LatencySummary>;
  errors: Partial<Record<ErrorKind, number>>;
  errorSamples: Partial<Record<ErrorKind, string[]>>;
  bytes: { sent: number; received: number };
  /**
   * CPEs per state when the run ended (`cpes` stays the fleet's size): booting (no session completed since
   * power-on), online, offline (rebooting or power-cycled).
   */
  cpeStates: { online: number; booting: number; offline: number };
  /** Things the user must know to trust the numbers (e.g. the simulator itself was the bottleneck). */
  warnings: string[];
  /**
   * The same numbers per profile, keyed by the fleet group's `profile` as written in the scenario (or `--profile`);
   * always present (one entry for a one-profile fleet). Sessions, errors, CPE states and latency counts add up to
   * the totals above. Optional in the type only because summary.json files of older runs lack it (compare and
   * report read those); buildSummary always sets it.
   */
  profiles?: Record<string, ProfileSummary>;
  /**
   * Named event counters of the whole run (names and meaning: src/metrics/counters.ts, e.g. `cr.http.accepted`,
   * `cr.http.rejected.unauthenticated`), sorted by name; a counter never incremented is absent. Optional in the type
   * only for older summary.json files; buildSummary always sets it.
   */
  counters?: Counters;
  /** What the built-in reference ACS did itself, when it drove connection requests (scenario `referenceAcs.connectionRequests`). */
  referenceAcs?: { connectionRequests: ConnectionRequestDriverReport };
  /**
   * The whole host's CPU from power-on to the end (Linux /proc/stat; absent elsewhere): how busy it was and how much
   * a hypervisor gave to other guests (steal). A merged run has the highest of its shards.
   */
  hostCpu?: HostCpuShare;
}

/** One profile's share of a run. */
export interface ProfileSummary {
  /** CPEs of this profile (the sum of its CPE states: each CPE is in exactly one). */
  cpes: number;
  sessions: RunSummary['sessions'];
  /** From the due time, like RunSummary.latency. */
  latency: Record<string, LatencySummary>;
  errors: Partial<Record<ErrorKind, number>>;
  cpeStates: RunSummary['cpeStates'];
}

/** What summary.json adds to RunSummary about how the run ended and whether it passed. */
export interface RunOutcome {
  /** The results folder's name. */
  runId: string;
  /** Stop of scheduling → last running session ended or was aborted (seconds). */
  drainS: number;
  /** Sessions still running when the grace period ended (also counted in sessions.failed and errors.timeout). */
  abortedAtShutdown: number;
  /** Time the run was paused (seconds), when it was. */
  pausedS?: number;
  /** The worker threads' JIT warm-up against private loopback ACSs (src/acs/minimal-acs.ts) before power-on (not measured); absent when none ran. */
  warmUp?: WarmUpReport;
  /** Every threshold with its measured value (ms, fraction or number) and verdict, in scenario order. */
  thresholds: ThresholdResult[];
  /** The abortOnFail threshold that stopped the run early, when one did. */
  abortedByThreshold?: string;
  /** The verdict the exit code follows: false when a threshold failed, no session completed, or a shard died. */
  passed: boolean;
  /** Why the run did not pass, one line each. */
  failures: string[];
  /** The other result files, relative to the results folder. */
  files: { junit: string; scenario: string; timeSeries?: string; histograms: Record<string, string>; metrics?: string; referenceAcs?: string };
  /** The machine shard this run was (`--shard I/N`); absent for a whole run. */
  shard?: { index: number; count: number };
  /** Hash of the effective scenario without the shard (src/scenario/fingerprint.ts): merge checks shards agree. */
  scenarioFingerprint?: string;
  /** Worker threads that died (their messages): such results are incomplete and `cpesim merge` refuses them. */
  workerFailures?: string[];
  /** The results folders a merged result was made of (`cpesim merge`), in shard order. */
  mergedFrom?: string[];
}

/** The host's CPU over the run in a few words (summary table, HTML report). */
export function describeHostCpu(host: HostCpuShare): string {
  return `${host.busyPercent}% busy, ${host.stealPercent}% steal (CPU the hypervisor gave other guests)`;
}

/** The warm-up in a sentence (summary table, HTML report). */
export function describeWarmUp(w: WarmUpReport): string {
  return `${w.sessions} sessions in ${w.durationS}s${w.failed > 0 ? `, ${w.failed} failed` : ''}`;
}

/** Why a run failed apart from its thresholds: its dead shards (lines given), and no session completed. */
export function runFailureLines(summary: RunSummary, shardFailures: readonly string[]): string[] {
  return summary.sessions.completed === 0 ? [...shardFailures, 'no session completed'] : [...shardFailures];
}

/** RunOutcome.failures: the failed thresholds, then the run's other failures (runFailureLines). */
export function outcomeFailures(thresholds: readonly ThresholdResult[], runFailures: readonly string[]): string[] {
  return [...thresholds.filter((t) => !t.ok).map((t) => `threshold ${t.message}`), ...runFailures];
}

/** summary.json as `cpesim run` writes it. */
export type RunResults = RunSummary & RunOutcome;

export function buildSummary(args: {
  scenario: string;
  startedAt: Date;
  acsUrl: string;
  cpes: number;
  durationMs: number;
  metrics: MergedMetrics;
  referenceAcs?: RunSummary['referenceAcs'];
  hostCpu?: HostCpuShare | undefined;
}): RunSummary {
  const durationS = Math.round(args.durationMs) / 1000;
  const latency = latencySummaries(args.metrics, 'intended');
  const profiles: Record<string, ProfileSummary> = {};
  for (const [name, counts] of args.metrics.profiles) {
    const cpeStates = cpeStatesOf(counts);
    profiles[name] = {
      cpes: cpeStates.online + cpeStates.booting + cpeStates.offline,
      sessions: sessionsOf(counts, durationS),
      latency: latencySummaries(counts, 'intended'),
      errors: counts.errors,
      cpeStates,
    };
  }
  return {
    scenario: args.scenario,
    startedAt: args.startedAt.toISOString(),
    acsUrl: args.acsUrl,
    cpes: args.cpes,
    durationS,
    sessions: sessionsOf(args.metrics, durationS),
    latency,
    latencyFromSend: latencySummaries(args.metrics, 'actual'),
    errors: args.metrics.errors,
    errorSamples: args.metrics.errorSamples,
    bytes: args.metrics.bytes,
    cpeStates: cpeStatesOf(args.metrics),
    warnings: [...lateWarnings(latency['lateness'], latency['gcPause'], args.hostCpu), ...referenceAcsWarnings(args.referenceAcs)],
    profiles,
    counters: sortedCounters(args.metrics.counters),
    ...(args.referenceAcs ? { referenceAcs: args.referenceAcs } : {}),
    ...(args.hostCpu ? { hostCpu: args.hostCpu } : {}),
  };
}

function sessionsOf({ sessions }: MergedCounts, durationS: number): RunSummary['sessions'] {
  return { ...sessions, perSecond: durationS > 0 ? Math.round((sessions.completed / durationS) * 100) / 100 : 0 };
}

function latencySummaries(counts: MergedCounts, from: 'intended' | 'actual'): Record<string, LatencySummary> {
  const out: Record<string, LatencySummary> = {};
  for (const [name, pair] of [...counts.latency].sort(([a], [b]) => a.localeCompare(b))) out[name] = summarize(pair[from]);
  return out;
}

function cpeStatesOf({ cpes }: MergedCounts): RunSummary['cpeStates'] {
  return { online: cpes.online, booting: cpes.booting, offline: cpes.offline };
}

/**
 * The reference ACS's own connection requests that failed (login refused, timeout, connection refused): the CPEs'
 * numbers alone would not show that requests never reached them. A warning, not a failure: thresholds decide that.
 */
function referenceAcsWarnings(acs: RunSummary['referenceAcs']): string[] {
  const failed = acs?.connectionRequests?.failed ?? {};
  const total = Object.values(failed).reduce<number>((n, k) => n + (k ?? 0), 0);
  if (total === 0) return [];
  const reasons = Object.entries(failed).map(([code, n]) => `${code} ${n}`).join(', ');
  return [`the reference ACS could not send ${total} of its connection requests (${reasons})`];
}

/** Steal below this share of the host's CPU does not explain a late schedule. */
const NOTABLE_STEAL_PERCENT = 5;

/**
 * The simulator's own lateness rule (metrics/bottleneck.ts), shared with the terminal UI's banner, with what the run
 * measured about why: the simulator threads' GC pauses and the CPU a hypervisor withheld.
 */
function lateWarnings(lateness: LatencySummary | undefined, gcPause: LatencySummary | undefined, hostCpu: HostCpuShare | undefined): string[] {
  const late = simulatorBottleneck(lateness);
  if (!late) return [];
  const causes = [
    ...(gcPause && gcPause.count > 0 ? [`its threads' GC pauses: p99 ${gcPause.p99} ms, max ${gcPause.max} ms`] : []),
    ...(hostCpu && hostCpu.stealPercent >= NOTABLE_STEAL_PERCENT ? [`the hypervisor withheld ${hostCpu.stealPercent}% of the host's CPU (steal)`] : []),
  ];
  return [
    `the simulator was the bottleneck: sessions started ${late.lateMs} ms after they were due (${bottleneckBasis(late)}, max ${late.max} ms)` +
      `${causes.length > 0 ? `; measured meanwhile: ${causes.join('; ')}` : ''}; ` +
      `latencies are still measured from the due time, but the offered load was lower than scheduled: use more --workers or machines`,
  ];
}
