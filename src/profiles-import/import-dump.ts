/**
 * `cpesim profile import`: reads device dump files (the format from the extension or given), builds a profile and
 * checks that it loads, so what is written is always a profile cpesim runs.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { compileProfileText } from '../datamodel/profile-loader.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { buildImportedProfile, ImportFailure, type ImportedProfile } from './build-profile.js';
import { parseCsvDump } from './csv-dump.js';
import type { Dump, DumpFormat } from './dump.js';
import { parseGenieAcsDump } from './genieacs-dump.js';
import { parseSoapDump } from './soap-dump.js';

export const DUMP_FORMATS: readonly DumpFormat[] = ['csv', 'soap', 'genieacs'];

/** csv ← .csv, genieacs ← .json, soap ← .xml / .soap. */
export function formatOf(file: string): DumpFormat | undefined {
  return ({ '.csv': 'csv', '.json': 'genieacs', '.xml': 'soap', '.soap': 'soap' } as const)[extname(file).toLowerCase() as '.csv'];
}

export async function importDump(files: readonly string[], opts: { format?: DumpFormat; name?: string } = {}): Promise<ImportedProfile & { profile: CompiledProfile }> {
  if (files.length === 0) throw new ConfigError('name at least one dump file');
  const format = opts.format ?? formatOf(files[0]!);
  if (!format) throw new ConfigError(`cannot tell the format of ${files[0]} from its extension: give --format (${DUMP_FORMATS.join(', ')})`, { field: '--format' });
  if (format !== 'soap' && files.length > 1) throw new ConfigError(`a ${format} dump is one file (only SOAP dumps may come as several: names + values)`);
  const inputs = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, text: await readFile(file, 'utf8') };
      } catch (err) {
        throw new ConfigError(`cannot read dump: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
      }
    }),
  );
  const dump: Dump = format === 'csv' ? parseCsvDump(inputs[0]!.text, inputs[0]!.file) : format === 'genieacs' ? parseGenieAcsDump(inputs[0]!.text, inputs[0]!.file) : parseSoapDump(inputs);
  let imported: ImportedProfile;
  try {
    imported = buildImportedProfile(dump, { name: opts.name });
  } catch (err) {
    if (err instanceof ImportFailure) throw new ConfigError(err.message, { file: files[0] });
    throw err;
  }
  // Loaded like any profile: a dump the builder could not turn into a valid profile is an error here, not at run time.
  const profile = compileProfileText(imported.yaml, resolve(`${imported.name}.yaml`));
  return { ...imported, profile };
}

/** The report as text: one line per item, grouped by kind. */
export function formatImportReport(report: ImportedProfile['report']): string {
  const order = ['format', 'deviceId', 'template', 'type', 'writable', 'instances', 'hidden', 'added', 'value', 'skipped'] as const;
  const lines: string[] = [];
  for (const kind of order) {
    const items = report.filter((r) => r.kind === kind);
    if (items.length === 0) continue;
    lines.push(`${kind} (${items.length}):`);
    for (const item of items) lines.push(`  ${item.message}`);
  }
  return lines.join('\n');
}
