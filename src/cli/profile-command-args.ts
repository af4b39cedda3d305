/** yargs wiring of `cpesim profile ...` (kept out of main.ts so the command list there stays one line per command). */
import type { Argv, CommandModule } from 'yargs';
import { DUMP_FORMATS } from '../profiles-import/import-dump.js';
import type { ExitCode } from './exit-codes.js';
import { profileImport, profileList, profileShow, profileValidate } from './profile-command.js';

export function registerProfileCommand(setExit: (code: ExitCode) => void): CommandModule {
  return {
    command: 'profile',
    describe: 'device profiles: list the shipped ones, show or validate one, import one from a device dump',
    builder: (y: Argv) =>
      y
        .command('list', 'the shipped profiles (name, root, CWMP version, parameters, description)', {}, async () => {
          setExit(await profileList());
        })
        .command(
          'show <profile>',
          'a profile\'s summary: deviceId, sizes, extends chain, quirks, top objects',
          (a) =>
            a
              .positional('profile', { type: 'string', demandOption: true, describe: 'NAME (profiles/NAME.yaml) or PATH' })
              .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' }),
          async (a) => {
            setExit(await profileShow(a.profile, { json: a.json }));
          },
        )
        .command(
          'validate <profile>',
          'load and compile a profile (with its extends chain); exit 0 when valid, 2 with file, line and field when not',
          (a) => a.positional('profile', { type: 'string', demandOption: true, describe: 'PATH or NAME' }),
          async (a) => {
            setExit(await profileValidate(a.profile));
          },
        )
        .command(
          'import <files..>',
          'build a profile from a device dump: genieacs-sim CSV, GetParameterNames/Values SOAP responses, or a GenieACS device JSON export',
          (a) =>
            a
              .positional('files', { type: 'string', array: true, demandOption: true, describe: 'dump file(s): one CSV or JSON, or SOAP XML (names and values)' })
              .option('format', { choices: DUMP_FORMATS, describe: 'dump format (default: from the extension: .csv, .xml, .json)' })
              .option('name', { type: 'string', describe: 'profile name (default: from the manufacturer and product class)' })
              .option('out', { type: 'string', describe: 'YAML file to write (default: stdout); the report goes to stderr' }),
          async (a) => {
            setExit(await profileImport(a.files, { format: a.format, name: a.name, out: a.out }));
          },
        )
        .demandCommand(1, 'name a profile command: list, show, validate or import'),
    handler: () => {},
  };
}
