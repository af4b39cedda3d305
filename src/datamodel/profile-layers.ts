/**
 * `extends:` and `remove:` in profiles: a vendor profile is a layer over a base profile (a generated BBF tree or
 * another vendor profile, chains allowed). The layers are merged into one raw profile document before compiling,
 * and every merged field remembers which file wrote it, so an error in the merged document still names the file,
 * line and field the user has to change.
 *
 * Merge rules (child over base):
 * - `remove:` is applied to the base first: a parameter path drops that parameter, an object path (ending ".")
 *   drops the object and everything below it; a removed table also loses its NumberOfEntries parameter. A path
 *   that matches nothing in the base is an error (a typo would otherwise be silent).
 * - `objects` / `parameters`: per path; an entry for a path the base has is a shallow patch (the child's fields
 *   replace the base's, the others are kept); new paths are added. To replace an entry whole, remove and redefine.
 * - `deviceId` and any other map-valued top-level field: shallow merge; scalar fields (`profile`, `description`,
 *   `cwmpVersion`, ...) replace. `root` may be repeated but must equal the base's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { ajv, describeSchemaError, YamlFile, type FieldPath } from '../config/yaml-file.js';
import { ConfigError } from '../errors.js';
import { PROFILES_DIR } from '../paths.js';
import type { ProfileErrorLocator } from './compile-profile.js';
import { PROFILE_SCHEMA, type RawProfile } from './profile-schema.js';

type Doc = Record<string, unknown>;
type Entries = Record<string, Doc | null>;

const { required: _deviceIdRequired, ...LAYER_DEVICE_ID } = PROFILE_SCHEMA.properties.deviceId;
const { required: _parameterRequired, ...LAYER_PARAMETER } = PROFILE_SCHEMA.properties.parameters.additionalProperties;

/**
 * A layer (a profile with `extends`) may leave out whatever its base gives: root, deviceId fields, a patched
 * parameter's type. The merged document is checked against the full schema afterwards.
 */
const LAYER_SCHEMA = {
  ...PROFILE_SCHEMA,
  required: ['profile', 'extends'],
  properties: {
    ...PROFILE_SCHEMA.properties,
    deviceId: LAYER_DEVICE_ID,
    parameters: { ...PROFILE_SCHEMA.properties.parameters, additionalProperties: LAYER_PARAMETER },
  },
};

const validateFull = ajv.compile<RawProfile>(PROFILE_SCHEMA);
const validateLayer = ajv.compile<Doc>(LAYER_SCHEMA);

/** For each field of the merged document, the file that wrote it (the longest recorded prefix of a path wins). */
export class LayerOrigins implements ProfileErrorLocator {
  private readonly byPath = new Map<string, YamlFile>();

  constructor(private readonly fallback: YamlFile) {}

  set(path: FieldPath, file: YamlFile): void {
    this.byPath.set(key(path), file);
  }

  /** Forgets `path` and everything recorded below it (a removed entry). */
  drop(path: FieldPath): void {
    const prefix = key(path);
    for (const k of this.byPath.keys()) if (k === prefix || k.startsWith(prefix + SEP)) this.byPath.delete(k);
  }

  fileOf(path: FieldPath): YamlFile {
    for (let n = path.length; n > 0; n--) {
      const found = this.byPath.get(key(path.slice(0, n)));
      if (found) return found;
    }
    return this.fallback;
  }

  error(message: string, path: FieldPath): ConfigError {
    return this.fileOf(path).error(message, path);
  }
}

const SEP = '\u0000';
const key = (path: FieldPath): string => path.map(String).join(SEP);

/** A profile merged from its layers: the document, where each field came from, and the files base first. */
export interface LayeredProfile {
  raw: RawProfile;
  origins: LayerOrigins;
  /** Resolved files of the chain, the deepest base first and this profile last. */
  chain: string[];
  /** Profile names along the chain, in the same order. */
  names: string[];
}

/**
 * Parses `text` (the profile in `file`), resolves its `extends` chain (bases by NAME in `profilesDir`, or by a
 * path relative to the file that names them), merges and checks the result against the full schema.
 */
export function layerProfile(text: string, file: string, opts: { profilesDir?: string } = {}): LayeredProfile {
  const merged = resolveLayers(text, file, opts.profilesDir ?? PROFILES_DIR, []);
  // A single file was checked against the full schema already; a merged one is checked as a whole now.
  if (merged.chain.length > 1) check(validateFull, merged.raw, merged.origins);
  return merged;
}

