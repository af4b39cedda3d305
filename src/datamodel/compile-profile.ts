/**
 * Turns a structurally valid profile document into the shared CompiledProfile tree, enforcing the
 * semantic rules a JSON schema cannot express (paths under the root, {i} placement, template variables,
 * defaults valid for their type and constraints, NumberOfEntries links). Every error is a located ConfigError.
 */
import type { CwmpVersion, ParamType } from '../cwmp/messages.js';
import {
  CompiledProfile,
  type ActiveNotify,
  type ForcedInformEntry,
  type ObjectNode,
  type ParamNode,
  type TableInfo,
  type TreeNode,
} from './compiled-profile.js';
import { compileGenerator, type Generator } from './generators.js';
import { firmwareTemplateProblem, type FirmwareVersionRule } from './firmware-rule.js';
import type { RawObject, RawParameter, RawProfile } from './profile-schema.js';
import { compileTemplate, TemplateError, type CompiledTemplate, type TemplateLimits, type ValueTemplate } from './template.js';
import { LENGTH_TYPES, normalizeValue, NUMERIC_TYPES, zeroValue, type ValueConstraints } from './value-types.js';
import type { YamlFile } from '../config/yaml-file.js';
import { compileQuirks } from '../quirks/catalogue.js';
import { QUIRK } from '../quirks/quirk-set.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type BuildObject = Mutable<ObjectNode> & { children: TreeNode[]; childByName: Map<string, TreeNode> };

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const INSTANCE = '{i}';

/** Where errors are located: a YamlFile, or the files of a profile merged from layers (profile-layers.ts). */
export type ProfileErrorLocator = Pick<YamlFile, 'error'>;

export function compileProfile(raw: RawProfile, file: string, where: ProfileErrorLocator): CompiledProfile {
  return new ProfileCompiler(raw, where).compile(file);
}

class ProfileCompiler {
  private readonly rootNode: BuildObject;
  /** objects: entries by generic path (tables get their TableInfo from here when created). */
  private readonly tableOverrides = new Map<string, { key: string; raw: RawObject }>();
  private parameterCount = 0;

  constructor(
    private readonly raw: RawProfile,
    private readonly where: ProfileErrorLocator,
  ) {
    this.rootNode = newObject(raw.root, `${raw.root}.`, undefined);
  }

  compile(file: string): CompiledProfile {
    const objects = Object.entries(this.raw.objects ?? {});
    for (const [key, raw] of objects) {
      const segments = this.checkPath(key, ['objects', key], true);
      const override = raw ?? {};
      // A single object may be listed (with no fields) to declare it when it has no parameters.
      const tableField = (['writable', 'instances', 'maxEntries', 'numEntries'] as const).find((f) => override[f] !== undefined);
      if (segments[segments.length - 1] !== INSTANCE && tableField) {
        throw this.where.error(`"${key}" is not a table (no ".{i}."): ${tableField} applies to tables only`, ['objects', key, tableField]);
      }
      if (override.maxEntries !== undefined && (override.instances ?? 1) > override.maxEntries) {
        throw this.where.error(`instances (${override.instances ?? 1}) exceeds maxEntries (${override.maxEntries})`, ['objects', key, 'instances']);
      }
      this.tableOverrides.set(key, { key, raw: override });
    }
    // Parameters first: they define the document order; tables with no parameters are appended after.
    for (const [key, raw] of Object.entries(this.raw.parameters ?? {})) this.addParameter(key, raw);
    for (const key of this.tableOverrides.keys()) this.objectAt(this.checkPath(key, ['objects', key], true), ['objects', key]);
    for (const { key, raw } of this.tableOverrides.values()) {
      if (raw.numEntries !== undefined) this.linkNumberOfEntries(key, raw.numEntries);
    }
    const quirks = compileQuirks(this.raw.quirks, this.where, {
      parameterType: (path) => {
        const node = this.nodeAt(path);
        return node?.kind === 'param' ? node.type : undefined;
      },
      isObject: (path) => this.nodeAt(path)?.kind === 'object',
    });
    // missingParameters: the device lacks them, so the shared tree does not have them (no per-RPC check).
    if (quirks.has(QUIRK.missingParameters)) for (const path of quirks.missingParameters) this.dropNode(path);
    const management = this.rootNode.childByName.get('ManagementServer');
    const parameterKey = management?.kind === 'object' && !management.table ? management.childByName.get('ParameterKey') : undefined;
    return new CompiledProfile({
      name: this.raw.profile,
      file,
      description: this.raw.description,
      cwmpVersion: (this.raw.cwmpVersion ?? 0) as CwmpVersion,
      rootNode: this.rootNode,
      deviceId: this.compileDeviceId(),
      parameterCount: this.parameterCount,
      forcedInform: collectParams(this.rootNode, (p) => p.forcedInform),
      generated: collectParams(this.rootNode, (p) => p.generator !== undefined),
      parameterKeyPath: parameterKey?.kind === 'param' ? parameterKey.genericPath : undefined,
      quirks,
      firmwareVersion: this.compileFirmwareRule(),
    });
  }

