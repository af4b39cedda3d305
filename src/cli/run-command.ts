import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { startReferenceAcs, type ReferenceAcs } from '../acs/server.js';
import type { AcsXmppSettings } from '../acs/xmpp-connection-request.js';
import { RunControl } from '../fleet/run-control.js';
import { AcsRequestsWithRun } from './acs-requests-with-run.js';
import { runFleet } from '../fleet/run-fleet.js';
import { mergeSnapshots } from '../metrics/merge.js';
import { MetricsServerError, PrometheusExporter, startMetricsServer, type MetricsServer } from '../metrics/prometheus.js';
import { RESULTS_DIR } from '../paths.js';
import { formatProgressLine, formatSummaryTable } from '../report/plain-text.js';
import { colorEnabled } from '../report/color.js';
import { RunOutputs } from '../report/run-outputs.js';
import { buildSummary } from '../report/summary.js';
import { defaultRunId } from '../report/write-results.js';
import { defaultScenario, loadScenarioFile } from '../scenario/load-scenario.js';
import { Tui } from '../ui/tui.js';
import type { Scenario } from '../scenario/scenario.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { applyRunFlags, type RunFlags } from './run-options.js';
import { parseShardFlag, parseStartAt } from './shard-flags.js';

export interface RunCommandArgs extends Omit<RunFlags, 'ca'> {
  scenario?: string | undefined;
  /** Path of a PEM CA file to trust for the ACS. */
  caFile?: string | undefined;
  /** tui: full-screen terminal UI; plain: a progress line per second on stderr; none: the summary only. */
  ui: 'tui' | 'plain' | 'none';
  out?: string | undefined;
  workers?: number | undefined;
  /** Serve Prometheus metrics on this port (0: a free one) while the run goes. */
  metricsPort?: number | undefined;
  /** Address the metrics endpoint binds to (default loopback: it has no authentication). */
  metricsHost?: string | undefined;
  /** `I/N`: run only machine shard I of N of the fleet (see README "Sharding across machines"). */
  shard?: string | undefined;
  /** ISO instant at which the fleet powers on (so machine shards start together). */
  startAt?: string | undefined;
  /** State file: the CPEs are restored from it when it exists and saved to it at the end (`--state`). */
  state?: string | undefined;
}