function resolveLayers(text: string, file: string, profilesDir: string, stack: readonly string[]): LayeredProfile {
  // stringKeys: an instanceValues key like 1.10 must stay "1.10", not become the number 1.1.
  const yaml = YamlFile.parse(file, text, { stringKeys: true });
  const value = yaml.toJS();
  const isLayer = value !== null && typeof value === 'object' && 'extends' in value;
  const doc = check<Doc>(isLayer ? validateLayer : (validateFull as unknown as ValidateFunction<Doc>), value, yaml);
  if (!isLayer) {
    if (doc['remove'] !== undefined) throw yaml.error('"remove" needs "extends": there is no base to remove from', ['remove']);
    return { raw: doc as unknown as RawProfile, origins: new LayerOrigins(yaml), chain: [file], names: [String(doc['profile'])] };
  }
  const baseName = doc['extends'] as string;
  const baseFile = baseProfilePath(baseName, file, profilesDir);
  const chain = [...stack, file];
  if (chain.includes(baseFile)) {
    const cycle = [...chain.slice(chain.indexOf(baseFile)), baseFile].map((f) => basename(f)).join(' → ');
    throw yaml.error(`extends cycle: ${cycle}`, ['extends']);
  }
  if (!existsSync(baseFile)) throw yaml.error(`unknown base profile "${baseName}": no file ${baseFile}`, ['extends']);
  let baseText: string;
  try {
    baseText = readFileSync(baseFile, 'utf8');
  } catch (err) {
    throw yaml.error(`cannot read base profile ${baseFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, ['extends']);
  }
  const base = resolveLayers(baseText, baseFile, profilesDir, chain);
  mergeLayer(base, doc, yaml);
  return { raw: base.raw, origins: base.origins, chain: [...base.chain, file], names: [...base.names, String(doc['profile'])] };
}

/** `value` if it passes `validator`, else the first schema error located by `where`. */
function check<T>(validator: ValidateFunction<T>, value: unknown, where: ProfileErrorLocator): T {
  if (validator(value)) return value;
  const { message, path } = describeSchemaError(validator.errors![0]!);
  throw where.error(message, path);
}

/** NAME → `<profilesDir>/NAME.yaml`; a path is relative to the profile that names it. */
export function baseProfilePath(nameOrPath: string, fromFile: string, profilesDir: string): string {
  const isName = !/[/\\]/.test(nameOrPath) && !/\.ya?ml$/.test(nameOrPath);
  return isName ? join(profilesDir, `${nameOrPath}.yaml`) : resolve(dirname(fromFile), nameOrPath);
}

/** Applies the layer `doc` (from `yaml`) onto `base` in place. */
function mergeLayer(base: LayeredProfile, doc: Doc, yaml: YamlFile): void {
  const raw = base.raw as unknown as Doc;
  const origins = base.origins;
  if (doc['root'] !== undefined && doc['root'] !== raw['root']) {
    throw yaml.error(`root "${String(doc['root'])}" differs from the base's "${String(raw['root'])}"`, ['root']);
  }
  ((doc['remove'] as string[] | undefined) ?? []).forEach((path, i) => removeFromBase(raw, origins, path, () => yaml.error(`"${path}" matches nothing in the base profile`, ['remove', i])));
  for (const [field, value] of Object.entries(doc)) {
    if (field === 'extends' || field === 'remove') continue;
    if (field === 'objects' || field === 'parameters') {
      const into = ((raw[field] as Entries | null | undefined) ??= {}) as Entries;
      for (const [path, entry] of Object.entries((value as Entries | null) ?? {})) {
        const before = into[path];
        into[path] = before === undefined ? entry : { ...(before ?? {}), ...(entry ?? {}) };
        origins.set([field, path], yaml);
        for (const f of Object.keys(entry ?? {})) origins.set([field, path, f], yaml);
      }
      continue;
    }
    const before = raw[field];
    if (isMap(before) && isMap(value)) {
      raw[field] = { ...before, ...value };
      for (const f of Object.keys(value)) origins.set([field, f], yaml);
    } else {
      raw[field] = value;
      origins.drop([field]);
      origins.set([field], yaml);
    }
  }
  delete raw['extends'];
}

function removeFromBase(raw: Doc, origins: LayerOrigins, path: string, notFound: () => ConfigError): void {
  const objects = (raw['objects'] as Entries | null | undefined) ?? {};
  const parameters = (raw['parameters'] as Record<string, Doc> | null | undefined) ?? {};
  let matched = 0;
  const dropParameter = (name: string): void => {
    if (!(name in parameters)) return;
    delete parameters[name];
    origins.drop(['parameters', name]);
    matched++;
  };
  if (path.endsWith('.')) {
    for (const [objectPath, entry] of Object.entries(objects)) {
      if (!objectPath.startsWith(path)) continue;
      // A table that is gone has no instance count to report either.
      const numEntries = entry?.['numEntries'];
      if (typeof numEntries === 'string') dropParameter(numEntries);
      delete objects[objectPath];
      origins.drop(['objects', objectPath]);
      matched++;
    }
    for (const name of Object.keys(parameters)) if (name.startsWith(path)) dropParameter(name);
  } else {
    dropParameter(path);
    // A NumberOfEntries the compiler would create from a table's numEntries link: unlink it, so it is really gone.
    for (const [objectPath, entry] of Object.entries(objects)) {
      if (entry?.['numEntries'] !== path) continue;
      const { numEntries: _gone, ...rest } = entry;
      objects[objectPath] = rest;
      matched++;
    }
  }
  if (matched === 0) throw notFound();
}

function isMap(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
