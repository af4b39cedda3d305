/**
 * `cpesim merge`: the results folders of the machine shards of one run (`cpesim run --shard I/N`) made into the
 * result of the whole run. Exact, not averaged: each shard's metrics.json holds its raw counters and encoded HDR
 * histograms, which add up like the worker threads' do within one run. Anything that would make the sum wrong (a
 * shard missing or given twice, another scenario, a shard that did not run to the end) is refused.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CpesimError } from '../errors.js';
import { decodeHistogram } from '../metrics/histogram.js';
import { mergeSnapshots } from '../metrics/merge.js';
import type { MetricsSnapshot } from '../metrics/registry.js';
import { evaluateThresholds } from '../metrics/threshold-eval.js';
import { parseThreshold } from '../scenario/threshold.js';
import { HistogramLogSet } from './histogram-log.js';
import { junitXml } from './junit.js';
import { JUNIT_FILE, METRICS_FILE, SCENARIO_FILE, SUMMARY_FILE } from './run-outputs.js';
import { HISTOGRAMS_DIR } from './run-recorder.js';
import { mergeReferenceAcs, REFERENCE_ACS_FILE, type ReferenceAcsHistograms } from './reference-acs-results.js';
import { buildSummary, outcomeFailures, runFailureLines, type RunResults } from './summary.js';
import type { HostCpuShare } from '../metrics/host-cpu.js';
import { mergeWarmUps } from '../fleet/warm-up-report.js';

/** The shard results cannot be merged into one exact result. */
export class MergeInputError extends CpesimError {
  constructor(message: string) {
    super('CPESIM_MERGE_INPUT', message);
  }
}

interface ShardInput {
  dir: string;
  summary: RunResults;
  snapshots: MetricsSnapshot[];
  /** reference-acs.json, when the shard's built-in ACS sent connection requests and its results keep the histograms. */
  referenceAcs: ReferenceAcsHistograms | undefined;
}

export async function mergeResults(dirs: readonly string[], out: string, runId: string): Promise<{ results: RunResults; file: string }> {
  if (dirs.length === 0) throw new MergeInputError('no results folders to merge');
  const shards = await Promise.all(dirs.map(readShard));
  const byIndex = checkShards(shards);
  const first = byIndex[0]!;
  const metrics = mergeSnapshots(byIndex.flatMap((s) => s.snapshots));
  // Every shard powered on at the same instant (--start-at): the run lasted as long as its longest shard scheduled.
  const durationMs = Math.max(...byIndex.map((s) => s.summary.durationS)) * 1000;
  const startedAt = new Date(Math.min(...byIndex.map((s) => Date.parse(s.summary.startedAt))));
  const referenceAcs = mergeReferenceAcs(
    byIndex.map((s) => ({ name: s.dir, report: s.summary.referenceAcs?.connectionRequests, histograms: s.referenceAcs })),
  );
  const summary = buildSummary({
    scenario: first.summary.scenario,
    startedAt,
    acsUrl: first.summary.acsUrl,
    cpes: byIndex.reduce((n, s) => n + s.summary.cpes, 0),
    durationMs,
    metrics,
    ...(referenceAcs ? { referenceAcs: { connectionRequests: referenceAcs.report } } : {}),
    hostCpu: busiestHost(byIndex.map((s) => s.summary.hostCpu)),
  });
  if (referenceAcs) summary.warnings.push(...referenceAcs.warnings);
  const scenario = JSON.parse(await readFile(join(first.dir, SCENARIO_FILE), 'utf8')) as {
    thresholds?: { expr: string; abortOnFail?: boolean; delayMs?: number; profile?: string }[];
  };
  const thresholds = evaluateThresholds((scenario.thresholds ?? []).map((t) => parseThreshold(t.expr, t)), metrics, durationMs);
  const warmUp = mergeWarmUps(byIndex.flatMap((s) => (s.summary.warmUp ? [s.summary.warmUp] : [])));
  const runFailures = runFailureLines(summary, []);
  const failures = outcomeFailures(thresholds, runFailures);

  await mkdir(join(out, HISTOGRAMS_DIR), { recursive: true });
  // The merged totals as one interval: the shards' own logs keep the course over time.
  const logs = new HistogramLogSet(join(out, HISTOGRAMS_DIR), startedAt.getTime());
  logs.write({ startMs: 0, endMs: durationMs, sessions: metrics.sessions, errors: metrics.errors, latency: metrics.latency, cumulative: metrics });
  await logs.close();
  const histograms = Object.fromEntries(Object.entries(logs.paths()).map(([k, p]) => [k, p.slice(out.length + 1)]));
  await copyFile(join(first.dir, SCENARIO_FILE), join(out, SCENARIO_FILE));
  await writeFile(join(out, METRICS_FILE), JSON.stringify(byIndex.flatMap((s) => s.snapshots)) + '\n');
  if (referenceAcs) await writeFile(join(out, REFERENCE_ACS_FILE), JSON.stringify(referenceAcs.histograms) + '\n');
  await writeFile(join(out, JUNIT_FILE), junitXml({ suite: summary.scenario, durationS: summary.durationS, results: thresholds, timestamp: summary.startedAt, runFailures, warnings: summary.warnings }));
  const results: RunResults = {
    ...summary,
    runId,
    drainS: Math.max(...byIndex.map((s) => s.summary.drainS)),
    abortedAtShutdown: byIndex.reduce((n, s) => n + s.summary.abortedAtShutdown, 0),
    ...(warmUp ? { warmUp } : {}),
    thresholds,
    passed: failures.length === 0,
    failures,
    // No timeseries.csv: per-interval rows of different machines do not share interval bounds.
    files: { junit: JUNIT_FILE, scenario: SCENARIO_FILE, histograms, metrics: METRICS_FILE, ...(referenceAcs ? { referenceAcs: REFERENCE_ACS_FILE } : {}) },
    ...(first.summary.scenarioFingerprint ? { scenarioFingerprint: first.summary.scenarioFingerprint } : {}),
    workerFailures: [],
    mergedFrom: byIndex.map((s) => s.dir),
  };
  const file = join(out, SUMMARY_FILE);
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return { results, file };
}

