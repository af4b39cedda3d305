/**
 * Loads a profile YAML file: parse with positions, check the structure with ajv (errors mapped back to
 * YAML lines), compile into the shared CompiledProfile. Compiled once per resolved path per process /
 * worker thread.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { PROFILES_DIR } from '../paths.js';
import { compileProfile } from './compile-profile.js';
import type { CompiledProfile } from './compiled-profile.js';
import { layerProfile, type LayeredProfile } from './profile-layers.js';

const cache = new Map<string, Promise<CompiledProfile>>();

/** NAME (no "/", no ".yaml") → `<profilesDir>/NAME.yaml`; anything else is a file path. */
export function resolveProfilePath(nameOrPath: string, profilesDir: string = PROFILES_DIR): string {
  const isName = !nameOrPath.includes('/') && !nameOrPath.includes('\\') && !nameOrPath.endsWith('.yaml') && !nameOrPath.endsWith('.yml');
  return isName ? join(profilesDir, `${nameOrPath}.yaml`) : resolve(nameOrPath);
}

export function loadProfile(nameOrPath: string, opts: { profilesDir?: string } = {}): Promise<CompiledProfile> {
  const file = resolveProfilePath(nameOrPath, opts.profilesDir);
  let pending = cache.get(file);
  if (!pending) {
    pending = readProfileFile(file).then((text) => compileProfileText(text, file, opts));
    cache.set(file, pending);
    // A failed load is not remembered: the user may fix the file and retry in the same process.
    pending.catch(() => cache.delete(file));
  }
  return pending;
}

async function readProfileFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read profile: ${(err as Error).message}`, { file });
  }
}

/**
 * Parses and compiles profile YAML text (merged over its `extends` chain first); `file` is used in error messages,
 * as CompiledProfile.file and to find bases given by a relative path.
 */
export function compileProfileText(text: string, file: string, opts: { profilesDir?: string } = {}): CompiledProfile {
  const layered = layerProfile(text, file, opts);
  return compileProfile(layered.raw, file, layered.origins);
}

/** A profile loaded for inspection (`cpesim profile show/validate`): compiled, with its merged document and chain. Not cached. */
export async function inspectProfile(nameOrPath: string, opts: { profilesDir?: string } = {}): Promise<{ profile: CompiledProfile; layers: LayeredProfile }> {
  const file = resolveProfilePath(nameOrPath, opts.profilesDir);
  const layers = layerProfile(await readProfileFile(file), file, opts);
  return { profile: compileProfile(layers.raw, file, layers.origins), layers };
}
