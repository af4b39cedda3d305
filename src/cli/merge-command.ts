import { basename, join, resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { colorEnabled } from '../report/color.js';
import { readReportInputs } from '../report/html-report-inputs.js';
import { renderHtmlReport } from '../report/html-report.js';
import { MergeInputError, mergeResults } from '../report/merge-results.js';
import { formatSummaryTable } from '../report/plain-text.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface MergeCommandArgs {
  /** The shards' results folders. */
  dirs: string[];
  /** The merged results folder. */
  out: string;
}

/** `cpesim merge DIR... --out DIR`: exit 0/1 on the merged verdict like run; 2 when the shards do not make one run. */
export async function mergeCommand(args: MergeCommandArgs): Promise<ExitCode> {
  const out = resolve(args.out);
  let merged;
  try {
    merged = await mergeResults(args.dirs.map((d) => resolve(d)), out, basename(out));
  } catch (err) {
    if (err instanceof MergeInputError) {
      process.stderr.write(`cpesim: cannot merge: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  await writeFile(join(out, 'report.html'), renderHtmlReport(await readReportInputs(out)));
  const { results, file } = merged;
  process.stdout.write(formatSummaryTable(results, file, { color: colorEnabled(process.stdout) }) + '\n');
  if (results.passed) return EXIT.ok;
  process.stderr.write(`cpesim: the merged run failed: ${results.failures.join('; ')}\n`);
  return EXIT.runFailed;
}