async function readShard(dir: string): Promise<ShardInput> {
  const read = async (name: string): Promise<unknown> => {
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch (err) {
      throw new MergeInputError(`${dir}: cannot read ${name} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): not a results folder of cpesim run --shard`);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new MergeInputError(`${join(dir, name)}: not JSON (${(err as Error).message})`);
    }
  };
  const summary = (await read(SUMMARY_FILE)) as RunResults;
  if (!summary.shard) throw new MergeInputError(`${dir}: not a shard result (its run had no --shard I/N)`);
  const snapshots = await read(summary.files?.metrics ?? METRICS_FILE);
  if (!Array.isArray(snapshots)) throw new MergeInputError(`${join(dir, METRICS_FILE)}: not a list of metrics snapshots`);
  // Named in summary.json: then it must be there (the merge would be inexact without it). Older results lack both.
  const referenceAcsFile = summary.files?.referenceAcs;
  const referenceAcs = referenceAcsFile ? checkReferenceAcs(await read(referenceAcsFile), join(dir, referenceAcsFile)) : undefined;
  return { dir, summary, snapshots: snapshots as MetricsSnapshot[], referenceAcs };
}

/** reference-acs.json as written by `cpesim run`: every histogram decodes (a broken one would make the sum wrong). */
function checkReferenceAcs(json: unknown, file: string): ReferenceAcsHistograms {
  const toInform = (json as Partial<ReferenceAcsHistograms> | null)?.connectionRequests?.toInform as unknown;
  const bad = (why: string) => new MergeInputError(`${file}: not the reference ACS's connection-request histograms (${why})`);
  if (typeof toInform !== 'object' || toInform === null) throw bad('no connectionRequests.toInform');
  for (const [transport, encoded] of Object.entries(toInform)) {
    try {
      if (typeof encoded !== 'string') throw new Error('not a string');
      decodeHistogram(encoded);
    } catch (err) {
      throw bad(`${transport}: ${(err as Error).message}`);
    }
  }
  return json as ReferenceAcsHistograms;
}

/** The shards in index order, when they are exactly shards 0..N-1 of one scenario, each run to the end. */
function checkShards(shards: ShardInput[]): ShardInput[] {
  const { count } = shards[0]!.summary.shard!;
  const fingerprint = shards[0]!.summary.scenarioFingerprint;
  const byIndex: (ShardInput | undefined)[] = new Array(count).fill(undefined);
  for (const s of shards) {
    const shard = s.summary.shard!;
    if (shard.count !== count) {
      throw new MergeInputError(`${s.dir} is shard ${shard.index}/${shard.count}, ${shards[0]!.dir} one of ${count}: not the same split`);
    }
    if (s.summary.scenarioFingerprint !== fingerprint) {
      throw new MergeInputError(`${s.dir} ran another scenario than ${shards[0]!.dir} (fingerprint ${s.summary.scenarioFingerprint} vs ${fingerprint})`);
    }
    const seen = byIndex[shard.index];
    if (seen) throw new MergeInputError(`shard ${shard.index}/${count} given twice: ${seen.dir} and ${s.dir}`);
    byIndex[shard.index] = s;
    const broken = [...(s.summary.workerFailures ?? [])];
    if (s.summary.abortedByThreshold) broken.push(`aborted by threshold ${s.summary.abortedByThreshold}`);
    if (broken.length > 0) throw new MergeInputError(`shard ${shard.index}/${count} (${s.dir}) failed: ${broken.join('; ')}; its results are incomplete`);
  }
  const missing = byIndex.flatMap((s, i) => (s ? [] : [i]));
  if (missing.length > 0) throw new MergeInputError(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  return byIndex as ShardInput[];
}

/** The shards' hosts as one: the highest busy and steal shares (the machine that held the run back). */
function busiestHost(list: readonly (HostCpuShare | undefined)[]): HostCpuShare | undefined {
  const present = list.filter((h): h is HostCpuShare => h !== undefined);
  if (present.length === 0) return undefined;
  return { busyPercent: Math.max(...present.map((h) => h.busyPercent)), stealPercent: Math.max(...present.map((h) => h.stealPercent)) };
}
