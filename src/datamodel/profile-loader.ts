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
import { PROFILE_SCHEMA, type RawProfile } from './profile-schema.js';
import { ajv, YamlFile } from '../config/yaml-file.js';

const validateStructure = ajv.compile<RawProfile>(PROFILE_SCHEMA);

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
    pending = readAndCompile(file);
    cache.set(file, pending);
    // A failed load is not remembered: the user may fix the file and retry in the same process.
    pending.catch(() => cache.delete(file));
  }
  return pending;
}

async function readAndCompile(file: string): Promise<CompiledProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read profile: ${(err as Error).message}`, { file });
  }
  return compileProfileText(text, file);
}

/** Parses and compiles profile YAML text; `file` is used in error messages and as CompiledProfile.file. */
export function compileProfileText(text: string, file: string): CompiledProfile {
  // stringKeys: an instanceValues key like 1.10 must stay "1.10", not become the number 1.1.
  const yaml = YamlFile.parse(file, text, { stringKeys: true });
  return compileProfile(yaml.validate(validateStructure), file, yaml);
}
