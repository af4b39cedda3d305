#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError } from '../errors.js';
import { acsCommand } from './acs-command.js';
import { compareCommand } from './compare-command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { mergeCommand } from './merge-command.js';
import { registerProfileCommand } from './profile-command-args.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';

async function main(argv: string[]): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok;
  await yargs(argv)
    .scriptName('cpesim')
    .strict()
    .demandCommand(1, 'name a command: run, merge, compare, report, acs or profile')
    .command(
      'run [scenario]',
      'run a fleet of virtual CPEs against an ACS (the built-in reference ACS when --acs is not given)',
      (y) =>
        y
          .positional('scenario', { type: 'string', describe: 'scenario YAML file' })
          .option('acs', { type: 'string', describe: 'ACS URL (default: start the reference ACS on loopback)' })
          .option('cpes', { type: 'number', describe: 'number of CPEs (spread over the scenario groups)' })
          .option('profile', { type: 'string', describe: 'device profile NAME (profiles/NAME.yaml) or PATH for all CPEs' })
          .option('duration', { type: 'string', describe: 'run time, e.g. 90s, 5m' })
          .option('interval', { type: 'number', describe: 'PeriodicInformInterval in seconds' })
          .option('acs-username', { type: 'string', describe: 'username for HTTP Basic/Digest auth to the ACS' })
          .option('acs-password', { type: 'string', describe: 'password for HTTP Basic/Digest auth to the ACS' })
          .option('insecure', { type: 'boolean', describe: 'accept any TLS certificate from the ACS' })
          .option('ca', { type: 'string', describe: 'PEM file of a CA to trust for the ACS certificate' })
          .option('seed', { type: 'number', describe: 'seed for the schedule randomness and the random quirks' })
          .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
          .option('grace', { type: 'string', describe: 'after the run (or SIGINT/SIGTERM), time running sessions get to finish (default 10s)' })
          .option('cr-host', { type: 'string', describe: 'address the CPEs\' connection-request listeners bind to and advertise (default 127.0.0.1)' })
          .option('source-ips', { type: 'string', describe: 'local source IPs for the CPEs, e.g. 127.0.0.2-127.0.0.50 (comma-separated)' })
          .option('ui', { choices: ['tui', 'plain', 'none'] as const, describe: 'progress output (default: tui when stdout is a terminal, else plain)' })
          .option('out', { type: 'string', describe: 'results folder (default results/<timestamp>/)' })
          .option('threshold', { type: 'string', array: true, describe: 'pass/fail criterion, e.g. "session.p99 < 500ms", or "PROFILE: EXPR" for one fleet profile (repeatable; adds to the scenario\'s)' })
          .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics on this port (0: any free port) during the run' })
          .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'address the metrics endpoint binds to' })
          .option('shard', { type: 'string', describe: 'run only machine shard I/N of the fleet (0-based, e.g. 0/2); merge the results with `cpesim merge`' })
          .option('start-at', { type: 'string', describe: 'ISO time with a zone at which the fleet powers on (aligns the shards\' ramps)' })
          .option('state', { type: 'string', describe: 'state FILE: restore the CPEs from it when it exists, save them to it at the end' }),
      async (a) => {
        exit = await runCommand({
          thresholds: a.threshold,
          metricsPort: a['metrics-port'],
          metricsHost: a['metrics-host'],
          scenario: a.scenario,
          acs: a.acs,
          cpes: a.cpes,
          profile: a.profile,
          duration: a.duration,
          interval: a.interval,
          acsUsername: a['acs-username'],
          acsPassword: a['acs-password'],
          insecure: a.insecure,
          caFile: a.ca,
          seed: a.seed,
          workers: a.workers,
          grace: a.grace,
          sourceIps: a['source-ips'],
          crHost: a['cr-host'],
          ui: a.ui ?? (process.stdout.isTTY ? 'tui' : 'plain'),
          out: a.out,
          shard: a.shard,
          startAt: a['start-at'],
          state: a.state,
        });
      },
    )
    .command(
      'report <dir>',
      'write a self-contained HTML report (DIR/report.html) from a results folder',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'results folder (holding summary.json)' })
          .option('out', { type: 'string', describe: 'HTML file to write (default DIR/report.html)' }),
      async (a) => {
        exit = await reportCommand({ dir: a.dir, out: a.out });
      },
    )
    .command(
      'merge <dirs..>',
      'merge the results folders of the machine shards of one run (`run --shard I/N`) into one result; exit as for run',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'the shards\' results folders' })
          .option('out', { type: 'string', demandOption: true, describe: 'results folder to write the merged result to' }),
      async (a) => {
        exit = await mergeCommand({ dirs: a.dirs, out: a.out });
      },
    )
    .command(
      'compare <base> <candidate>',
      'compare two runs (results folders or summary.json files); exit 1 when the candidate regressed',
      (y) =>
        y
          .positional('base', { type: 'string', demandOption: true, describe: 'the reference run' })
          .positional('candidate', { type: 'string', demandOption: true, describe: 'the run to check' })
          .option('latency-tolerance', { type: 'string', describe: 'allowed latency increase per percentile (default 10%)' })
          .option('min-latency-delta', { type: 'string', describe: 'latency increases below this are noise (default 1ms)' })
          .option('throughput-tolerance', { type: 'string', describe: 'allowed drop of sessions per second (default 10%)' })
          .option('error-rate-tolerance', { type: 'string', describe: 'allowed rise of the failed-session ratio (default 0.1%)' })
          .option('metrics', { type: 'string', describe: 'latency metrics to compare, comma-separated (default: all both runs have)' }),
      async (a) => {
        exit = await compareCommand({
          base: a.base,
          candidate: a.candidate,
          latencyTolerance: a['latency-tolerance'],
          minLatencyDelta: a['min-latency-delta'],
          throughputTolerance: a['throughput-tolerance'],
          errorRateTolerance: a['error-rate-tolerance'],
          metrics: a.metrics,
        });
      },
    )
    .command(
      'acs',
      'run the built-in reference ACS (a test peer)',
      (y) =>
        y
          .option('port', { type: 'number', default: 7547 })
          .option('host', { type: 'string', default: '127.0.0.1' })
          .option('auth', { choices: ['none', 'basic', 'digest'] as const, default: 'none' as const })
          .option('username', { type: 'string' })
          .option('password', { type: 'string' })
          .option('max-sessions', { type: 'number', describe: 'answer 503 + Retry-After above this many concurrent sessions' })
          .option('provision', { type: 'boolean', default: true, describe: 'provision CPEs on BOOTSTRAP' })
          .option('periodic-interval', { type: 'number', default: 300 })
          .option('cr-rate', { type: 'string', describe: 'send connection requests at this rate (2/s, 30/m) to the devices that informed' })
          .option('cr-transport', { type: 'string', describe: 'http (default), udp, xmpp, or weights like http:3,udp:1' })
          .option('cr-select', { choices: ['roundRobin', 'random'] as const, describe: 'how devices are chosen (default roundRobin)' })
          .option('cr-start-after', { type: 'string', describe: 'delay before the first connection request (default 0)' })
          .option('cr-max-in-flight', { type: 'number', describe: 'skip a request due while this many are unfinished (default 100)' })
          .option('cr-timeout', { type: 'string', describe: 'per HTTP request / XMPP answer (default 10s)' })
          .option('cr-seed', { type: 'number', describe: 'seed of the random choices (default 1)' })
          .option('xmpp-server', { type: 'string', describe: 'XMPP server host:port for XMPP connection requests' })
          .option('xmpp-domain', { type: 'string', describe: 'XMPP domain of the ACS\'s account' })
          .option('xmpp-username', { type: 'string', describe: 'the ACS\'s XMPP username' })
          .option('xmpp-password', { type: 'string', describe: 'the ACS\'s XMPP password' }),
      async (a) => {
        exit = await acsCommand({
          port: a.port,
          host: a.host,
          auth: a.auth,
          username: a.username,
          password: a.password,
          maxSessions: a['max-sessions'],
          provision: a.provision,
          periodicInterval: a['periodic-interval'],
          crRate: a['cr-rate'],
          crTransport: a['cr-transport'],
          crSelect: a['cr-select'],
          crStartAfter: a['cr-start-after'],
          crMaxInFlight: a['cr-max-in-flight'],
          crTimeout: a['cr-timeout'],
          crSeed: a['cr-seed'],
          xmppServer: a['xmpp-server'],
          xmppDomain: a['xmpp-domain'],
          xmppUsername: a['xmpp-username'],
          xmppPassword: a['xmpp-password'],
        });
      },
    )
    .command(registerProfileCommand((code) => (exit = code)))
    .fail((message, error) => {
      throw error ?? new ConfigError(message);
    })
    .help()
    .parseAsync();
  return exit;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`cpesim: ${err.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`cpesim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT.runFailed;
    }
  },
);
