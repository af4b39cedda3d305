import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './summary.js';

/** Writes a run's machine-readable results into `dir` (created if needed); returns the summary path. */
export async function writeResults(dir: string, summary: RunSummary): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'summary.json');
  await writeFile(file, JSON.stringify(summary, null, 2) + '\n');
  return file;
}

/** results/<UTC timestamp>: sortable, one folder per run. */
export function defaultRunId(now: Date): string {
  return now.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
}