  /** The node at a generic path ("X.T.{i}.Name" or "X.T.{i}." for an object), if the tree has it. */
  private nodeAt(genericPath: string): TreeNode | undefined {
    const segments = genericPath.split('.');
    if (segments[0] !== this.raw.root) return undefined;
    if (segments[segments.length - 1] === '') segments.pop();
    let node: TreeNode = this.rootNode;
    for (const segment of segments.slice(1)) {
      if (segment === INSTANCE) {
        if (node.kind !== 'object' || !node.table) return undefined;
        continue;
      }
      if (node.kind !== 'object') return undefined;
      const child: TreeNode | undefined = node.childByName.get(segment);
      if (!child) return undefined;
      node = child;
    }
    return node.genericPath === genericPath ? node : undefined;
  }

  /** Removes a parameter or object subtree (checked to exist by compileQuirks) from the tree. */
  private dropNode(genericPath: string): void {
    const node = this.nodeAt(genericPath);
    if (node === undefined || node === this.rootNode) return;
    // What follows the parent's path: "Name", "Name." (object) or "Name.{i}." (table).
    const parentPath = genericPath.slice(0, genericPath.length - (node.kind === 'object' ? (node.table ? 5 : 1) : 0) - node.name.length);
    const parent = this.nodeAt(parentPath) as BuildObject;
    parent.children.splice(parent.children.indexOf(node), 1);
    parent.childByName.delete(node.name);
    this.parameterCount -= countParameters(node);
  }

  /** `firmware.softwareVersion`: "from-filename", a template, or regex rules (each regex compiled and checked here). */
  private compileFirmwareRule(): FirmwareVersionRule | undefined {
    const spec = this.raw.firmware?.softwareVersion;
    if (spec === undefined) return undefined;
    const at = ['firmware', 'softwareVersion'];
    if (typeof spec === 'string') {
      const template = spec === 'from-filename' ? '{{version}}' : spec;
      const problem = firmwareTemplateProblem(template);
      if (problem) throw this.where.error(problem, at);
      return { kind: 'template', template };
    }
    return {
      kind: 'rules',
      rules: spec.map((r, i) => {
        try {
          return { match: new RegExp(r.match), version: r.version };
        } catch (err) {
          throw this.where.error(`not a regular expression: ${(err as Error).message}`, [...at, i, 'match']);
        }
      }),
    };
  }

  /** Splits and checks a generic path; returns its segments without the trailing "" of an object path. */
  private checkPath(key: string, field: string[], isObject: boolean): string[] {
    const fail = (why: string): never => {
      throw this.where.error(`bad path "${key}": ${why}`, field);
    };
    const segments = key.split('.');
    if (segments[0] !== this.raw.root) fail(`not under the root "${this.raw.root}."`);
    if (isObject) {
      if (segments[segments.length - 1] !== '') fail('an object path must end with "."');
      segments.pop();
    }
    if (segments.length < 2) fail(isObject ? 'the root object cannot be configured' : 'a parameter needs an object');
    segments.forEach((segment, k) => {
      if (segment === INSTANCE) {
        if (k === 1 || segments[k - 1] === INSTANCE) fail('"{i}" must follow an object name below the root');
      } else if (!NAME_RE.test(segment)) {
        fail(segment.includes('{') ? `"${segment}": only "{i}" may stand for an instance number` : `"${segment}" is not a valid name`);
      }
    });
    if (!isObject && segments[segments.length - 1] === INSTANCE) fail('a parameter name cannot be "{i}"');
    return segments;
  }

