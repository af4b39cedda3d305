/**
 * Turns a BBF data model plus a ProfileSpec into profile YAML (the format the data-model loader
 * reads): the selected current objects and parameters in document order, one flow mapping per
 * parameter line, every value checked against its parameter's own constraints.
 */
import { Document, Scalar, YAMLMap } from 'yaml';
import { valueViolation } from './constraints.js';
import { BbfDataModelError } from './errors.js';
import { parentObjectPath, tablePaths } from './paths.js';
import type { ProfileSpec } from './profile-spec.js';
import { isTemplate, renderTemplateSample, type TemplateSampleContext } from './template-sample.js';
import type { BbfDataModel, BbfObject, BbfParameter, BbfSize, BbfSyntax } from './types.js';

export interface BuiltProfile {
  yaml: string;
  parameterCount: number;
  objectCount: number;
}

const ZERO_DATETIME = '0001-01-01T00:00:00Z';

/** The value a parameter has when nothing better is known: first enum value, range-clamped zero, or empty. */
function zeroValue(syntax: BbfSyntax): string {
  if (syntax.list) return '';
  if (syntax.enumeration.length) return syntax.enumeration[0]!;
  switch (syntax.baseType) {
    case 'boolean':
      return 'false';
    case 'dateTime':
      return ZERO_DATETIME;
    case 'int':
    case 'long':
    case 'unsignedInt':
    case 'unsignedLong':
    case 'decimal': {
      const range = syntax.ranges[0];
      if (range?.minInclusive !== undefined && Number(range.minInclusive) > 0) return range.minInclusive;
      if (range?.maxInclusive !== undefined && Number(range.maxInclusive) < 0) return range.maxInclusive;
      return '0';
    }
    default:
      return '';
  }
}

function toYamlNumber(bound: string, where: string): number {
  const n = Number(bound);
  if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) {
    throw new BbfDataModelError(where, `range bound ${bound} is not exactly representable in YAML`);
  }
  return n;
}

/** One interval covering all of a syntax's alternatives (the YAML format has a single range / length pair). */
function envelope<T>(items: readonly T[], low: (t: T) => number | undefined, high: (t: T) => number | undefined) {
  const lows = items.map(low);
  const highs = items.map(high);
  return {
    min: lows.length && lows.every((v) => v !== undefined) ? Math.min(...(lows as number[])) : undefined,
    max: highs.length && highs.every((v) => v !== undefined) ? Math.max(...(highs as number[])) : undefined,
  };
}

function parameterEntry(p: BbfParameter, value: string, forcedInform: boolean): Record<string, unknown> {
  const s = p.syntax;
  const entry: Record<string, unknown> = { type: s.baseType };
  if (p.access === 'readWrite') entry.writable = true;
  if (s.hidden || s.secured) entry.hidden = true;
  if (s.list) entry.list = true;
  entry.value = value;
  if (forcedInform) entry.forcedInform = true;
  if (p.activeNotify === 'forceEnabled' || p.activeNotify === 'forceDefaultEnabled') entry.notification = 2;
  if (p.activeNotify !== 'normal') entry.activeNotify = p.activeNotify;
  if (s.enumeration.length) entry.enum = s.enumeration;
  if (s.ranges.length) {
    const r = envelope(
      s.ranges,
      (x) => (x.minInclusive === undefined ? undefined : toYamlNumber(x.minInclusive, p.name)),
      (x) => (x.maxInclusive === undefined ? undefined : toYamlNumber(x.maxInclusive, p.name)),
    );
    const range: Record<string, number> = {};
    if (r.min !== undefined) range.min = r.min;
    if (r.max !== undefined) range.max = r.max;
    if (r.min !== undefined || r.max !== undefined) entry.range = range;
  }
  // For lists the YAML lengths bound the whole comma-separated value; per-item lengths have no field.
  const sizes: readonly BbfSize[] = s.list ? s.list.sizes : s.sizes;
  const len = envelope(sizes, (x) => x.minLength ?? 0, (x) => x.maxLength);
  if (len.min !== undefined && len.min > 0) entry.minLength = len.min;
  if (len.max !== undefined) entry.maxLength = len.max;
  return entry;
}

/** The entry with `instanceValues` placed right after `value`, where a reader looks for the value. */
function withInstanceValues(entry: Record<string, unknown>, instanceValues: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(entry)) {
    out[field] = v;
    if (field === 'value') out.instanceValues = instanceValues;
  }
  return out;
}

class ProfileBuilder {
  private readonly problems: string[] = [];
  private readonly byName = new Map<string, BbfObject>();
  private readonly parameters = new Map<string, BbfParameter>();

  constructor(private readonly model: BbfDataModel, private readonly spec: ProfileSpec) {
    for (const o of model.objects) {
      this.byName.set(o.name, o);
      for (const p of o.parameters) this.parameters.set(p.name, p);
    }
  }

