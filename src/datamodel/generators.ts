/**
 * Value generators: parameters whose value the device changes by itself (traffic counters, signal gauges,
 * random walks, uptime, link states that flip). A generated value is never stored: it is a pure function of
 * (device seed, seconds since boot), computed when it is read (GetParameterValues, Inform), so a million
 * devices with counters hold no per-counter state and no per-tick work. What the notification path needs
 * (did the value change between two instants, when does it change next) is computed the same way.
 */
import type { ParamType } from '../cwmp/messages.js';
import { parseDurationMs } from '../config/duration.js';
import { normalizeValue, type ValueConstraints } from './value-types.js';
import { fmix32 } from '../random.js';

export const GENERATOR_KINDS = ['counter', 'gauge', 'randomWalk', 'uptime', 'flip'] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];

/** A profile's `generator:` entry as written (the schema checked its shape; compileGenerator its meaning). */
export interface RawGenerator {
  kind: GeneratorKind;
  /** counter: increase per second: a number, or "1500/s", "90/min", "2/h" ("per" works as "/"). */
  rate?: number | string;
  /** gauge, randomWalk: the bounds of the value. */
  min?: number;
  max?: number;
  /** randomWalk: standard deviation of one interval's change; start: its value at boot (default: the middle). */
  step?: number;
  start?: number;
  /** gauge, randomWalk: how often the value is re-sampled (duration, default 10s). */
  interval?: string | number;
  /** gauge: time scale of its swings (default 5m); flip: mean time between flips (required). */
  period?: string | number;
  /** flip: the states, in the order they follow each other (the first one at boot). */
  values?: (string | number | boolean)[];
}

export type Generator =
  | { readonly kind: 'counter'; readonly ratePerS: number; readonly wrap: number }
  | { readonly kind: 'gauge'; readonly min: number; readonly max: number; readonly intervalS: number; readonly periodS: number; readonly integral: boolean }
  | {
      readonly kind: 'randomWalk';
      readonly min: number;
      readonly max: number;
      readonly step: number;
      readonly start: number;
      readonly intervalS: number;
      readonly integral: boolean;
    }
  | { readonly kind: 'uptime' }
  | { readonly kind: 'flip'; readonly values: readonly string[]; readonly periodS: number };

/** Fields each kind accepts besides `kind` (anything else is a mistake worth reporting). */
const FIELDS: Record<GeneratorKind, readonly (keyof RawGenerator)[]> = {
  counter: ['rate'],
  gauge: ['min', 'max', 'interval', 'period'],
  randomWalk: ['min', 'max', 'step', 'start', 'interval'],
  uptime: [],
  flip: ['values', 'period'],
};

const INTEGRAL_TYPES: ReadonlySet<ParamType> = new Set(['int', 'unsignedInt', 'long', 'unsignedLong']);
const DEFAULT_INTERVAL_S = 10;
const DEFAULT_GAUGE_PERIOD_S = 300;
const RATE_UNITS_S: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };
const RATE_RE = /^\s*(\d+(?:\.\d+)?)\s*(?:\/|per\s+)\s*(s|sec|second|m|min|minute|h|hour)\s*$/;

/** Throws through `fail(message, field)` (field: the key below `generator`), which must not return. */
export type GeneratorFail = (message: string, field: string) => never;