  /** The object node for `segments` (["Root", "A", "T", "{i}", "B"]), created (in document order) if new. */
  private objectAt(segments: readonly string[], field: string[]): BuildObject {
    let node = this.rootNode;
    for (let k = 1; k < segments.length; k++) {
      const name = segments[k]!;
      if (name === INSTANCE) continue;
      const isTable = segments[k + 1] === INSTANCE;
      const genericPath = segments.slice(0, isTable ? k + 2 : k + 1).join('.') + '.';
      const existing = node.childByName.get(name);
      if (existing?.kind === 'param') throw this.where.error(`"${existing.genericPath}" is a parameter, not an object`, field);
      if (existing && existing.genericPath !== genericPath) {
        throw this.where.error(`"${name}" is used both as a table ("{i}") and as a single object`, field);
      }
      if (existing) {
        node = existing as BuildObject;
        continue;
      }
      const child = newObject(name, genericPath, isTable ? this.tableInfo(genericPath) : undefined);
      node.children.push(child);
      node.childByName.set(name, child);
      node = child;
    }
    return node;
  }

  private tableInfo(genericPath: string): TableInfo {
    const raw = this.tableOverrides.get(genericPath)?.raw ?? {};
    const instances = raw.instances ?? 1;
    return {
      writable: raw.writable ?? false,
      initialInstances: Object.freeze(Array.from({ length: instances }, (_, k) => k + 1)),
      maxEntries: raw.maxEntries,
    };
  }

  private addParameter(key: string, raw: RawParameter): void {
    const field = ['parameters', key];
    const segments = this.checkPath(key, field, false);
    const name = segments[segments.length - 1]!;
    const parent = this.objectAt(segments.slice(0, -1), field);
    if (parent.childByName.has(name)) throw this.where.error(`"${key}" is also an object path`, field);
    const type = raw.type as ParamType;
    const constraints = this.constraints(key, type, raw);
    const activeNotify: ActiveNotify = raw.activeNotify ?? 'normal';
    const forced = activeNotify === 'forceEnabled' || activeNotify === 'forceDefaultEnabled';
    if (activeNotify === 'forceEnabled' && raw.notification !== undefined && raw.notification !== 2) {
      throw this.where.error('activeNotify forceEnabled requires notification 2', [...field, 'notification']);
    }
    const value = this.parameterValue(key, segments, type, constraints, raw);
    const param: ParamNode = {
      kind: 'param',
      name,
      genericPath: key,
      type,
      writable: raw.writable ?? false,
      value,
      hidden: raw.hidden ?? false,
      notification: raw.notification ?? (forced ? 2 : 0),
      activeNotify,
      forcedInform: raw.forcedInform ?? false,
      constraints,
      countsTable: undefined,
      generator: this.generator(key, type, constraints, raw, value),
    };
    parent.children.push(param);
    parent.childByName.set(name, param);
    this.parameterCount++;
  }

  /**
   * The parameter's generator; a value that is exactly "{{uptime}}" is the uptime generator (one clock for
   * both spellings, and the value-change schedule sees it).
   */
  private generator(key: string, type: ParamType, constraints: ValueConstraints, raw: RawParameter, value: ValueTemplate): Generator | undefined {
    if (raw.generator !== undefined) {
      return compileGenerator(raw.generator, type, constraints, (message, field) => {
        throw this.where.error(message, ['parameters', key, 'generator', field]);
      });
    }
    const part = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : undefined;
    return typeof part === 'object' && (part as { kind: string }).kind === 'uptime' ? { kind: 'uptime' } : undefined;
  }