  private fail(): never {
    throw new BbfDataModelError(this.model.file, `profile ${this.spec.profile}:\n  ${this.problems.join('\n  ')}`);
  }

  /** Current, and every enclosing object current too. */
  private isCurrent(o: BbfObject): boolean {
    for (let name = o.name; name; name = parentObjectPath(name)) {
      if (this.byName.get(name)?.status !== 'current') return false;
    }
    return true;
  }

  private selectObjects(): BbfObject[] {
    const rootName = `${this.spec.root}.`;
    const { include, exclude } = this.spec;
    for (const path of [...include, ...exclude]) {
      if (!this.model.objects.some((o) => o.name.startsWith(path))) this.problems.push(`${path}: no such object in ${this.model.model}`);
    }
    const selected = this.model.objects.filter(
      (o) =>
        (o.name === rootName || (include.some((p) => o.name.startsWith(p)) && !exclude.some((p) => o.name.startsWith(p)))) &&
        this.isCurrent(o),
    );
    const names = new Set(selected.map((o) => o.name));
    for (const o of selected) {
      const parent = parentObjectPath(o.name);
      if (o.name !== rootName && !names.has(parent)) this.problems.push(`${o.name}: its parent ${parent} is not included`);
    }
    for (const path of Object.keys(this.spec.instances)) {
      if (!names.has(path)) this.problems.push(`instances: ${path} is not an included object`);
    }
    return selected;
  }

  /** Initial instance count of each included table (per parent instance), checked against min/maxEntries. */
  private instanceCounts(selected: readonly BbfObject[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const o of selected) {
      const n = this.spec.instances[o.name] ?? 1;
      if (!o.multiInstance) {
        if (n !== 1) this.problems.push(`instances: ${o.name} is not a table`);
        continue;
      }
      // 0 is allowed where the model allows an empty table (a table the device fills itself, e.g. RouteHops).
      if (!Number.isInteger(n) || n < 0 || n < o.minEntries || (o.maxEntries !== undefined && n > o.maxEntries)) {
        this.problems.push(`instances: ${n} for ${o.name} outside ${o.minEntries}..${o.maxEntries ?? 'unbounded'}`);
      }
      counts.set(o.name, n);
    }
    return counts;
  }

  /** NumberOfEntries parameter -> its initial value: the table's instance count, 0 for tables left out. */
  private entryCounts(instances: ReadonlyMap<string, number>): Map<string, string> {
    const counts = new Map<string, string>();
    for (const o of this.model.objects) {
      if (o.numEntriesParameter === undefined || !this.isCurrent(o)) continue;
      counts.set(o.numEntriesParameter, String(instances.get(o.name) ?? 0));
    }
    return counts;
  }

  /** Template context for a parameter at the given instance numbers (one per enclosing table). */
  private sampleContext(instanceNumbers: readonly number[]): TemplateSampleContext {
    return { oui: this.spec.deviceId.oui, serialNumber: this.spec.deviceId.serialNumber, instanceNumbers };
  }

  /** Each enclosing table's highest initial instance number: the worst case for {{i}} in a value. */
  private highestInstances(parameterName: string, instances: ReadonlyMap<string, number>): number[] {
    return tablePaths(parameterName).map((table) => instances.get(table) ?? 1);
  }

  /** Records a problem when `value` (a template rendered at `instanceNumbers`) violates the parameter's syntax. */
  private checkValue(p: BbfParameter, value: string, instanceNumbers: readonly number[], label: string): void {
    const sample = isTemplate(value) ? renderTemplateSample(value, this.sampleContext(instanceNumbers)) : value;
    const problem = valueViolation(sample, p.syntax);
    if (problem) this.problems.push(`${p.name}: ${label} ${JSON.stringify(value)}: ${problem}`);
  }

  private chooseValue(p: BbfParameter, counts: ReadonlyMap<string, string>, instances: ReadonlyMap<string, number>): string {
    const chosen = this.spec.values[p.name] ?? counts.get(p.name);
    if (chosen !== undefined) {
      this.checkValue(p, chosen, this.highestInstances(p.name, instances), 'value');
      return chosen;
    }
    const fallback = p.syntax.defaultValue;
    if (fallback !== undefined && !isTemplate(fallback) && valueViolation(fallback, p.syntax) === undefined) return fallback;
    const zero = zeroValue(p.syntax);
    const problem = valueViolation(zero, p.syntax);
    if (problem) this.problems.push(`${p.name}: no valid default (${problem}); give a value in the spec`);
    return zero;
  }

