import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors.js';

/** A field addressed by its key path, e.g. ["parameters", "Device.DeviceInfo.SerialNumber", "type"] or ["fleet", 0]. */
export type FieldPath = readonly (string | number)[];

/**
 * A YAML configuration file (scenario, profile) that remembers where each value was written, so every
 * error (syntax, schema or semantic) names the file, the line and the field.
 */
export class YamlFile {
  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** `stringKeys`: keep every mapping key a string (a key like 1.10 must not become the number 1.1). */
  static parse(file: string, text: string, opts: { stringKeys?: boolean } = {}): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, stringKeys: opts.stringKeys ?? false });
    const first = doc.errors[0];
    if (first) {
      // A key written twice (e.g. one parameter path twice): name it, so the user sees which entry is doubled.
      const duplicate = first.code === 'DUPLICATE_KEY' ? keyPathAt(doc.contents, first.pos[0]) : undefined;
      const message = duplicate ? `duplicate key "${String(duplicate[duplicate.length - 1])}" (YAML keys must be unique)` : `invalid YAML: ${first.message.split('\n')[0]}`;
      throw new ConfigError(message, { file, line: lines.linePos(first.pos[0]).line, field: duplicate ? fieldName(duplicate) : undefined });
    }
    return new YamlFile(file, doc, lines);
  }

  static async read(file: string, opts: { stringKeys?: boolean } = {}): Promise<YamlFile> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
    }
    return YamlFile.parse(file, text, opts);
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line (1-based) of the deepest key or item along `path` that exists; line 1 when nothing matches. */
  lineOf(path: FieldPath): number {
    let node: unknown = this.doc.contents;
    let offset: number | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  /** A ConfigError located at `path`. */
  error(message: string, path: FieldPath): ConfigError {
    return new ConfigError(message, { file: this.file, line: this.lineOf(path), field: path.length > 0 ? fieldName(path) : undefined });
  }

  /** Checks the document with a compiled JSON schema; the first error is reported with its line and field. */
  validate<T>(validator: ValidateFunction<T>): T {
    const value = this.toJS();
    if (validator(value)) return value;
    throw this.schemaError(validator.errors![0]!);
  }

  private schemaError(error: ErrorObject): ConfigError {
    const { message, path } = describeSchemaError(error);
    return this.error(message, path);
  }
}

/**
 * An ajv error as a message and the key path it is about (shared by YamlFile and documents merged from several
 * files, which locate the path in whichever file wrote it).
 */
export function describeSchemaError(error: ErrorObject): { message: string; path: FieldPath } {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { message: `unknown field "${String(params['additionalProperty'])}"`, path: [...path, String(params['additionalProperty'])] };
    case 'required':
      // The missing key is not in the file: the line is its parent's (lineOf stops at the deepest key found).
      return { message: `missing required field "${String(params['missingProperty'])}"`, path: [...path, String(params['missingProperty'])] };
    case 'enum':
      return { message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, path };
    default:
      return { message: error.message ?? 'invalid value', path };
  }
}

/** The key path of the mapping key that starts at `offset` (undefined when none does). */
function keyPathAt(node: unknown, offset: number, path: (string | number)[] = []): (string | number)[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      if ((pair.key as Node).range?.[0] === offset) return [...path, key];
      const below = keyPathAt(pair.value, offset, [...path, key]);
      if (below) return below;
    }
  } else if (isSeq(node)) {
    for (const [k, item] of node.items.entries()) {
      const below = keyPathAt(item, offset, [...path, k]);
      if (below) return below;
    }
  }
  return undefined;
}

/** `parameters["Device.DeviceInfo.SerialNumber"].type`, `fleet[0].count`: keys holding dots are quoted. */
export function fieldName(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    const s = String(segment);
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (s.includes('.') || s === '') out += `[${JSON.stringify(s)}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** One shared Ajv instance: each schema compiles once per process. */
export const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
