import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readReportInputs, ReportInputError } from '../report/html-report-inputs.js';
import { renderHtmlReport } from '../report/html-report.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface ReportCommandArgs {
  /** A results folder (holding summary.json). */
  dir: string;
  /** The HTML file to write; default DIR/report.html. */
  out?: string | undefined;
}

/** `cpesim report DIR`: writes the self-contained HTML report and prints its path. */
export async function reportCommand(args: ReportCommandArgs): Promise<ExitCode> {
  const dir = resolve(args.dir);
  let inputs;
  try {
    inputs = await readReportInputs(dir);
  } catch (err) {
    // A folder that is not a results folder is a usage error, like a bad flag.
    if (err instanceof ReportInputError) {
      process.stderr.write(`cpesim: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  const file = args.out ? resolve(args.out) : join(dir, 'report.html');
  await writeFile(file, renderHtmlReport(inputs));
  process.stdout.write(`report: ${file}\n`);
  return EXIT.ok;
}