  private constraints(key: string, type: ParamType, raw: RawParameter): ValueConstraints {
    const field = (name: string): string[] => ['parameters', key, name];
    const integral = NUMERIC_TYPES.has(type) && type !== 'decimal';
    if (raw.range) {
      if (!NUMERIC_TYPES.has(type)) throw this.where.error(`range does not apply to type ${type}`, field('range'));
      const { min, max } = raw.range;
      if (integral && [min, max].some((b) => b !== undefined && !Number.isInteger(b))) {
        throw this.where.error(`range bounds of an ${type} must be integers`, field('range'));
      }
      if (min !== undefined && max !== undefined && min > max) throw this.where.error(`range min ${min} > max ${max}`, field('range'));
    }
    // For a list the lengths bound the whole comma-separated string, whatever the item type.
    if ((raw.minLength !== undefined || raw.maxLength !== undefined) && !LENGTH_TYPES.has(type) && !raw.list) {
      throw this.where.error(`minLength/maxLength do not apply to type ${type}`, field(raw.minLength !== undefined ? 'minLength' : 'maxLength'));
    }
    if (raw.minLength !== undefined && raw.maxLength !== undefined && raw.minLength > raw.maxLength) {
      throw this.where.error(`minLength ${raw.minLength} > maxLength ${raw.maxLength}`, field('minLength'));
    }
    let enumValues: Set<string> | undefined;
    if (raw.enum) {
      enumValues = new Set();
      raw.enum.forEach((value, k) => {
        const canonical = normalizeValue(type, {}, String(value));
        if (canonical === undefined) throw this.where.error(`enum value "${value}" is not a valid ${type}`, [...field('enum'), String(k)]);
        enumValues!.add(canonical);
      });
    }
    return { enumValues, min: raw.range?.min, max: raw.range?.max, minLength: raw.minLength, maxLength: raw.maxLength, list: raw.list ?? false };
  }

  /** The parameter's value: `value` (or the type's zero value), plus its `instanceValues` overrides if any. */
  private parameterValue(key: string, segments: readonly string[], type: ParamType, constraints: ValueConstraints, raw: RawParameter): ValueTemplate {
    const tables = tablePaths(segments);
    const limits: TemplateLimits = { tableDepth: tables.length, innermostInstances: this.initialCount(tables[tables.length - 1]) };
    const field = ['parameters', key];
    const otherwise = raw.value === undefined
      ? this.valueTemplate(zeroValue(type), 'default value', type, constraints, limits, field)
      : this.valueTemplate(String(raw.value), 'default value', type, constraints, limits, [...field, 'value']);
    if (raw.instanceValues === undefined) return otherwise;
    if (tables.length === 0) {
      throw this.where.error('instanceValues applies to parameters of tables only (no "{i}" in the path)', [...field, 'instanceValues']);
    }
    const byInstance = new Map<string, CompiledTemplate>();
    for (const [instanceKey, value] of Object.entries(raw.instanceValues)) {
      const keyField = [...field, 'instanceValues', instanceKey];
      this.checkInstanceKey(instanceKey, tables, keyField);
      byInstance.set(instanceKey, this.valueTemplate(String(value), `value for instance ${instanceKey}`, type, constraints, limits, keyField));
    }
    return { byInstance, otherwise };
  }

  /**
   * An instanceValues key names one profile-created instance: as many numbers as the path has tables,
   * written as the renderer joins them (no leading zeros), each within its table's `instances`. A key
   * that can never match is a typo, so it is rejected rather than silently ignored.
   */
  private checkInstanceKey(instanceKey: string, tables: readonly string[], field: string[]): void {
    const fail = (why: string): never => {
      throw this.where.error(`instanceValues key "${instanceKey}": ${why}`, field);
    };
    const numbers = instanceKey.split('.');
    if (!numbers.every((n) => /^[1-9]\d*$/.test(n))) fail('instance numbers are positive integers without leading zeros, joined with "."');
    if (numbers.length !== tables.length) fail(`the path has ${tables.length} table level(s) ("{i}"), the key has ${numbers.length}`);
    numbers.forEach((n, level) => {
      const count = this.initialCount(tables[level]);
      if (Number(n) > count) fail(`the profile creates ${count} instance(s) of "${tables[level]}", not ${n}`);
    });
  }

  /** Instances the profile creates in a table (per parent instance): its `instances`, default 1. */
  private initialCount(tablePath: string | undefined): number {
    return tablePath === undefined ? 1 : (this.tableOverrides.get(tablePath)?.raw.instances ?? 1);
  }

