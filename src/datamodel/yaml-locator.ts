/**
 * Finds where a field of a parsed YAML document is written, so profile errors can name file, line and
 * field. A field is addressed by its key path (["parameters", "Device.DeviceInfo.SerialNumber", "type"]).
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { ConfigError } from '../errors.js';

export class YamlLocator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line (1-based) of the deepest existing key along `fieldPath`; line 1 when nothing matches. */
  line(fieldPath: readonly string[]): number {
    let node: unknown = this.doc.contents;
    let offset: number | undefined;
    for (const segment of fieldPath) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
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

  /** A ConfigError located at `fieldPath`. */
  error(message: string, fieldPath: readonly string[]): ConfigError {
    return new ConfigError(message, { file: this.file, line: this.line(fieldPath), field: fieldName(fieldPath) });
  }
}

/** `parameters["Device.DeviceInfo.SerialNumber"].type`: keys holding dots are quoted so the field reads unambiguously. */
export function fieldName(fieldPath: readonly string[]): string {
  let out = '';
  for (const segment of fieldPath) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (segment.includes('.') || segment === '') out += `[${JSON.stringify(segment)}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}
