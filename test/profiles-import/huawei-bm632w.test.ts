/**
 * The shipped real-device profile cannot drift from its source: profiles/huawei-bm632w.yaml is exactly a fresh import of
 * the committed genieacs-sim CSV followed by hand-kept comments and its `quirks:` map, and the import report beside it
 * is the importer's report for that CSV.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PROFILES_DIR } from '../../src/paths.js';
import { formatImportReport, importDump } from '../../src/profiles-import/import-dump.js';

const SOURCES = join(PROFILES_DIR, 'sources');
const CSV = join(SOURCES, 'data_model_202BC1-BM632w-8KA8WA1151100043.csv');

test('the committed BM632w CSV is the whole genieacs-sim file: 1,117 rows after the header, 113,270 characters', async () => {
  const text = await readFile(CSV, 'utf8');
  assert.equal(text.length, 113_270, 'the size recorded in profiles/sources/README.md');
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines.length, 1118);
  assert.equal(lines[0], 'Parameter,Object,Writable,Value,Value type');
  // No cell of this file is quoted across lines, so a plain comma count (outside quotes) checks the columns.
  const columns = (line: string) => line.replace(/"[^"]*"/g, '').split(',').length;
  assert.deepEqual(lines.map((l, k) => [k + 1, columns(l)]).filter(([, n]) => n !== 5), [[667, 6], [668, 4], [725, 3]], 'the three hand-edited rows the importer repairs');
});

test('profiles/huawei-bm632w.yaml = a fresh import of the committed CSV + hand-kept comments and quirks', async () => {
  const r = await importDump([CSV], { name: 'huawei-bm632w' });
  const committed = await readFile(join(PROFILES_DIR, 'huawei-bm632w.yaml'), 'utf8');
  assert.ok(committed.startsWith(r.yaml), 'the generated part differs from a fresh import: re-run the command in profiles/sources/README.md');
  const handKept = committed.slice(r.yaml.length);
  assert.ok(handKept.split('\n').every((l) => l === '' || l.startsWith('#') || l.startsWith('quirks:') || l.startsWith('  ')), handKept);
  const quirks = (parse(handKept) as { quirks: Record<string, { paths?: string[] }> }).quirks;
  assert.deepEqual(Object.keys(parse(handKept) as object), ['quirks'], 'only comments and the quirks map are hand-kept');
  const paths = new Set(Object.keys((parse(r.yaml) as { parameters: object }).parameters));
  for (const [name, q] of Object.entries(quirks)) for (const p of q.paths ?? []) assert.ok(paths.has(p), `quirk ${name}: ${p} is in the profile`);
  assert.ok(r.parameterCount > 500, `${r.parameterCount} parameters`);
  const report = await readFile(join(SOURCES, 'huawei-bm632w.import-report.txt'), 'utf8');
  assert.equal(report.slice(report.indexOf('\n') + 1).trimEnd(), formatImportReport(r.report), 'the committed import report is the importer\'s');
});
