import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { startReferenceAcs, type ReferenceAcs } from '../acs/server.js';
import { RunControl } from '../fleet/run-control.js';
import { runFleet } from '../fleet/run-fleet.js';
import { mergeSnapshots } from '../metrics/merge.js';
import { RESULTS_DIR } from '../paths.js';
import { formatProgressLine, formatSummaryTable } from '../report/plain-text.js';
import { buildSummary, type RunSummary } from '../report/summary.js';
import { defaultRunId, writeResults } from '../report/write-results.js';
import { defaultScenario, loadScenarioFile } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { applyRunFlags, type RunFlags } from './run-options.js';

export interface RunCommandArgs extends Omit<RunFlags, 'ca'> {
  scenario?: string | undefined;
  /** Path of a PEM CA file to trust for the ACS. */
  caFile?: string | undefined;
  ui: 'plain' | 'none';
  out?: string | undefined;
  workers?: number | undefined;
}

/** What summary.json says about the end of the run beside RunSummary. */
interface RunShutdown {
  /** Stop of scheduling → last running session ended or was aborted (seconds). */
  drainS: number;
  /** Sessions still running when the grace period ended (also counted in sessions.failed and errors.timeout). */
  abortedAtShutdown: number;
  /** Time the run was paused (seconds), when it was. */
  pausedS?: number;
}

/** Placeholder base for ConnectionRequestURL until CPEs listen for connection requests. */
const CONNECTION_REQUEST_BASE = 'http://127.0.0.1:7548/cpe/';

export async function runCommand(args: RunCommandArgs): Promise<ExitCode> {
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1)) {
    throw new ConfigError(`must be a whole number >= 1, got ${args.workers}`, { field: '--workers' });
  }
  const base = args.scenario ? await loadScenarioFile(resolve(args.scenario)) : await defaultScenario();
  const ca = args.caFile === undefined ? undefined : await readFile(resolve(args.caFile), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot read ${args.caFile}: ${err.code ?? err.message}`, { field: '--ca' });
  });
  const scenario = applyRunFlags(base, { ...args, ca });
  const startedAt = new Date();
  const outDir = args.out ? resolve(args.out) : join(RESULTS_DIR, defaultRunId(startedAt));

  const acs = scenario.acs.url ? undefined : await startEmbeddedAcs(scenario);
  const acsUrl = scenario.acs.url ?? acs!.url;
  // SIGINT/SIGTERM: stop scheduling; running sessions get the grace period; the results are written.
  const control = new RunControl();
  const onSignal = () => control.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (args.ui === 'plain') {
      process.stderr.write(`cpesim: ${scenario.fleet.map((g) => `${g.count}x ${g.profile}`).join(', ')} -> ${acsUrl}` +
        `${acs ? ' (built-in reference ACS)' : ''} for ${scenario.durationMs / 1000}s\n`);
    }
    const run = await runFleet(scenario, {
      acs: {
        url: acsUrl,
        username: scenario.acs.username,
        password: scenario.acs.password,
        insecure: scenario.acs.insecure,
        ca: scenario.acs.ca,
        requestTimeoutMs: scenario.acs.requestTimeoutMs,
      },
      connectionRequestBaseUrl: CONNECTION_REQUEST_BASE,
      workers: args.workers,
      onProgress: args.ui === 'plain' ? (s) => process.stderr.write(formatProgressLine(s) + '\n') : undefined,
      control,
    });
    const summary = buildSummary({
      scenario: scenario.name,
      startedAt,
      acsUrl,
      cpes: run.cpes,
      // The scheduled run time: sessions/s is over the time sessions were being scheduled, not the drain.
      durationMs: run.durationMs,
      metrics: mergeSnapshots(run.snapshots),
    });
    // drainS and abortedAtShutdown extend summary.json here (report/summary.ts belongs to the metrics side).
    const results: RunSummary & RunShutdown = { ...summary, drainS: Math.round(run.drainMs) / 1000, abortedAtShutdown: run.aborted };
    if (run.pausedMs > 0) results.pausedS = Math.round(run.pausedMs) / 1000;
    const file = await writeResults(outDir, results);
    process.stdout.write(formatSummaryTable(summary, file) + '\n');
    if (run.aborted > 0) {
      process.stderr.write(`cpesim: ${run.aborted} session(s) still running after the grace period were aborted (counted as failed: timeout)\n`);
    }
    for (const failure of run.shardFailures) {
      process.stderr.write(`cpesim: shard ${failure.shard} failed: ${failure.message} (the results include its last streamed metrics)\n`);
    }
    if (run.shardFailures.length > 0) return EXIT.runFailed;
    if (summary.sessions.completed === 0) {
      process.stderr.write('cpesim: no session completed: the run failed\n');
      return EXIT.runFailed;
    }
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await acs?.close();
  }
}

function startEmbeddedAcs(scenario: Scenario): Promise<ReferenceAcs> {
  return startReferenceAcs({
    host: '127.0.0.1',
    port: 0,
    provision: scenario.referenceAcs.provision
      ? {
          connectionRequestUsername: 'cpesim',
          connectionRequestPassword: 'cpesim',
          periodicInformInterval: Math.max(1, Math.round(scenario.schedule.periodicIntervalS ?? 300)),
        }
      : false,
    maxConcurrentSessions: scenario.referenceAcs.maxConcurrentSessions,
    auth: scenario.acs.username !== undefined && scenario.acs.password !== undefined
      ? { scheme: 'digest', username: scenario.acs.username, password: scenario.acs.password }
      : undefined,
  });
}
