/**
 * The fleet state file (`cpesim run --state FILE`): every CPE's state at the end of a run, so the next run brings
 * the same devices back. Format (version 1): gzip-compressed JSON lines. Line 1 is the header
 * `{"format":"cpesim-state","version":1,"createdAt":"…","cpes":N}`; every other line is one CPE:
 * `{"index":17,"profile":"tr098","serial":"CPESIM00000017","state":{…CpeSnapshot…}}`, keyed by its global index
 * (its identity in every run) and checked against the profile and serial the scenario gives that index.
 * Each shard writes its CPEs as one gzip member of a part file while the others do the same; the coordinator
 * concatenates the header and the parts (concatenated gzip members are one gzip stream) into FILE.tmp and
 * renames it over FILE, so an interrupted write never leaves a half file. Streaming both ways: 100k CPEs are a
 * few MB and never one string in memory.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, gzipSync, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { checkCpeSnapshot, type CpeSnapshot } from '../cpe/cpe-snapshot.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { DeviceModel } from '../datamodel/device-model.js';
import { ConfigError, CpesimError } from '../errors.js';
import type { Scenario } from '../scenario/scenario.js';
import type { ShardSelector } from './protocol.js';

export const STATE_FORMAT = 'cpesim-state';
export const STATE_VERSION = 1;

export interface StateHeader {
  format: typeof STATE_FORMAT;
  version: number;
  createdAt: string;
  cpes: number;
}

/** The index a CPE line starts with (JSON.stringify of a StateLine writes it first). */
const LEADING_INDEX = /^\{"index":(\d+),/;

/** One CPE's line. */
export interface StateLine {
  index: number;
  profile: string;
  serial: string;
  state: CpeSnapshot;
}

/** Writes this shard's CPEs as one gzip member (a part of the state file). */
export async function writeStatePart(path: string, lines: Iterable<StateLine>): Promise<void> {
  const gzip = createGzip();
  const done = pipeline(gzip, createWriteStream(path));
  for (const line of lines) {
    if (!gzip.write(JSON.stringify(line) + '\n')) await once(gzip, 'drain');
  }
  gzip.end();
  await done;
}

/**
 * Header + parts → FILE (through FILE.tmp and a rename); the parts are removed. `cpes` is the number of CPE
 * lines the parts hold.
 */
export async function assembleStateFile(file: string, parts: readonly string[], cpes: number): Promise<void> {
  const header: StateHeader = { format: STATE_FORMAT, version: STATE_VERSION, createdAt: new Date().toISOString(), cpes };
  const tmp = `${file}.tmp`;
  await writeFile(tmp, gzipSync(JSON.stringify(header) + '\n'));
  for (const part of parts) await writeFile(tmp, await readFile(part), { flag: 'a' });
  await rename(tmp, file);
  await Promise.all(parts.map((p) => rm(p, { force: true })));
}

/** Whether a state file exists (a first run starts without one). */
export async function stateFileExists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError(`cannot read the state file: ${(err as Error).message}`, { file, field: '--state' });
  }
}

/** The profile name each global index has in the scenario (its fleet groups in order). */
function profileOfIndex(scenario: Scenario): (index: number) => string | undefined {
  const ends: number[] = [];
  let total = 0;
  for (const g of scenario.fleet) ends.push((total += g.count));
  return (index) => {
    const g = ends.findIndex((end) => index < end);
    return g < 0 ? undefined : scenario.fleet[g]!.profile;
  };
}

/**
 * Reads a state file line by line: the header is checked, each CPE line parsed, checked against the scenario
 * (index in the fleet, same profile, same serial) and handed to `onCpe` when `wanted(index)`. Any problem is a
 * ConfigError naming the file and line (exit code 2: nothing ran, the file is left as it is).
 */
