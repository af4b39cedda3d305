/**
 * `cpesim profile list | show NAME | validate PATH | import FILE...`: the device profiles seen from the command
 * line. Every profile is loaded exactly as a run loads it (extends chain merged, compiled), so what these commands
 * say is what a run would do.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompiledProfile, ObjectNode } from '../datamodel/compiled-profile.js';
import { inspectProfile } from '../datamodel/profile-loader.js';
import type { LayeredProfile } from '../datamodel/profile-layers.js';
import { ConfigError } from '../errors.js';
import { PROFILES_DIR } from '../paths.js';
import type { DumpFormat } from '../profiles-import/dump.js';
import { formatImportReport, importDump } from '../profiles-import/import-dump.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { activeQuirks, quirkCatalogue } from '../quirks/catalogue.js';

export interface ProfileCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  profilesDir?: string;
}

const STDIO: ProfileCommandIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** What `profile show` reports (also its --json output). */
export interface ProfileSummary {
  name: string;
  file: string;
  description: string | undefined;
  root: string;
  cwmpVersion: string;
  deviceId: Record<string, string>;
  parameters: number;
  objects: number;
  tables: number;
  forcedInform: string[];
  /** Profile names along the extends chain, the deepest base first, this profile last. */
  extends: string[];
  /** The vendor quirks the profile turns on (catalogue order), with the catalogue's description. */
  quirks: { name: string; description: string }[];
  /** The root's direct children: name, parameters below it, tables below it. */
  topObjects: { name: string; parameters: number; tables: number }[];
}

export function summarizeProfile(profile: CompiledProfile, layers: LayeredProfile): ProfileSummary {
  const counts = countTree(profile.rootNode);
  const descriptions = new Map(quirkCatalogue().map((q) => [q.name, q.description]));
  const quirks = activeQuirks(profile.quirks).map((name) => ({ name, description: descriptions.get(name) ?? '' }));
  return {
    name: profile.name,
    file: profile.file,
    description: profile.description,
    root: profile.root,
    cwmpVersion: `cwmp-1-${profile.cwmpVersion}`,
    deviceId: { ...layers.raw.deviceId },
    parameters: profile.parameterCount,
    objects: counts.objects,
    tables: counts.tables,
    forcedInform: profile.forcedInform.map((f) => f.param.genericPath),
    extends: layers.names,
    quirks,
    topObjects: profile.rootNode.children
      .filter((c): c is ObjectNode => c.kind === 'object')
      .map((c) => ({ name: c.name, ...pick(countTree(c)) })),
  };
}

function pick(c: { parameters: number; tables: number }) {
  return { parameters: c.parameters, tables: c.tables };
}

function countTree(node: ObjectNode): { objects: number; tables: number; parameters: number } {
  const out = { objects: 0, tables: 0, parameters: 0 };
  for (const child of node.children) {
    if (child.kind === 'param') {
      out.parameters++;
      continue;
    }
    const below = countTree(child);
    out.objects += 1 + below.objects;
    out.tables += (child.table ? 1 : 0) + below.tables;
    out.parameters += below.parameters;
  }
  return out;
}

/** Runs `fn`, turning a ConfigError into its message on stderr and exit code 2. */
async function guarded(io: ProfileCommandIo, fn: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`cpesim: ${err.message}\n`);
    return EXIT.usage;
  }
}

/** The shipped profiles: one line each; a profile that does not load is listed with its error and makes the exit 2. */
export async function profileList(io: ProfileCommandIo = STDIO): Promise<ExitCode> {
  const dir = io.profilesDir ?? PROFILES_DIR;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const rows: string[][] = [['NAME', 'ROOT', 'CWMP', 'PARAMS', 'DESCRIPTION']];
  let exit: ExitCode = EXIT.ok;
  for (const f of files) {
    try {
      const { profile } = await inspectProfile(join(dir, f), { profilesDir: dir });
      rows.push([f.slice(0, -'.yaml'.length), profile.root, `1-${profile.cwmpVersion}`, String(profile.parameterCount), profile.description ?? '']);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      rows.push([f.slice(0, -'.yaml'.length), '-', '-', '-', `ERROR ${err.message}`]);
      exit = EXIT.usage;
    }
  }
  io.out(table(rows));
  return exit;
}

export function profileShow(nameOrPath: string, opts: { json?: boolean }, io: ProfileCommandIo = STDIO): Promise<ExitCode> {
  return guarded(io, async () => {
    const { profile, layers } = await inspectProfile(nameOrPath, { profilesDir: io.profilesDir });
    const s = summarizeProfile(profile, layers);
    if (opts.json) {
      io.out(JSON.stringify(s, null, 2) + '\n');
      return EXIT.ok;
    }
    const lines = [
      `profile      ${s.name}  (${s.file})`,
      `description  ${s.description ?? ''}`,
      `root         ${s.root}.  ${s.cwmpVersion}`,
      `deviceId     ${Object.entries(s.deviceId).map(([k, v]) => `${k}=${v}`).join('  ')}`,
      `extends      ${s.extends.length > 1 ? [...s.extends].reverse().join(' → ') : '(none)'}`,
      `size         ${s.parameters} parameters, ${s.objects} objects (${s.tables} tables)`,
      `forced       ${s.forcedInform.length} parameters in every Inform`,
      `quirks       ${s.quirks.length > 0 ? '' : '(none)'}`,
      ...s.quirks.map((q) => `  ${q.name.padEnd(26)} ${q.description}`),
      'top objects:',
      ...s.topObjects.map((o) => `  ${o.name.padEnd(28)} ${String(o.parameters).padStart(5)} parameters  ${String(o.tables).padStart(3)} tables`),
    ];
    io.out(lines.join('\n') + '\n');
    return EXIT.ok;
  });
}

export function profileValidate(nameOrPath: string, io: ProfileCommandIo = STDIO): Promise<ExitCode> {
  return guarded(io, async () => {
    const { profile, layers } = await inspectProfile(nameOrPath, { profilesDir: io.profilesDir });
    const chain = layers.names.length > 1 ? `, extends ${layers.names.slice(0, -1).reverse().join(' → ')}` : '';
    io.out(`${profile.file}: OK: profile ${profile.name}, ${profile.parameterCount} parameters${chain}\n`);
    return EXIT.ok;
  });
}

export function profileImport(
  files: string[],
  opts: { format?: DumpFormat; name?: string; out?: string },
  io: ProfileCommandIo = STDIO,
): Promise<ExitCode> {
  return guarded(io, async () => {
    const imported = await importDump(files, { format: opts.format, name: opts.name });
    if (opts.out) await writeFile(opts.out, imported.yaml);
    else io.out(imported.yaml);
    io.err(`imported profile ${imported.name}: ${imported.profile.parameterCount} parameters${opts.out ? ` → ${opts.out}` : ''}\n`);
    io.err(`${formatImportReport(imported.report)}\n`);
    return EXIT.ok;
  });
}

/** Left-aligned columns; the last column is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => r.map((cell, k) => (k === r.length - 1 ? cell : cell.padEnd(widths[k]!))).join('  ')).join('\n') + '\n';
}