/** Checks a generator against its parameter's type and constraints; every value it can produce is valid. */
export function compileGenerator(raw: RawGenerator, type: ParamType, constraints: ValueConstraints, fail: GeneratorFail): Generator {
  for (const field of Object.keys(raw) as (keyof RawGenerator)[]) {
    if (field !== 'kind' && !FIELDS[raw.kind].includes(field)) fail(`"${field}" does not apply to a ${raw.kind} generator`, field);
  }
  const integral = INTEGRAL_TYPES.has(type);
  const numeric = (): void => {
    if (!integral && type !== 'decimal') fail(`a ${raw.kind} generator needs a numeric parameter, not ${type}`, 'kind');
  };
  const seconds = (field: 'interval' | 'period', fallback: number | undefined): number => {
    const value = raw[field];
    if (value === undefined) return fallback ?? fail(`a ${raw.kind} generator needs "${field}"`, field);
    const ms = parseDurationMs(value);
    if (ms === undefined || ms <= 0) fail(`"${String(value)}" is not a positive duration (e.g. 500ms, 30s, 5m, 1h)`, field);
    return ms! / 1000;
  };
  const bound = (field: 'min' | 'max' | 'start', value: number | undefined): number => {
    if (value === undefined) return fail(`a ${raw.kind} generator needs "${field}"`, field);
    if (integral && !Number.isInteger(value)) fail(`${field} of an ${type} must be an integer`, field);
    if (normalizeValue(type, constraints, String(value)) === undefined) fail(`${field} ${value} is not a valid ${type} under the parameter's constraints`, field);
    return value;
  };
  const bounds = (): { min: number; max: number } => {
    const min = bound('min', raw.min);
    const max = bound('max', raw.max);
    if (min > max) fail(`min ${min} > max ${max}`, 'min');
    return { min, max };
  };
  switch (raw.kind) {
    case 'counter': {
      if (type !== 'unsignedInt' && type !== 'unsignedLong') fail(`a counter needs an unsignedInt or unsignedLong parameter, not ${type}`, 'kind');
      const ratePerS = parseRate(raw.rate);
      if (ratePerS === undefined) fail(`rate "${String(raw.rate ?? '')}" is not a positive rate (a number per second, or like "1500/s", "90/min", "2/h")`, 'rate');
      // Counters wrap like the device's: at the type's size (or past the parameter's own maximum).
      const wrap = constraints.max !== undefined ? constraints.max + 1 : type === 'unsignedInt' ? 2 ** 32 : 2 ** 64;
      return { kind: 'counter', ratePerS: ratePerS!, wrap };
    }
    case 'gauge': {
      numeric();
      return { kind: 'gauge', ...bounds(), intervalS: seconds('interval', DEFAULT_INTERVAL_S), periodS: seconds('period', DEFAULT_GAUGE_PERIOD_S), integral };
    }
    case 'randomWalk': {
      numeric();
      const { min, max } = bounds();
      if (raw.step === undefined || !(raw.step > 0)) fail('a randomWalk generator needs "step" > 0', 'step');
      const start = raw.start === undefined ? (integral ? Math.round((min + max) / 2) : (min + max) / 2) : bound('start', raw.start);
      if (start < min || start > max) fail(`start ${start} is outside min..max`, 'start');
      return { kind: 'randomWalk', min, max, step: raw.step!, start, intervalS: seconds('interval', DEFAULT_INTERVAL_S), integral };
    }
    case 'uptime':
      if (!integral) fail(`an uptime generator needs an integer parameter, not ${type}`, 'kind');
      return { kind: 'uptime' };
    case 'flip': {
      const list = raw.values ?? [];
      if (list.length < 2) fail('a flip generator needs "values" with at least two states', 'values');
      const values = list.map((v) => normalizeValue(type, constraints, String(v)) ?? fail(`"${String(v)}" is not a valid value of the parameter`, 'values'));
      return { kind: 'flip', values, periodS: seconds('period', undefined) };
    }
  }
}

function parseRate(rate: number | string | undefined): number | undefined {
  if (typeof rate === 'number') return Number.isFinite(rate) && rate > 0 ? rate : undefined;
  const m = rate === undefined ? null : RATE_RE.exec(rate);
  const perS = m ? Number(m[1]) / RATE_UNITS_S[m[2]!]! : NaN;
  return perS > 0 ? perS : undefined;
}

// ------------------------------------------------------------------ evaluation

/** A device's generator seed for one concrete path: every device and every instance varies its own way. */
export function generatorSeed(deviceIndex: number, path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return mix(h >>> 0, deviceIndex);
}

/** Murmur3's finaliser over two words: a stateless hash, so any sample can be drawn without its predecessors. */
function mix(a: number, b: number): number {
  return fmix32((a ^ Math.imul(b >>> 0, 0x9e3779b1) ^ Math.floor(b / 4294967296)) >>> 0);
}

/** Uniform in [0, 1) for sample k of a seed's stream. */
function uniform(seed: number, k: number): number {
  return mix(seed, k) / 4294967296;
}

/** Standard normal for sample k (Box-Muller over two hashed uniforms). */
function normal(seed: number, k: number): number {
  const u1 = 1 - uniform(seed, k);
  const u2 = uniform(mix(seed, 0x5bd1e995), k);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * The clock a generator runs on: seconds since boot, times the scenario's rate scale (uptime keeps real
 * seconds: it is a clock, not a rate). Scale 0 stops every other generator at its boot value.
 */
function scaled(g: Generator, tS: number, scale: number): number {
  return g.kind === 'uptime' ? Math.max(0, tS) : Math.max(0, tS) * scale;
}

/** Counter: each device runs at a fixed rate between 0.5x and 1.5x the declared one. */
function counterRate(g: Extract<Generator, { kind: 'counter' }>, seed: number): number {
  return g.ratePerS * (0.5 + uniform(seed, 0));
}

/** Flip instants: one per slot of `periodS` at a hashed offset inside it, so the mean period is exact. */
function flipsUpTo(g: Extract<Generator, { kind: 'flip' }>, seed: number, t: number): number {
  const slot = Math.floor(t / g.periodS);
  return slot + (t >= (slot + uniform(seed, slot)) * g.periodS ? 1 : 0);
}

/**
 * A discrete "version" of the value at scaled time t: the value can only differ where the state differs.
 * counter: the count; flip: the number of flips; uptime: whole seconds; gauge, randomWalk: the sample index.
 */
function stateAt(g: Generator, seed: number, t: number): number {
  switch (g.kind) {
    case 'counter':
      return Math.floor(counterRate(g, seed) * t);
    case 'flip':
      return flipsUpTo(g, seed, t);
    case 'uptime':
      return Math.floor(t);
    case 'gauge':
    case 'randomWalk':
      return Math.floor(t / g.intervalS);
  }
}

