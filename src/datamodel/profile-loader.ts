/**
 * Loads a profile YAML file: parse with positions, check the structure with ajv (errors mapped back to
 * YAML lines), compile into the shared CompiledProfile. Compiled once per resolved path per process /
 * worker thread.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { PROFILES_DIR } from '../paths.js';
import { compileProfile } from './compile-profile.js';
import type { CompiledProfile } from './compiled-profile.js';
import { PROFILE_SCHEMA, type RawProfile } from './profile-schema.js';
import { YamlLocator } from './yaml-locator.js';

const validateStructure = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile<RawProfile>(PROFILE_SCHEMA);

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
  const lines = new LineCounter();
  // stringKeys: an instanceValues key like 1.10 must stay "1.10", not become the number 1.1.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, stringKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    throw new ConfigError(`invalid YAML: ${syntax.message.split('\n')[0]}`, { file, line: lines.linePos(syntax.pos[0]).line });
  }
  const where = new YamlLocator(file, doc, lines);
  const data: unknown = doc.toJS();
  if (!validateStructure(data)) throw structureError(validateStructure.errors![0]!, where);
  return compileProfile(data, file, where);
}

function structureError(error: ErrorObject, where: YamlLocator): ConfigError {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return where.error(`unknown field "${String(params.additionalProperty)}"`, [...path, String(params.additionalProperty)]);
    case 'required':
      // The missing key is not in the file: the line is its parent's (the locator stops at the deepest key found).
      return where.error(`missing required field "${String(params.missingProperty)}"`, [...path, String(params.missingProperty)]);
    case 'enum':
      return where.error(`must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, path);
    default:
      return where.error(error.message ?? 'invalid', path);
  }
}