  /**
   * The spec's per-instance values of `p`, checked like the loader does (one number per table, each
   * within the table's initial instances) and each rendered at its own instance numbers.
   */
  private chooseInstanceValues(p: BbfParameter, instances: ReadonlyMap<string, number>): Record<string, string> | undefined {
    const byKey = this.spec.instanceValues?.[p.name];
    if (byKey === undefined) return undefined;
    const tables = tablePaths(p.name);
    for (const [key, value] of Object.entries(byKey)) {
      const numbers = key.split('.').map((n) => (/^[1-9]\d*$/.test(n) ? Number(n) : NaN));
      const bad = numbers.length !== tables.length || numbers.some((n, level) => !(n <= (instances.get(tables[level]!) ?? 1)));
      if (bad) this.problems.push(`${p.name}: instanceValues key "${key}" does not name an initial instance of ${tables.join(' / ') || 'a table'}`);
      else this.checkValue(p, value, numbers, `instanceValues["${key}"]`);
    }
    return byKey;
  }

  build(): BuiltProfile {
    const selected = this.selectObjects();
    const instances = this.instanceCounts(selected);
    const counts = this.entryCounts(instances);
    const forced = new Set(this.spec.forcedInform);
    const parameterEntries: Record<string, Record<string, unknown>> = {};
    const objectEntries: Record<string, Record<string, unknown>> = {};
    const hasParametersBelow = new Set<string>();

    for (const o of selected) {
      const current = o.parameters.filter((p) => p.status === 'current');
      if (current.length) {
        for (let name = o.name; name; name = parentObjectPath(name)) hasParametersBelow.add(name);
      }
      for (const p of current) {
        const entry = parameterEntry(p, this.chooseValue(p, counts, instances), p.forcedInform || forced.has(p.name));
        const perInstance = this.chooseInstanceValues(p, instances);
        const generator = this.spec.generators?.[p.name];
        if (generator !== undefined) entry.generator = generator;
        parameterEntries[p.name] = perInstance ? withInstanceValues(entry, perInstance) : entry;
      }
    }
    for (const o of selected) {
      if (!o.multiInstance && hasParametersBelow.has(o.name)) continue;
      const entry: Record<string, unknown> = {};
      if (o.multiInstance) {
        if (o.access === 'readWrite') entry.writable = true;
        const n = instances.get(o.name)!;
        if (n !== 1) entry.instances = n;
        if (o.maxEntries !== undefined) entry.maxEntries = o.maxEntries;
        if (o.numEntriesParameter !== undefined) entry.numEntries = o.numEntriesParameter;
      }
      objectEntries[o.name] = entry;
    }
    for (const path of [...Object.keys(this.spec.values), ...Object.keys(this.spec.instanceValues ?? {}), ...forced, ...Object.keys(this.spec.generators ?? {})]) {
      if (!(path in parameterEntries)) {
        this.problems.push(`${path}: not a current parameter of an included object`);
      }
    }
    if (this.problems.length) this.fail();

    const doc = new Document({
      profile: this.spec.profile,
      ...(this.spec.extends === undefined ? {} : { extends: this.spec.extends }),
      description: this.spec.description,
      root: this.spec.root,
      cwmpVersion: this.spec.cwmpVersion,
      deviceId: this.spec.deviceId,
      objects: objectEntries,
      parameters: parameterEntries,
    });
    doc.commentBefore = [
      ` Generated by scripts/generate-profiles.ts from ${this.spec.source} (${this.model.model}). Do not edit by hand:`,
      ` change the spec in ${this.spec.specFile ?? 'src/bbf/gateway-profiles.ts'} and run node dist/scripts/generate-profiles.js.`,
      ` Data-model content (c) Broadband Forum, BSD-3-Clause; the licence notice is in profiles/BBF-LICENSE.`,
    ].join('\n');
    for (const section of ['objects', 'parameters']) {
      for (const pair of (doc.get(section) as YAMLMap).items) (pair.value as YAMLMap).flow = true;
    }
    // Values are always strings: quote them all so no reader can take "1.0" or a date for another type;
    // instance keys too ("1.10" must not read as the number 1.1).
    for (const pair of (doc.get('parameters') as YAMLMap).items) {
      const entry = pair.value as YAMLMap;
      (entry.get('value', true) as Scalar).type = Scalar.QUOTE_DOUBLE;
      const perInstance = entry.get('instanceValues', true) as YAMLMap | undefined;
      for (const item of perInstance?.items ?? []) {
        (item.key as Scalar).type = Scalar.QUOTE_DOUBLE;
        (item.value as Scalar).type = Scalar.QUOTE_DOUBLE;
      }
    }
    return {
      yaml: doc.toString({ lineWidth: 0, flowCollectionPadding: true }),
      parameterCount: Object.keys(parameterEntries).length,
      objectCount: selected.length,
    };
  }
}

export function buildProfileYaml(model: BbfDataModel, spec: ProfileSpec): BuiltProfile {
  if (model.objects[0]?.name !== `${spec.root}.`) {
    throw new BbfDataModelError(model.file, `profile ${spec.profile}: model root is ${model.objects[0]?.name}, spec says ${spec.root}.`);
  }
  return new ProfileBuilder(model, spec).build();
}
