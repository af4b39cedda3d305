/**
 * Checks a parameter value against a BBF syntax: lexical form of the base type, enumeration,
 * patterns, sizes and ranges, per item for list-valued parameters. The generator uses it so every
 * value it writes is one the parameter accepts; the tests use it on the written profiles.
 */
import type { ParamType } from '../cwmp/messages.js';
import type { BbfRange, BbfSize, BbfSyntax } from './types.js';

export type ValueSyntax = Pick<BbfSyntax, 'baseType' | 'list' | 'enumeration' | 'patterns' | 'sizes' | 'ranges'>;

const LEXICAL: Record<ParamType, RegExp> = {
  string: /^[\s\S]*$/,
  int: /^[+-]?\d+$/,
  long: /^[+-]?\d+$/,
  unsignedInt: /^\+?\d+$/,
  unsignedLong: /^\+?\d+$/,
  boolean: /^(true|false|0|1)$/,
  dateTime: /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  base64: /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  hexBinary: /^([0-9A-Fa-f]{2})*$/,
  decimal: /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
};

const INTEGER_BOUNDS: Partial<Record<ParamType, [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
};

/** Compiled patterns, anchored like XSD patterns; null when the pattern uses syntax JS cannot compile. */
const patternCache = new Map<string, RegExp | null>();

function compilePattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re;
}

/** Length as BBF sizes count it: characters for strings, octets of the decoded data for binary types. */
function measuredLength(value: string, type: ParamType): number {
  if (type === 'hexBinary') return value.length / 2;
  if (type === 'base64') return (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
  return [...value].length;
}

function sizeViolation(length: number, sizes: readonly BbfSize[]): string | undefined {
  if (sizes.length === 0) return undefined;
  const fits = sizes.some((s) => (s.minLength === undefined || length >= s.minLength) && (s.maxLength === undefined || length <= s.maxLength));
  if (fits) return undefined;
  return `length ${length} outside ${sizes.map((s) => `${s.minLength ?? 0}..${s.maxLength ?? '∞'}`).join(' or ')}`;
}

function inRange(value: string, range: BbfRange, type: ParamType): boolean {
  if (type === 'decimal') {
    const n = Number(value);
    return (range.minInclusive === undefined || n >= Number(range.minInclusive)) && (range.maxInclusive === undefined || n <= Number(range.maxInclusive));
  }
  const n = BigInt(value);
  if (range.minInclusive !== undefined && n < BigInt(range.minInclusive)) return false;
  if (range.maxInclusive !== undefined && n > BigInt(range.maxInclusive)) return false;
  if (range.step !== undefined) return (n - BigInt(range.minInclusive ?? '0')) % BigInt(range.step) === 0n;
  return true;
}

function itemViolation(value: string, syntax: ValueSyntax): string | undefined {
  const type = syntax.baseType;
  if (!LEXICAL[type].test(value)) return `"${value}" is not a valid ${type}`;
  const bounds = INTEGER_BOUNDS[type];
  if (bounds && (BigInt(value) < bounds[0] || BigInt(value) > bounds[1])) return `"${value}" overflows ${type}`;
  if (syntax.enumeration.length && !syntax.enumeration.includes(value)) return `"${value}" is not one of ${syntax.enumeration.join('|')}`;
  if (syntax.patterns.length) {
    const compiled = syntax.patterns.map(compilePattern);
    // A pattern JS cannot compile is not held against the value.
    if (!compiled.some((re) => re === null || re.test(value))) return `"${value}" matches none of the patterns ${syntax.patterns.join(' | ')}`;
  }
  const size = sizeViolation(measuredLength(value, type), syntax.sizes);
  if (size) return `"${value}": ${size}`;
  if (syntax.ranges.length && !syntax.ranges.some((r) => inRange(value, r, type))) {
    return `"${value}" outside ${syntax.ranges.map((r) => `[${r.minInclusive ?? ''}..${r.maxInclusive ?? ''}${r.step ? ` step ${r.step}` : ''}]`).join(' or ')}`;
  }
  return undefined;
}

/** Why `value` is not acceptable for `syntax`, or undefined when it is. */
export function valueViolation(value: string, syntax: ValueSyntax): string | undefined {
  if (!syntax.list) return itemViolation(value, syntax);
  const whole = sizeViolation([...value].length, syntax.list.sizes);
  if (whole) return `list ${whole}`;
  const items = value === '' ? [] : value.split(',').map((item) => item.trim());
  if (syntax.list.minItems !== undefined && items.length < syntax.list.minItems) return `list has ${items.length} items, fewer than ${syntax.list.minItems}`;
  if (syntax.list.maxItems !== undefined && items.length > syntax.list.maxItems) return `list has ${items.length} items, more than ${syntax.list.maxItems}`;
  for (const item of items) {
    const problem = itemViolation(item, syntax);
    if (problem) return `list item ${problem}`;
  }
  return undefined;
}
