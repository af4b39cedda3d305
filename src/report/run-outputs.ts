/**
 * Everything a run leaves in results/<run-id>/ and the pass/fail verdict the exit code follows:
 *   summary.json          RunSummary + RunOutcome (thresholds, verdict, shutdown numbers, file list)
 *   junit.xml             one test case per threshold
 *   scenario.json         the effective scenario, secrets redacted
 *   timeseries.csv        one row per interval (streamed while the run goes)
 *   histograms/*.hlog     HdrHistogram interval logs per latency metric (streamed)
 *   metrics.json          the final metrics snapshots (raw counters, encoded HDR histograms): what `cpesim merge` adds up
 *   reference-acs.json    the built-in ACS's connection-request latency histograms (encoded), when it sent requests
 * While the run goes, each progress sample also feeds the Prometheus exporter and the abortOnFail thresholds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetRunResult, ProgressSample } from '../fleet/run-fleet.js';
import type { MergedMetrics } from '../metrics/merge.js';
import type { PrometheusExporter } from '../metrics/prometheus.js';
import { evaluateThresholds, type ThresholdResult } from '../metrics/threshold-eval.js';
import { ThresholdWatch } from '../metrics/threshold-watch.js';
import type { Scenario } from '../scenario/scenario.js';
import { scenarioFingerprint } from '../scenario/fingerprint.js';
import type { ShardSelector } from '../fleet/protocol.js';
import { effectiveScenario } from './effective-scenario.js';
import { junitXml } from './junit.js';
import { REFERENCE_ACS_FILE, referenceAcsHistograms } from './reference-acs-results.js';
import type { ConnectionRequestDriver } from '../acs/connection-request-driver.js';
import { RunRecorder } from './run-recorder.js';
import { outcomeFailures, runFailureLines, type RunResults, type RunSummary } from './summary.js';

export const SUMMARY_FILE = 'summary.json';
export const JUNIT_FILE = 'junit.xml';
export const SCENARIO_FILE = 'scenario.json';
export const METRICS_FILE = 'metrics.json';

export interface RunOutputsOptions {
  dir: string;
  runId: string;
  scenario: Scenario;
  exporter?: PrometheusExporter | undefined;
  /** An abortOnFail threshold failed during the run: the caller stops the run. */
  onThresholdAbort: (result: ThresholdResult) => void;
  /** The machine shard (`--shard I/N`), recorded in summary.json for `cpesim merge`. */
  shard?: ShardSelector | undefined;
}

export class RunOutputs {
  private readonly watch: ThresholdWatch;

  private constructor(
    private readonly opts: RunOutputsOptions,
    private readonly recorder: RunRecorder,
  ) {
    this.watch = new ThresholdWatch(opts.scenario.thresholds ?? [], opts.onThresholdAbort);
  }

  /** Creates the results folder and writes the effective scenario (known before the run starts). */
  static async open(opts: RunOutputsOptions): Promise<RunOutputs> {
    await mkdir(opts.dir, { recursive: true });
    await writeFile(join(opts.dir, SCENARIO_FILE), JSON.stringify(effectiveScenario(opts.scenario), null, 2) + '\n');
    return new RunOutputs(opts, await RunRecorder.open(opts.dir));
  }

  /** The progress listener: interval logs, time series, Prometheus, and the during-run threshold checks. */
  onProgress(sample: ProgressSample): void {
    const interval = this.recorder.record(sample);
    if (interval) this.opts.exporter?.update(interval);
    if (!sample.final && sample.startedAtEpochMs !== undefined) this.watch.check(sample.metrics, sample.elapsedMs);
  }

  /** The threshold that aborted the run, if one did. */
  get abortedBy(): ThresholdResult | undefined {
    return this.watch.failure;
  }

  /** Evaluates the thresholds on the final metrics, writes summary.json and junit.xml; returns what was written. */
  async finish(args: {
    summary: RunSummary;
    metrics: MergedMetrics;
    run: FleetRunResult;
    /** The built-in ACS's connection-request driver, when it ran: its histograms go to reference-acs.json (for merge). */
    connectionRequestDriver?: Pick<ConnectionRequestDriver, 'encodedToInform'> | undefined;
  }): Promise<{ results: RunResults; file: string }> {
    await this.recorder.close();
    const { run, summary } = args;
    const aborted = this.watch.failure;
    const thresholds = evaluateThresholds(this.opts.scenario.thresholds ?? [], args.metrics, run.durationMs).map((r) =>
      // It stopped the run: it stays failed even if the numbers recovered by the end (the run was cut short).
      aborted && r.expr === aborted.expr ? { ...aborted, message: `${aborted.message} (during the run: aborted it)` } : r,
    );
    const runFailures = runFailureLines(summary, run.shardFailures.map((f) => `shard ${f.shard} failed: ${f.message}`));
    const failures = outcomeFailures(thresholds, runFailures);
    const driver = args.connectionRequestDriver;
    const files = {
      junit: JUNIT_FILE,
      scenario: SCENARIO_FILE,
      ...this.recorder.files(),
      metrics: METRICS_FILE,
      ...(driver ? { referenceAcs: REFERENCE_ACS_FILE } : {}),
    };
    const results: RunResults = {
      ...summary,
      runId: this.opts.runId,
      drainS: Math.round(run.drainMs) / 1000,
      abortedAtShutdown: run.aborted,
      ...(run.pausedMs > 0 ? { pausedS: Math.round(run.pausedMs) / 1000 } : {}),
      ...(run.warmUp ? { warmUp: run.warmUp } : {}),
      thresholds,
      ...(aborted ? { abortedByThreshold: aborted.expr } : {}),
      passed: failures.length === 0,
      failures,
      files,
      ...(this.opts.shard ? { shard: { index: this.opts.shard.index, count: this.opts.shard.count } } : {}),
      scenarioFingerprint: scenarioFingerprint(this.opts.scenario),
      workerFailures: run.shardFailures.map((f) => `worker ${f.shard}: ${f.message}`),
    };
    await writeFile(join(this.opts.dir, METRICS_FILE), JSON.stringify(run.snapshots) + '\n');
    if (driver) await writeFile(join(this.opts.dir, REFERENCE_ACS_FILE), JSON.stringify(referenceAcsHistograms(driver)) + '\n');
    await writeFile(join(this.opts.dir, JUNIT_FILE), junitXml({ suite: summary.scenario, durationS: summary.durationS, results: thresholds, timestamp: summary.startedAt, runFailures, warnings: summary.warnings }));
    const file = join(this.opts.dir, SUMMARY_FILE);
    await writeFile(file, JSON.stringify(results, null, 2) + '\n');
    return { results, file };
  }
}