/** The value of a generated parameter `tS` seconds after boot. */
export function generatedValue(g: Generator, seed: number, tS: number, scale: number): string {
  const t = scaled(g, tS, scale);
  const state = stateAt(g, seed, t);
  switch (g.kind) {
    case 'counter':
      return String(state % g.wrap);
    case 'uptime':
      return String(state);
    case 'flip':
      return g.values[state % g.values.length]!;
    case 'gauge':
      return formatNumber(gaugeAt(g, seed, state), g.integral, g.min, g.max);
    case 'randomWalk':
      return formatNumber(walkAt(g, seed, state), g.integral, g.min, g.max);
  }
}

/**
 * Did the value change between tS0 and tS1 (seconds after boot)? A flip there and back again is a change
 * (the parameter did change; the Inform then reports its current value); a gauge or walk sample that came
 * out equal is not.
 */
export function changedBetween(g: Generator, seed: number, tS0: number, tS1: number, scale: number): boolean {
  const s0 = stateAt(g, seed, scaled(g, tS0, scale));
  const s1 = stateAt(g, seed, scaled(g, tS1, scale));
  if (s0 === s1) return false;
  if (g.kind !== 'gauge' && g.kind !== 'randomWalk') return true;
  return generatedValue(g, seed, tS0, scale) !== generatedValue(g, seed, tS1, scale);
}

/**
 * Seconds after boot (> tS) when the state next changes (gauge and walk: the next sample, which may come
 * out equal); Infinity when the value never changes (rate scale 0).
 */
export function nextChangeS(g: Generator, seed: number, tS: number, scale: number): number {
  const realScale = g.kind === 'uptime' ? 1 : scale;
  if (realScale <= 0) return Infinity;
  const t = scaled(g, tS, scale);
  let next: number;
  switch (g.kind) {
    case 'counter': {
      const rate = counterRate(g, seed);
      next = (Math.floor(rate * t) + 1) / rate;
      break;
    }
    case 'uptime':
      next = Math.floor(t) + 1;
      break;
    case 'gauge':
    case 'randomWalk':
      next = (Math.floor(t / g.intervalS) + 1) * g.intervalS;
      break;
    case 'flip': {
      const slot = Math.floor(t / g.periodS);
      const inSlot = (slot + uniform(seed, slot)) * g.periodS;
      next = t < inSlot ? inSlot : (slot + 1 + uniform(seed, slot + 1)) * g.periodS;
      break;
    }
  }
  return Math.max(next / realScale, tS);
}

/** Gauge: two slow waves and a little noise around the middle of min..max, never outside it. */
function gaugeAt(g: Extract<Generator, { kind: 'gauge' }>, seed: number, sample: number): number {
  const t = sample * g.intervalS;
  const wave1 = Math.sin(2 * Math.PI * (t / g.periodS + uniform(seed, -1)));
  const wave2 = Math.sin(2 * Math.PI * (t / (0.37 * g.periodS) + uniform(seed, -2)));
  const noise = 2 * uniform(seed, sample) - 1;
  const x = 0.6 * wave1 + 0.25 * wave2 + 0.15 * noise; // |x| <= 1
  return (g.min + g.max) / 2 + ((g.max - g.min) / 2) * x;
}

/** Levels of the walk's midpoint tree: samples 0..2^32 (136 years at one sample a second), then it repeats. */
const WALK_LEVELS = 32;
const WALK_SPAN = 2 ** WALK_LEVELS;

/**
 * Random walk without memory: a Brownian path drawn by midpoint displacement, so sample k costs one descent
 * of the tree (32 hashed normals) instead of k steps. Each sample differs from the previous by a normal of
 * standard deviation `step`; the path is reflected into min..max.
 */
function walkAt(g: Extract<Generator, { kind: 'randomWalk' }>, seed: number, sample: number): number {
  const k = sample % WALK_SPAN;
  let lo = 0;
  let hi = WALK_SPAN;
  let wLo = 0;
  let wHi = normal(seed, WALK_SPAN) * Math.sqrt(WALK_SPAN);
  while (k !== lo && k !== hi) {
    const mid = (lo + hi) / 2;
    const wMid = (wLo + wHi) / 2 + normal(seed, mid) * Math.sqrt((hi - lo) / 4);
    if (k < mid) [hi, wHi] = [mid, wMid];
    else [lo, wLo] = [mid, wMid];
  }
  const w = k === lo ? wLo : wHi;
  return reflect(g.start + g.step * w, g.min, g.max);
}

/** Folds x into [min, max] as a path bouncing off both walls. */
function reflect(x: number, min: number, max: number): number {
  const width = max - min;
  if (width === 0) return min;
  const span = 2 * width;
  const r = (((x - min) % span) + span) % span;
  return min + (r > width ? span - r : r);
}

function formatNumber(x: number, integral: boolean, min: number, max: number): string {
  const v = Math.min(max, Math.max(min, integral ? Math.round(x) : Math.round(x * 100) / 100));
  return String(v);
}