export async function runCommand(args: RunCommandArgs): Promise<ExitCode> {
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1)) {
    throw new ConfigError(`must be a whole number >= 1, got ${args.workers}`, { field: '--workers' });
  }
  const base = args.scenario ? await loadScenarioFile(resolve(args.scenario)) : await defaultScenario();
  const ca = args.caFile === undefined ? undefined : await readFile(resolve(args.caFile), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot read ${args.caFile}: ${err.code ?? err.message}`, { field: '--ca' });
  });
  const scenario = applyRunFlags(base, { ...args, ca });
  const machineShard = args.shard === undefined ? undefined : parseShardFlag(args.shard);
  const fleetSize = scenario.fleet.reduce((n, g) => n + g.count, 0);
  if (machineShard && machineShard.count > fleetSize) {
    throw new ConfigError(`${machineShard.count} shards for ${fleetSize} CPEs would leave a shard empty`, { field: '--shard' });
  }
  const startAtEpochMs = args.startAt === undefined ? undefined : parseStartAt(args.startAt, Date.now());
  const startedAt = new Date();
  const runId = defaultRunId(startedAt);
  const outDir = args.out ? resolve(args.out) : join(RESULTS_DIR, runId);
  if (args.metricsPort !== undefined && !(Number.isInteger(args.metricsPort) && args.metricsPort >= 0 && args.metricsPort <= 65535)) {
    throw new ConfigError(`must be a port number 0..65535, got ${args.metricsPort}`, { field: '--metrics-port' });
  }
  const exporter = args.metricsPort === undefined ? undefined : new PrometheusExporter({ shard: machineShard });
  const metricsServer = exporter ? await openMetricsServer(exporter, args.metricsPort!, args.metricsHost) : undefined;
  const color = colorEnabled(process.stderr);
  const control = new RunControl();
  let outputs: RunOutputs;
  try {
    outputs = await RunOutputs.open({
      dir: outDir,
      runId: args.out ? basename(outDir) : runId,
      scenario,
      shard: machineShard,
      exporter,
      onThresholdAbort: (result) => {
        if (args.ui !== 'tui') process.stderr.write(`cpesim: ${result.message}: aborting the run (abortOnFail)\n`);
        control.stop();
      },
    });
  } catch (err) {
    await metricsServer?.close();
    throw err;
  }

  const acs = scenario.acs.url
    ? undefined
    : await startEmbeddedAcs(scenario).catch(async (err: unknown) => {
        await metricsServer?.close();
        throw err;
      });
  const acsUrl = scenario.acs.url ?? acs!.url;
  const acsRequests = acs?.connectionRequestDriver ? new AcsRequestsWithRun(acs.connectionRequestDriver, scenario.durationMs, control) : undefined;
  // SIGINT/SIGTERM: stop scheduling; running sessions get the grace period; the results are written.
  const onSignal = () => control.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The TUI owns the terminal until the run ends; a second Ctrl-C in it kills the process like a second SIGINT does.
  const tui = args.ui === 'tui'
    ? new Tui({
        control,
        title: `${scenario.name}: ${scenario.fleet.map((g) => `${g.count}x ${g.profile}`).join(', ')} -> ${acsUrl}`,
        onKill: () => {
          process.off('SIGINT', onSignal);
          process.kill(process.pid, 'SIGINT');
        },
      })
    : undefined;
  try {
    if (args.ui === 'plain') {
      process.stderr.write(`cpesim: ${scenario.fleet.map((g) => `${g.count}x ${g.profile}`).join(', ')} -> ${acsUrl}` +
        `${acs ? ' (built-in reference ACS)' : ''} for ${scenario.durationMs / 1000}s` +
        `${machineShard ? ` (shard ${machineShard.index}/${machineShard.count})` : ''}` +
        `${startAtEpochMs !== undefined ? ` starting at ${new Date(startAtEpochMs).toISOString()}` : ''}\n`);
    }
    if (metricsServer && args.ui !== 'tui') process.stderr.write(`cpesim: Prometheus metrics at ${metricsServer.url}\n`);
    const run = await runFleet(scenario, {
      acs: {
        url: acsUrl,
        username: scenario.acs.username,
        password: scenario.acs.password,
        insecure: scenario.acs.insecure,
        ca: scenario.acs.ca,
        requestTimeoutMs: scenario.acs.requestTimeoutMs,
      },
      workers: args.workers,
      machineShard,
      startAtEpochMs,
      stateFile: args.state === undefined ? scenario.stateFile : resolve(args.state),
      // Always on: the results (time series, interval logs), Prometheus and abortOnFail need every sample, whatever the UI.
      onProgress: (s) => {
        outputs.onProgress(s);
        acsRequests?.onProgress(s);
        if (tui) tui.update(s);
        else if (args.ui === 'plain') process.stderr.write(formatProgressLine(s, { color }) + '\n');
      },
      control,
    });
    // The fleet is done: the built-in ACS's connection requests have stopped (their numbers go to the summary).
    await acsRequests?.stop();
    const metrics = mergeSnapshots(run.snapshots);
    const summary = buildSummary({
      scenario: scenario.name,
      startedAt,
      acsUrl,
      cpes: run.cpes,
      // The scheduled run time: sessions/s is over the time sessions were being scheduled, not the drain.
      durationMs: run.durationMs,
      metrics,
      ...(acs?.connectionRequestDriver ? { referenceAcs: { connectionRequests: acs.connectionRequestDriver.report() } } : {}),
      hostCpu: run.hostCpu,
    });
    tui?.destroy();
    const { results, file } = await outputs.finish({ summary, metrics, run, connectionRequestDriver: acs?.connectionRequestDriver });
    process.stdout.write(formatSummaryTable(results, file, { color: colorEnabled(process.stdout) }) + '\n');
    if (run.aborted > 0) {
      process.stderr.write(`cpesim: ${run.aborted} session(s) still running after the grace period were aborted (counted as failed: timeout)\n`);
    }
    if (run.state) {
      const { file, restored, saved, problem } = run.state;
      process.stderr.write(`cpesim: state ${file}: ${restored} CPE(s) restored, ${saved === undefined ? `not saved (${problem})` : `${saved} saved`}\n`);
    }
    for (const failure of run.shardFailures) {
      process.stderr.write(`cpesim: shard ${failure.shard} failed: ${failure.message} (the results include its last streamed metrics)\n`);
    }
    if (results.passed) return EXIT.ok;
    process.stderr.write(`cpesim: the run failed: ${results.failures.join('; ')}\n`);
    return EXIT.runFailed;
  } finally {
    tui?.destroy();
    await acsRequests?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await acs?.close();
    await metricsServer?.close();
  }
}

/** A port that cannot be opened is a usage error: nothing has run yet. */
async function openMetricsServer(exporter: PrometheusExporter, port: number, host: string | undefined): Promise<MetricsServer> {
  try {
    return await startMetricsServer(exporter, { port, host });
  } catch (err) {
    if (err instanceof MetricsServerError) throw new ConfigError(err.message, { field: '--metrics-port' });
    throw err;
  }
}

function startEmbeddedAcs(scenario: Scenario): Promise<ReferenceAcs> {
  return startReferenceAcs({
    host: '127.0.0.1',
    port: 0,
    provision: scenario.referenceAcs.provision
      ? {
          connectionRequestUsername: 'cpesim-{serial}',
          connectionRequestPassword: 'cpesim',
          periodicInformInterval: Math.max(1, Math.round(scenario.schedule.periodicIntervalS ?? 300)),
        }
      : false,
    maxConcurrentSessions: scenario.referenceAcs.maxConcurrentSessions,
    auth: scenario.acs.username !== undefined && scenario.acs.password !== undefined
      ? { scheme: 'digest', username: scenario.acs.username, password: scenario.acs.password }
      : undefined,
    connectionRequests: scenario.referenceAcs.connectionRequests,
    xmpp: embeddedAcsXmpp(scenario),
  });
}

/** The built-in ACS's XMPP account: `referenceAcs.xmpp` on the CPEs' server and domain (`connectionRequests.xmpp`). */
function embeddedAcsXmpp(scenario: Scenario): AcsXmppSettings | undefined {
  const account = scenario.referenceAcs.xmpp;
  const server = scenario.connectionRequests?.xmpp;
  if (!account || !server) return undefined;
  return { host: server.host, port: server.port, domain: server.domain, username: account.username, password: account.password, resource: account.resource };
}
