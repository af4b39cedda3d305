#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError } from '../errors.js';
import { acsCommand } from './acs-command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { runCommand } from './run-command.js';

async function main(argv: string[]): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok;
  await yargs(argv)
    .scriptName('cpesim')
    .strict()
    .demandCommand(1, 'name a command: run or acs')
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
          .option('seed', { type: 'number', describe: 'seed for the schedule randomness' })
          .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
          .option('grace', { type: 'string', describe: 'after the run (or SIGINT/SIGTERM), time running sessions get to finish (default 10s)' })
          .option('source-ips', { type: 'string', describe: 'local source IPs for the CPEs, e.g. 127.0.0.2-127.0.0.50 (comma-separated)' })
          .option('ui', { choices: ['plain', 'none'] as const, default: 'plain' as const, describe: 'progress output' })
          .option('out', { type: 'string', describe: 'results folder (default results/<timestamp>/)' }),
      async (a) => {
        exit = await runCommand({
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
          ui: a.ui,
          out: a.out,
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
          .option('periodic-interval', { type: 'number', default: 300 }),
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
        });
      },
    )
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