export async function readStateFile(
  file: string,
  scenario: Scenario,
  profiles: ReadonlyMap<string, CompiledProfile>,
  wanted: (index: number) => boolean,
  onCpe: (line: StateLine, lineNo: number) => void,
): Promise<StateHeader> {
  const profileOf = profileOfIndex(scenario);
  const fail = (message: string, line?: number) => new ConfigError(message, { file, ...(line !== undefined ? { line } : {}) });
  const input = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: StateHeader | undefined;
  let lineNo = 0;
  let cpes = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      // A shard skips the other shards' CPEs without parsing them (the coordinator checked every line already).
      const skip = header !== undefined ? LEADING_INDEX.exec(text) : null;
      if (skip !== null && !wanted(Number(skip[1]))) {
        cpes++;
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw fail('not JSON (a corrupt state file)', lineNo);
      }
      if (header === undefined) {
        header = checkHeader(parsed, (m) => fail(m, lineNo));
        continue;
      }
      const line = parsed as StateLine;
      if (typeof parsed !== 'object' || parsed === null || !Number.isSafeInteger(line.index) || line.index < 0 || typeof line.profile !== 'string' || typeof line.serial !== 'string') {
        throw fail('not a CPE line ({"index", "profile", "serial", "state"})', lineNo);
      }
      const expected = profileOf(line.index);
      const where = `CPE ${line.index} (${line.serial})`;
      if (expected === undefined) throw fail(`${where}: the scenario's fleet has only ${scenario.fleet.reduce((n, g) => n + g.count, 0)} CPEs`, lineNo);
      if (expected !== line.profile) throw fail(`${where}: saved with profile ${line.profile}, the scenario gives it ${expected}`, lineNo);
      cpes++;
      if (!wanted(line.index)) continue;
      const profile = profiles.get(line.profile);
      if (profile === undefined) continue;
      const serial = new DeviceModel(profile, { index: line.index, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId().serialNumber;
      if (serial !== line.serial) throw fail(`${where}: the profile now gives this index serial ${serial}`, lineNo);
      try {
        checkCpeSnapshot(line.state);
        onCpe(line, lineNo);
      } catch (err) {
        if (err instanceof CpesimError && err.code === 'CPESIM_STATE_MISMATCH') throw fail(`${where}: ${err.message}`, lineNo);
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // zlib: not gzip, or cut short.
    throw fail(`unreadable (${(err as Error).message}): not a complete cpesim state file`, lineNo || undefined);
  } finally {
    lines.close();
    input.destroy();
  }
  if (header === undefined) throw fail('empty: no header line');
  if (cpes !== header.cpes) throw fail(`the header announces ${header.cpes} CPEs, the file holds ${cpes} (cut short?)`);
  return header;
}

function checkHeader(parsed: unknown, fail: (message: string) => Error): StateHeader {
  const h = parsed as Partial<StateHeader>;
  if (typeof parsed !== 'object' || parsed === null || h.format !== STATE_FORMAT) throw fail(`not a cpesim state file (no "format":"${STATE_FORMAT}" header)`);
  if (h.version !== STATE_VERSION) throw fail(`state file version ${h.version}; this cpesim reads version ${STATE_VERSION}`);
  if (!Number.isSafeInteger(h.cpes)) throw fail('the header has no CPE count');
  return h as StateHeader;
}

/**
 * Checks the whole file against the scenario before anything runs: every line's shape, identity and model state
 * (restored onto a probe device of its profile, which checks every path). Returns the number of CPEs it holds.
 */
export async function checkStateFile(file: string, scenario: Scenario, profiles: ReadonlyMap<string, CompiledProfile>): Promise<number> {
  const probes = new Map<string, DeviceModel>();
  const header = await readStateFile(file, scenario, profiles, () => true, (line) => {
    let probe = probes.get(line.profile);
    if (probe === undefined) probes.set(line.profile, (probe = new DeviceModel(profiles.get(line.profile)!, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 })));
    probe.restoreState(line.state.model);
  });
  return header.cpes;
}

/** The saved states of the CPEs one shard runs, by global index. */
export async function loadShardStates(
  file: string,
  scenario: Scenario,
  profiles: ReadonlyMap<string, CompiledProfile>,
  shard: ShardSelector,
): Promise<Map<number, CpeSnapshot>> {
  const states = new Map<number, CpeSnapshot>();
  await readStateFile(file, scenario, profiles, (i) => i % shard.count === shard.index, (line) => states.set(line.index, line.state));
  return states;
}