  /** A compiled value template; a literal must already be valid (and is stored canonical). */
  private valueTemplate(
    text: string,
    what: string,
    type: ParamType,
    constraints: ValueConstraints,
    limits: TemplateLimits,
    field: string[],
  ): CompiledTemplate {
    const template = this.template(text, limits, field);
    if (typeof template !== 'string') return template;
    const canonical = normalizeValue(type, constraints, template);
    if (canonical !== undefined) return canonical;
    const why = constraints.enumValues && normalizeValue(type, { ...constraints, enumValues: undefined }, template) !== undefined
      ? 'is not in enum'
      : `is not a valid ${type} under the parameter's constraints`;
    throw this.where.error(`${what} "${template}" ${why}`, field);
  }

  private template(text: string, limits: TemplateLimits, field: string[]): CompiledTemplate {
    try {
      return compileTemplate(text, limits);
    } catch (err) {
      if (err instanceof TemplateError) throw this.where.error(err.message, field);
      throw err;
    }
  }

  /** Makes `paramPath` the live instance count of table `tableKey` (creating it when the profile omits it). */
  private linkNumberOfEntries(tableKey: string, paramPath: string): void {
    const field = ['objects', tableKey, 'numEntries'];
    const tableSegments = tableKey.split('.').slice(0, -1); // [..., "T", "{i}"]
    const paramSegments = this.checkPath(paramPath, field, false);
    const parentKey = tableSegments.slice(0, -2).join('.');
    if (paramSegments.slice(0, -1).join('.') !== parentKey) {
      throw this.where.error(`numEntries "${paramPath}" must be a parameter of "${parentKey}."`, field);
    }
    const parent = this.objectAt(tableSegments.slice(0, -2), field);
    const table = parent.childByName.get(tableSegments[tableSegments.length - 2]!) as ObjectNode;
    const name = paramSegments[paramSegments.length - 1]!;
    const existing = parent.childByName.get(name);
    if (existing && (existing.kind !== 'param' || existing.type !== 'unsignedInt' || existing.writable)) {
      throw this.where.error(`numEntries "${paramPath}" must be a read-only unsignedInt parameter`, field);
    }
    if (existing) {
      (existing as Mutable<ParamNode>).countsTable = table;
      return;
    }
    const param: ParamNode = {
      kind: 'param', name, genericPath: paramPath, type: 'unsignedInt', writable: false, value: '0', hidden: false,
      notification: 0, activeNotify: 'normal', forcedInform: false, constraints: {}, countsTable: table,
    };
    parent.children.push(param);
    parent.childByName.set(name, param);
    this.parameterCount++;
  }

  private compileDeviceId(): CompiledProfile['deviceId'] {
    const id = this.raw.deviceId;
    const limits = { tableDepth: 0, deviceIdentity: true };
    return {
      manufacturer: this.template(id.manufacturer, limits, ['deviceId', 'manufacturer']),
      oui: id.oui,
      productClass: this.template(id.productClass, limits, ['deviceId', 'productClass']),
      serialNumber: this.template(id.serialNumber, limits, ['deviceId', 'serialNumber']),
    };
  }
}

function countParameters(node: TreeNode): number {
  if (node.kind === 'param') return 1;
  let n = 0;
  for (const child of node.children) n += countParameters(child);
  return n;
}

/** Generic paths of the tables along a path's segments, outermost first ("Root.T.{i}.", "Root.T.{i}.U.{i}."). */
function tablePaths(segments: readonly string[]): string[] {
  const out: string[] = [];
  segments.forEach((segment, k) => {
    if (segment === INSTANCE) out.push(segments.slice(0, k + 1).join('.') + '.');
  });
  return out;
}

function newObject(name: string, genericPath: string, table: TableInfo | undefined): BuildObject {
  return { kind: 'object', name, genericPath, table, children: [], childByName: new Map() };
}

/** The parameters `wanted` picks, in tree (document) order, each with its object chain. */
function collectParams(root: ObjectNode, wanted: (param: ParamNode) => boolean): ForcedInformEntry[] {
  const out: ForcedInformEntry[] = [];
  const chain: ObjectNode[] = [];
  const visit = (node: ObjectNode): void => {
    chain.push(node);
    for (const child of node.children) {
      if (child.kind === 'object') visit(child);
      else if (wanted(child)) out.push({ param: child, chain: chain.slice() });
    }
    chain.pop();
  };
  visit(root);
  return out;
}
