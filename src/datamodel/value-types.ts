/**
 * TR-106 base types: zero values, and checking + canonicalising a value against a parameter's type and
 * constraints. Used by the profile compiler (static defaults) and by SetParameterValues (9007).
 */
import type { ParamType } from '../cwmp/messages.js';

export const PARAM_TYPES: readonly ParamType[] = [
  'string', 'int', 'unsignedInt', 'long', 'unsignedLong', 'boolean', 'dateTime', 'base64', 'hexBinary', 'decimal',
];

export const NUMERIC_TYPES: ReadonlySet<ParamType> = new Set(['int', 'unsignedInt', 'long', 'unsignedLong', 'decimal']);
export const LENGTH_TYPES: ReadonlySet<ParamType> = new Set(['string', 'base64', 'hexBinary']);

export interface ValueConstraints {
  readonly enumValues?: ReadonlySet<string> | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
  /** Comma-separated list: every item is checked on its own; lengths apply to the whole string. */
  readonly list?: boolean | undefined;
}

export function zeroValue(type: ParamType): string {
  switch (type) {
    case 'string':
    case 'base64':
    case 'hexBinary':
      return '';
    case 'boolean':
      return 'false';
    case 'dateTime':
      return '0001-01-01T00:00:00Z';
    default:
      return '0';
  }
}

const INTEGER_BOUNDS: Partial<Record<ParamType, readonly [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
};

const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_RE = /^(?:[0-9A-Fa-f]{2})*$/;

/**
 * The canonical form of `raw` if it is a valid value of `type` under `constraints`, else undefined.
 * Canonical: booleans "true"/"false", integers without sign/leading zeros noise; other types unchanged.
 */
export function normalizeValue(type: ParamType, constraints: ValueConstraints, raw: string): string | undefined {
  let value: string | undefined;
  if (constraints.list) {
    if (raw === '') value = '';
    else {
      const items = raw.split(',');
      for (let k = 0; k < items.length; k++) {
        const item = normalizeItem(type, constraints, items[k]!.trim());
        if (item === undefined) return undefined;
        items[k] = item;
      }
      value = items.join(',');
    }
  } else {
    value = normalizeItem(type, constraints, raw);
    if (value === undefined) return undefined;
  }
  if (constraints.minLength !== undefined || constraints.maxLength !== undefined) {
    const length = constraints.list ? value.length : valueLength(type, value);
    if (constraints.minLength !== undefined && length < constraints.minLength) return undefined;
    if (constraints.maxLength !== undefined && length > constraints.maxLength) return undefined;
  }
  return value;
}

function normalizeItem(type: ParamType, constraints: ValueConstraints, raw: string): string | undefined {
  const value = canonicalOfType(type, raw);
  if (value === undefined) return undefined;
  if (constraints.enumValues && !constraints.enumValues.has(value)) return undefined;
  if (constraints.min !== undefined || constraints.max !== undefined) {
    if (!inRange(type, value, constraints.min, constraints.max)) return undefined;
  }
  return value;
}

function canonicalOfType(type: ParamType, raw: string): string | undefined {
  switch (type) {
    case 'string':
      return raw;
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong': {
      if (!INTEGER_RE.test(raw)) return undefined;
      const n = BigInt(raw);
      const [lo, hi] = INTEGER_BOUNDS[type]!;
      return n < lo || n > hi ? undefined : n.toString();
    }
    case 'boolean':
      if (raw === 'true' || raw === '1') return 'true';
      if (raw === 'false' || raw === '0') return 'false';
      return undefined;
    case 'dateTime':
      return isDateTime(raw) ? raw : undefined;
    case 'base64':
      return BASE64_RE.test(raw) ? raw : undefined;
    case 'hexBinary':
      return HEX_RE.test(raw) ? raw : undefined;
    case 'decimal':
      return DECIMAL_RE.test(raw) ? raw : undefined;
  }
}

function isDateTime(raw: string): boolean {
  const m = DATETIME_RE.exec(raw);
  if (!m) return false;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
}

/** Integer types compare exactly (BigInt); decimal compares as a JS number. */
function inRange(type: ParamType, value: string, min: number | undefined, max: number | undefined): boolean {
  if (type === 'decimal') {
    const n = Number(value);
    return (min === undefined || n >= min) && (max === undefined || n <= max);
  }
  if (!INTEGER_BOUNDS[type]) return true; // ranges only constrain numeric types (checked at load)
  const n = BigInt(value);
  return (min === undefined || n >= BigInt(min)) && (max === undefined || n <= BigInt(max));
}

/** TR-106: string lengths count characters; base64/hexBinary lengths count the decoded bytes. */
function valueLength(type: ParamType, value: string): number {
  if (type === 'hexBinary') return value.length / 2;
  if (type === 'base64') {
    const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
    return (value.length / 4) * 3 - padding;
  }
  return value.length;
}
