import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors.js';

/**
 * A YAML configuration file that remembers where each value came from, so every error (syntax, schema or
 * semantic) can name the file, the line and the field.
 */
export class YamlFile {
  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      const line = lines.linePos(first.pos[0]).line;
      throw new ConfigError(`YAML syntax error: ${first.message.split('\n')[0]}`, { file, line });
    }
    return new YamlFile(file, doc, lines);
  }

  static async read(file: string): Promise<YamlFile> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
    }
    return YamlFile.parse(file, text);
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line of the value at `path` (keys/indexes); falls back to the nearest existing ancestor. */
  lineOf(path: readonly (string | number)[]): number | undefined {
    let node: unknown = this.doc.contents;
    let best = this.nodeLine(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String(keyValue(p.key)) === String(key));
        if (!pair) break;
        best = this.nodeLine(pair.key) ?? best;
        node = pair.value;
        best = this.nodeLine(node) ?? best;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        best = this.nodeLine(node) ?? best;
      } else break;
    }
    return best;
  }

  private nodeLine(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }

  /** A ConfigError located at `path`. */
  error(message: string, path: readonly (string | number)[]): ConfigError {
    return new ConfigError(message, { file: this.file, line: this.lineOf(path), field: path.join('.') || undefined });
  }

  /** Validates the document with a JSON schema; the first error is reported with its line and field. */
  validate<T>(validator: ValidateFunction<T>): T {
    const value = this.toJS();
    if (validator(value)) return value;
    const err = pickError(validator.errors ?? []);
    const path = instancePathToKeys(err);
    throw this.error(describeAjvError(err), path);
  }
}

function keyValue(key: unknown): unknown {
  return isScalarKey(key) ? key.value : key;
}

function isScalarKey(key: unknown): key is { value: unknown } {
  return typeof key === 'object' && key !== null && 'value' in key;
}

/** Prefer the most specific error (deepest path), so "unknown field" beats a generic "oneOf" failure. */
function pickError(errors: ErrorObject[]): ErrorObject {
  return errors.reduce((best, e) => (e.instancePath.length > best.instancePath.length ? e : best), errors[0]!);
}

function instancePathToKeys(err: ErrorObject): (string | number)[] {
  const keys: (string | number)[] = err.instancePath
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  if (err.keyword === 'additionalProperties') keys.push(String(err.params['additionalProperty']));
  return keys;
}

function describeAjvError(err: ErrorObject): string {
  switch (err.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(err.params['additionalProperty'])}"`;
    case 'required':
      return `missing required field "${String(err.params['missingProperty'])}"`;
    case 'enum':
      return `must be one of ${(err.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return err.message ?? 'invalid value';
  }
}

/** One shared Ajv instance: schemas compile once per process. */
export const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
