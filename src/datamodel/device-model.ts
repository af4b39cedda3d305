/**
 * One simulated device's data model: the shared CompiledProfile plus a sparse per-device overlay
 * (values, attributes, table instance changes, pending value changes). Maps are created on the first
 * change, so a device that was never written to holds no per-parameter state at all.
 * RPC semantics follow TR-069 Annex A.3.2; errors are CwmpFault.
 */
import type {
  DeviceIdStruct,
  ParameterAttribute,
  ParameterInfo,
  ParameterValue,
  ParamType,
  SetParameterAttributesStruct,
} from '../cwmp/messages.js';
import { CwmpFault, type ParameterFault } from '../cwmp/faults.js';
import { CpesimError } from '../errors.js';
import type { CompiledProfile, ForcedInformEntry, ObjectNode, ParamNode, TreeNode } from './compiled-profile.js';
import { changedBetween, generatedValue, generatorSeed, nextChangeS, type Generator } from './generators.js';
import { renderTemplate, type CompiledTemplate, type DeviceScope } from './template.js';
import { normalizeValue, zeroValue } from './value-types.js';
import { QUIRK, READ_QUIRKS, WRITE_QUIRKS } from '../quirks/quirk-set.js';

export interface DeviceContext {
  index: number;
  connectionRequestUrl: string;
  /** Epoch milliseconds (Date.now() clock) of the device's boot; {{uptime}} counts from it. */
  bootTimeMs: number;
  /**
   * Values the device has from power-on instead of the profile's (a scenario's PeriodicInformInterval), by
   * parameter path; one map shared by many devices, so none holds an overlay for them. Check it once with
   * DeviceModel.checkInitialValues.
   */
  initialValues?: ReadonlyMap<string, string>;
  /** Multiplies the pace of the value generators (uptime excepted); 0 holds them at their boot values. Default 1. */
  valueChangeScale?: number;
}

/**
 * A device's overlay as plain JSON (DeviceModel.snapshotState): changed values by path, attributes as
 * [notification, accessList], changed tables (instances added, profile instances deleted, the next AddObject
 * number), and the paths with a pending value change. Every key is optional.
 */
export interface ModelSnapshot {
  values?: Record<string, string>;
  attributes?: Record<string, [0 | 1 | 2, string[]]>;
  tables?: Record<string, { added: number[]; deleted?: number[]; next: number }>;
  pending?: string[];
}

/** Instance changes of one concrete table ("X.T." under one parent instance). */
interface TableState {
  /** Instances created by AddObject, ascending (numbers only grow). */
  readonly added: number[];
  /** Deleted instances among the profile's initial ones. */
  deleted: Set<number> | undefined;
  /** Next AddObject instance number: never reuses a number, even after DeleteObject. */
  next: number;
}

interface Attributes {
  readonly notification: 0 | 1 | 2;
  readonly accessList: string[];
}

/**
 * A resolved concrete path. form: 'object' (single object or root), 'table' ("X.T."), 'instance'
 * ("X.T.3."), 'param'. `underAdded`: the location lies in an instance created by AddObject, whose
 * sub-tables start empty. `initialCount`: for table/instance forms, the table's profile instances here.
 */
interface Location {
  readonly node: TreeNode;
  readonly form: 'object' | 'table' | 'instance' | 'param';
  readonly path: string;
  readonly instances: number[];
  readonly underAdded: boolean;
  readonly initialCount: number;
}

/** Callbacks of a tree walk; `instances` is a shared stack, valid only during the call. */
interface Visitor {
  object?(path: string, writable: boolean): void;
  param?(node: ParamNode, path: string, instances: readonly number[], underAdded: boolean): void;
}

const NO_INSTANCES: readonly number[] = Object.freeze([]);

/**
 * A device's scope as one object literal: its properties live in the object itself (a spread would put them in
 * a separate properties array), and every scope shares one hidden class. Held per device, so bytes count.
 */
function deviceScope(index: number, serial: string, oui: string, crUrl: string, bootTimeMs: number): DeviceScope {
  return { index, serial, oui, crUrl, bootTimeMs };
}

/**
 * The same string, flat: strings built by concatenation are trees of pieces (a "cons string" per `+`), several
 * times the size of their text. Reading a character flattens the tree in place, and the garbage collector then
 * drops the pieces; a string a device keeps for its lifetime should not carry them.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** The instance number written in path[start, end) ("1", "42"; no sign, no leading zero), or 0 when it is none. */
function instanceNumber(path: string, start: number, end: number): number {
  if (end === start || end - start > 9 || path.charCodeAt(start) === 0x30) return 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = path.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  return n;
}

export class DeviceModel {
  private readonly profile: CompiledProfile;
  /** Replaced (not mutated) by restartedAt(): templates read it per call. */
  private scope: DeviceScope;
  private readonly initialValues: ReadonlyMap<string, string> | undefined;
  // The overlay: all undefined until the first change.
  private values: Map<string, string> | undefined;
  private attributes: Map<string, Attributes> | undefined;
  private tables: Map<string, TableState> | undefined;
  /**
   * Paths with notification 1/2 the device changed (setInternal, generators) and the ACS has not been told
   * yet; plain strings, so the set can be saved and restored as it is.
   */
  private pendingChanges: Set<string> | undefined;
  /** The pending changes the Inform in flight reports: confirmInform() clears these, not later ones. */
  private informed: Set<string> | undefined;
  /** Epoch ms up to which generator changes have been looked at (NaN: not yet, no baseline). */
  private changesCheckedAtMs = Number.NaN;
  private readonly changeScale: number;

  constructor(profile: CompiledProfile, ctx: DeviceContext) {
    this.profile = profile;
    const { oui } = profile.deviceId;
    const crUrl = flat(ctx.connectionRequestUrl);
    // deviceId templates cannot use {{serial}}, so rendering the serial against a scope without it is safe.
    const serial = flat(renderTemplate(profile.deviceId.serialNumber, deviceScope(ctx.index, '', oui, crUrl, ctx.bootTimeMs), NO_INSTANCES));
    this.scope = deviceScope(ctx.index, serial, oui, crUrl, ctx.bootTimeMs);
    this.initialValues = ctx.initialValues;
    this.changeScale = ctx.valueChangeScale ?? 1;
  }

  /** Throws CPESIM_DATAMODEL_PATH unless every path of `values` is a parameter of the profile (on any device). */
  static checkInitialValues(profile: CompiledProfile, values: ReadonlyMap<string, string>): void {
    const probe = new DeviceModel(profile, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 });
    for (const path of values.keys()) {
      if (probe.resolve(path)?.form !== 'param') throw new CpesimError('CPESIM_DATAMODEL_PATH', `initial value for ${path}: no such parameter`);
    }
  }

  /** The device restarted (Reboot): {{uptime}} counts from `bootTimeMs` (epoch ms) again; the overlay survives. */
  restartedAt(bootTimeMs: number): void {
    const s = this.scope;
    this.scope = deviceScope(s.index, s.serial, s.oui, s.crUrl, bootTimeMs);
  }

  /** A template (scenario-level, e.g. an XMPP username "cpe-{{serial}}") rendered for this device; no instance variables. */
  render(template: CompiledTemplate): string {
    return renderTemplate(template, this.scope, NO_INSTANCES);
  }

  /** Built per call (once per Inform), not cached: an idle fleet of a million devices holds none of these. */
  deviceId(): DeviceIdStruct {
    const manufacturer = renderTemplate(this.profile.deviceId.manufacturer, this.scope, NO_INSTANCES);
    return {
      manufacturer: this.profile.quirks.flags & QUIRK.manufacturerNewline ? manufacturer + '\n' : manufacturer,
      oui: this.scope.oui,
      productClass: renderTemplate(this.profile.deviceId.productClass, this.scope, NO_INSTANCES),
      serialNumber: this.scope.serial,
    };
  }

  // ------------------------------------------------------------------ RPCs (TR-069 A.3.2)

  getParameterNames(parameterPath: string, nextLevel: boolean): ParameterInfo[] {
    if (parameterPath === '' && nextLevel) return [{ name: this.profile.rootNode.genericPath, writable: false }];
    const at = this.locate(parameterPath);
    if (at.form === 'param') {
      if (nextLevel) throw new CwmpFault(9003, `NextLevel true with a parameter name: ${parameterPath}`);
      return [{ name: at.path, writable: this.reportedWritable(at.node as ParamNode) }];
    }
    const out: ParameterInfo[] = [];
    this.walk(at, !nextLevel, !nextLevel, {
      object: (name, writable) => out.push({ name, writable }),
      param: (node, name) => out.push({ name, writable: this.reportedWritable(node) }),
    });
    return out;
  }

  getParameterValues(names: string[]): ParameterValue[] {
    const out: ParameterValue[] = [];
    const visitor: Visitor = {
      param: (node, name, instances, underAdded) => out.push(this.readValue(node, name, instances, underAdded)),
    };
    for (const name of names) this.walk(this.locate(name), true, false, visitor);
    return out;
  }

  /** All-or-nothing: every entry is checked before anything is applied. */
  setParameterValues(list: ParameterValue[], parameterKey: string): 0 | 1 {
    const seen = new Set<string>();
    const faults: ParameterFault[] = [];
    const accepted: [string, string][] = [];
    for (const { name, value, type } of list) {
      if (seen.has(name)) throw new CwmpFault(9003, `parameter ${name} appears more than once`);
      seen.add(name);
      const at = this.resolve(name);
      if (!at || at.form !== 'param') {
        faults.push(CwmpFault.parameter(name, 9005));
        continue;
      }
      const node = at.node as ParamNode;
      const text = this.profile.quirks.flags & WRITE_QUIRKS ? this.quirkyWriteText(node, value) : value;
      const canonical = text === undefined ? undefined : normalizeValue(node.type, node.constraints, text);
      const code = !node.writable ? 9008 : !typeAccepted(type, node) ? 9006 : canonical === undefined ? 9007 : 0;
      if (code) faults.push(CwmpFault.parameter(name, code));
      else accepted.push([name, canonical!]);
    }
    if (faults.length > 0) throw new CwmpFault(9003, `${faults.length} parameter(s) rejected`, faults);
    const values = (this.values ??= new Map());
    for (const [name, value] of accepted) {
      values.set(name, value);
      // The ACS set it: a change the device made before is superseded, and the ACS's own is never notified.
      this.pendingChanges?.delete(name);
    }
    this.setParameterKey(parameterKey);
    return 0;
  }

  getParameterAttributes(names: string[]): ParameterAttribute[] {
    const out: ParameterAttribute[] = [];
    const visitor: Visitor = {
      param: (node, name) => {
        const attrs = this.attributes?.get(name);
        out.push({ name, notification: attrs?.notification ?? node.notification, accessList: attrs ? attrs.accessList.slice() : [] });
      },
    };
    for (const name of names) this.walk(this.locate(name), true, false, visitor);
    return out;
  }

  /**
   * All-or-nothing. A notification the parameter refuses (activeNotify canDeny + 2, forceEnabled + not 2)
   * faults 9009 when the parameter is named in full; under a partial path such parameters keep their
   * notification and the rest of the request applies (a subtree request should not fail on one of them).
   */
  setParameterAttributes(list: SetParameterAttributesStruct[]): void {
    const changes: { node: ParamNode; path: string; request: SetParameterAttributesStruct; notify: boolean }[] = [];
    for (const request of list) {
      const at = this.locate(request.name);
      this.walk(at, true, false, {
        param: (node, path) => {
          const notify = request.notificationChange && notificationAllowed(node, request.notification);
          if (request.notificationChange && !notify && at.form === 'param') {
            throw new CwmpFault(9009, `${path}: notification ${request.notification} refused (activeNotify ${node.activeNotify})`);
          }
          changes.push({ node, path, request, notify });
        },
      });
    }
    for (const { node, path, request, notify } of changes) {
      const current = this.attributes?.get(path);
      const notification = notify ? request.notification : (current?.notification ?? node.notification);
      const accessList = request.accessListChange ? request.accessList.slice() : (current?.accessList ?? []);
      const attributes = (this.attributes ??= new Map());
      // Attributes back at the profile defaults leave the overlay, keeping it sparse.
      if (notification === node.notification && accessList.length === 0) attributes.delete(path);
      else attributes.set(path, { notification, accessList });
    }
  }

  /**
   * AddObject on anything but an existing table path ("X.T.") faults 9005. A read-only table faults 9005
   * too: TR-069 associates 9005 with AddObject/DeleteObject names that do not denote a creatable
   * (writable, multi-instance) object, and 9001 "Request denied" would tell the ACS to retry in vain.
   */
  addObject(objectName: string, parameterKey: string): { instanceNumber: number; status: 0 | 1 } {
    const at = objectName.endsWith('.') ? this.resolve(objectName) : undefined;
    if (!at || at.form !== 'table') throw new CwmpFault(9005, `not a table object: ${objectName}`);
    if (!(at.node as ObjectNode).table!.writable) throw new CwmpFault(9005, `table does not allow AddObject: ${objectName}`);
    const instanceNumber = this.addInstance(at, objectName);
    this.setParameterKey(parameterKey);
    return { instanceNumber, status: 0 };
  }

  /** DeleteObject: only an existing instance ("X.T.n.") of a writable table; 9005 otherwise (see addObject). */
  deleteObject(objectName: string, parameterKey: string): 0 | 1 {
    const at = objectName.endsWith('.') ? this.resolve(objectName) : undefined;
    if (!at || at.form !== 'instance') throw new CwmpFault(9005, `not an object instance: ${objectName}`);
    if (!(at.node as ObjectNode).table!.writable) throw new CwmpFault(9005, `table does not allow DeleteObject: ${objectName}`);
    this.deleteInstance(at, objectName);
    this.setParameterKey(parameterKey);
    return 0;
  }

  /**
   * An instance the device creates itself (also in a read-only table, e.g. a software DeploymentUnit): its
   * number. Throws CPESIM_DATAMODEL_PATH when `tablePath` ("X.T.") is no table, CwmpFault 9004 at maxEntries.
   */
  addObjectInternal(tablePath: string): number {
    const at = tablePath.endsWith('.') ? this.resolve(tablePath) : undefined;
    if (!at || at.form !== 'table') throw new CpesimError('CPESIM_DATAMODEL_PATH', `addObjectInternal: no table ${tablePath}`);
    return this.addInstance(at, tablePath);
  }

  /** An instance ("X.T.n.") the device removes itself; throws CPESIM_DATAMODEL_PATH when there is none. */
  deleteObjectInternal(objectName: string): void {
    const at = objectName.endsWith('.') ? this.resolve(objectName) : undefined;
    if (!at || at.form !== 'instance') throw new CpesimError('CPESIM_DATAMODEL_PATH', `deleteObjectInternal: no instance ${objectName}`);
    this.deleteInstance(at, objectName);
  }

  private addInstance(at: Location, objectName: string): number {
    const table = (at.node as ObjectNode).table!;
    if (table.maxEntries !== undefined && this.liveInstances(at.node as ObjectNode, at.path, at.underAdded).length >= table.maxEntries) {
      throw new CwmpFault(9004, `${objectName} already has maxEntries (${table.maxEntries}) instances`);
    }
    const state = this.tableState(at.path, at.initialCount);
    const instanceNumber = state.next++;
    state.added.push(instanceNumber);
    return instanceNumber;
  }

  private deleteInstance(at: Location, objectName: string): void {
    const instance = at.instances[at.instances.length - 1]!;
    const tablePath = objectName.slice(0, objectName.length - String(instance).length - 1);
    const state = this.tableState(tablePath, at.initialCount);
    if (instance <= at.initialCount) (state.deleted ??= new Set()).add(instance);
    else state.added.splice(state.added.indexOf(instance), 1);
    this.purge(objectName);
  }

  // ------------------------------------------------------------------ device-internal access

  /** Current raw value (hidden values unmasked); undefined when `path` is not an existing parameter. */
  get(path: string): string | undefined {
    const at = this.resolve(path);
    return at?.form === 'param' ? this.valueOf(at.node as ParamNode, path, at.instances, at.underAdded) : undefined;
  }

  /** A change made by the device itself: recorded for the next Inform when the notification is 1 or 2 (unless `notify` is false). */
  setInternal(path: string, value: string, notify: boolean = true): void {
    const at = this.resolve(path);
    if (at?.form !== 'param') throw new CpesimError('CPESIM_DATAMODEL_PATH', `setInternal: no parameter ${path}`);
    const node = at.node as ParamNode;
    if (this.valueOf(node, path, at.instances, at.underAdded) === value) return;
    (this.values ??= new Map()).set(path, value);
    if (notify && this.notificationOf(node, path) > 0) this.noteChange(path);
  }

  /**
   * Records the generated parameters (notification 1/2) whose value changed since the last look, up to
   * `nowMs` (epoch ms). Called before an Inform is built and by the value-change schedule. The first look
   * only sets the baseline: the first Inform reports the values as they are, not as changes.
   */
  recordGeneratedChanges(nowMs: number): void {
    const bootMs = this.scope.bootTimeMs;
    const checked = this.changesCheckedAtMs;
    this.changesCheckedAtMs = nowMs;
    if (Number.isNaN(checked)) return;
    const since = Math.max(checked, bootMs);
    if (nowMs <= since) return;
    this.forEachNotifyingGenerated((g, path) => {
      const seed = generatorSeed(this.scope.index, path);
      if (changedBetween(g, seed, (since - bootMs) / 1000, (nowMs - bootMs) / 1000, this.changeScale)) this.noteChange(path);
    });
  }

  /**
   * Epoch ms of the next change of a generated parameter that would be news to the ACS (notification 1/2,
   * not already waiting for an Inform); Infinity when none is due.
   */
  nextGeneratedChangeMs(nowMs: number): number {
    const bootMs = this.scope.bootTimeMs;
    const t = Math.max(0, (nowMs - bootMs) / 1000);
    let next = Infinity;
    this.forEachNotifyingGenerated((g, path) => {
      if (this.pendingChanges?.has(path) && !this.informed?.has(path)) return;
      next = Math.min(next, bootMs + 1000 * nextChangeS(g, generatorSeed(this.scope.index, path), t, this.changeScale));
    });
    return next;
  }

  /** The pending value changes (paths), for saving a device's state. */
  pendingValueChangePaths(): string[] {
    return [...(this.pendingChanges ?? [])];
  }

  /** Restores saved pending value changes; paths that name no parameter (any more) are dropped. */
  restorePendingValueChanges(paths: readonly string[]): void {
    for (const path of paths) if (this.resolve(path)?.form === 'param') this.noteChange(path);
  }

  /**
   * A table the device fills itself (a traceroute's RouteHops): its instances become 1..count, whatever it held
   * before (values of the old instances are dropped). Only for tables the profile starts empty, so the numbers
   * never meet profile-created instances. Throws CPESIM_DATAMODEL_PATH for anything else.
   */
  replaceInstancesInternal(tablePath: string, count: number): void {
    const at = tablePath.endsWith('.') ? this.resolve(tablePath) : undefined;
    if (at?.form !== 'table' || at.initialCount !== 0 || !Number.isSafeInteger(count) || count < 0) {
      throw new CpesimError('CPESIM_DATAMODEL_PATH', `replaceInstancesInternal: ${tablePath} is not an initially empty table (or count ${count} is invalid)`);
    }
    this.purge(tablePath);
    if (count === 0) return;
    this.tableState(tablePath, 0).added.push(...Array.from({ length: count }, (_, k) => k + 1));
    this.tables!.get(tablePath)!.next = count + 1;
  }

  /** The highest notification level among pending value changes (2: an active notification is due). */
  pendingValueChange(): 0 | 1 | 2 {
    let level: 0 | 1 | 2 = 0;
    for (const path of this.pendingChanges ?? []) {
      const at = this.resolve(path);
      if (at?.form === 'param') level = Math.max(level, this.notificationOf(at.node as ParamNode, path)) as 0 | 1 | 2;
    }
    return level;
  }

  /**
   * Forced-inform parameters over the live instances, then pending notification 1/2 value changes, each with
   * its current value (a value changed and changed back is still reported: it did change). A pending change
   * whose notification the ACS has turned off since is left out.
   */
  informParameters(forcedOnly: boolean = false): ParameterValue[] {
    this.recordGeneratedChanges(Date.now());
    const out: ParameterValue[] = [];
    const root = this.profile.rootNode.genericPath;
    const forced: Visitor['param'] = (node, path, instances, underAdded) => out.push(this.readValue(node, path, instances, underAdded));
    for (const entry of this.profile.forcedInform) this.expandEntry(entry, 1, root, false, [], forced);
    this.informed = undefined;
    // forcedOnly (a heartbeat Inform): the changes stay pending, confirmInform() clears none.
    if (!forcedOnly && this.pendingChanges?.size) {
      const listed = new Set(out.map((p) => p.name));
      for (const path of this.pendingChanges) {
        const at = this.resolve(path);
        if (!at || at.form !== 'param' || this.notificationOf(at.node as ParamNode, path) === 0) continue;
        (this.informed ??= new Set()).add(path);
        if (!listed.has(path)) out.push(this.readValue(at.node as ParamNode, path, at.instances, at.underAdded));
      }
    }
    return out;
  }

  /** The InformResponse arrived: the changes that Inform reported are delivered (later ones stay pending). */
  confirmInform(): void {
    const pending = this.pendingChanges;
    if (pending) for (const path of this.informed ?? []) pending.delete(path);
    if (pending?.size === 0) this.pendingChanges = undefined;
    this.informed = undefined;
  }

  factoryReset(): void {
    this.values = undefined;
    this.attributes = undefined;
    this.tables = undefined;
    this.pendingChanges = undefined;
    this.informed = undefined;
    this.changesCheckedAtMs = Number.NaN;
  }

  /**
   * The overlay as a plain JSON-able object (a state file keeps it between runs); keys are omitted when empty, so
   * an untouched device is `{}`. Hidden values (passwords the ACS set) are included as they are.
   */
  snapshotState(): ModelSnapshot {
    const out: ModelSnapshot = {};
    if (this.values?.size) out.values = Object.fromEntries(this.values);
    if (this.attributes?.size) out.attributes = Object.fromEntries([...this.attributes].map(([p, a]) => [p, [a.notification, a.accessList.slice()]]));
    if (this.tables?.size) {
      out.tables = Object.fromEntries([...this.tables].map(([p, t]) => [p, { added: t.added.slice(), next: t.next, ...(t.deleted?.size ? { deleted: [...t.deleted] } : {}) }]));
    }
    if (this.pendingChanges?.size) out.pending = [...this.pendingChanges];
    return out;
  }

  /**
   * Replaces the overlay with a snapshotState() result (of this profile). Every path is checked against the
   * profile: a table or parameter it lacks, or a malformed entry, throws CPESIM_STATE_MISMATCH and leaves the
   * device untouched.
   */
  restoreState(state: ModelSnapshot): void {
    const mismatch = (what: string) => new CpesimError('CPESIM_STATE_MISMATCH', what);
    if (typeof state !== 'object' || state === null) throw mismatch('model state is not an object');
    const saved = { values: this.values, attributes: this.attributes, tables: this.tables, pendingChanges: this.pendingChanges };
    try {
      this.factoryReset();
      // Outer tables first: an inner table lies in an instance the outer one's state makes live.
      for (const [path, t] of Object.entries(state.tables ?? {}).sort((a, b) => a[0].length - b[0].length)) {
        const at = this.resolve(path);
        if (at?.form !== 'table') throw mismatch(`${path}: no such table`);
        const numbers = (list: unknown) => Array.isArray(list) && list.every((n) => Number.isSafeInteger(n) && n > 0);
        if (!numbers(t.added) || (t.deleted !== undefined && !numbers(t.deleted)) || !Number.isSafeInteger(t.next)) throw mismatch(`${path}: malformed table state`);
        const deleted = t.deleted?.length ? new Set(t.deleted) : undefined;
        (this.tables ??= new Map()).set(path, { added: t.added.slice(), deleted, next: t.next });
      }
      const param = (path: string) => {
        const at = this.resolve(path);
        if (at?.form !== 'param') throw mismatch(`${path}: no such parameter`);
        return at.node as ParamNode;
      };
      for (const [path, value] of Object.entries(state.values ?? {})) {
        // Only the type: device-made values (setInternal) were never held to the parameter's constraints.
        param(path);
        if (typeof value !== 'string') throw mismatch(`${path}: value ${JSON.stringify(value)} is not a string`);
        (this.values ??= new Map()).set(path, value);
      }
      for (const [path, a] of Object.entries(state.attributes ?? {})) {
        param(path);
        if (!Array.isArray(a) || ![0, 1, 2].includes(a[0]) || !Array.isArray(a[1]) || !a[1].every((s) => typeof s === 'string')) throw mismatch(`${path}: malformed attributes`);
        (this.attributes ??= new Map()).set(path, { notification: a[0], accessList: a[1].slice() });
      }
      for (const path of state.pending ?? []) {
        param(path);
        (this.pendingChanges ??= new Set()).add(path);
      }
    } catch (err) {
      Object.assign(this, saved);
      throw err;
    }
  }

  /** Number of overlay entries (values, attributes, changed tables, pending changes): 0 for an untouched device. */
  overlaySize(): number {
    return (this.values?.size ?? 0) + (this.attributes?.size ?? 0) + (this.tables?.size ?? 0) + (this.pendingChanges?.size ?? 0);
  }

  // ------------------------------------------------------------------ internals

  /** Like resolve, but an unknown name is the RPC fault 9005. */
  private locate(path: string): Location {
    const at = this.resolve(path);
    if (!at) throw new CwmpFault(9005, path);
    return at;
  }

  /**
   * Resolves a concrete path ("" = the root object); undefined when no such object/parameter exists now.
   * Hot (every name of every GetParameterValues): walks the path by indexOf, without splitting it or
   * slicing table paths unless this device changed a table.
   */
  private resolve(path: string): Location | undefined {
    const root = this.profile.rootNode;
    if (path === '') return { node: root, form: 'object', path: root.genericPath, instances: [], underAdded: false, initialCount: 0 };
    const isObjectPath = path.endsWith('.');
    // The segments end at `end` (the trailing dot of an object path is not a segment of its own).
    const end = isObjectPath ? path.length - 1 : path.length;
    let dot = path.indexOf('.');
    if (dot < 0 || dot > end) dot = end;
    if (dot !== root.name.length || !path.startsWith(root.name)) return undefined;
    let node: ObjectNode = root;
    let form: Location['form'] = 'object';
    const instances: number[] = [];
    let underAdded = false;
    let initialCount = 0;
    while (dot < end) {
      const start = dot + 1; // start of this segment; path.slice(0, start) is the prefix walked so far
      dot = path.indexOf('.', start);
      if (dot < 0 || dot > end) dot = end;
      if (form === 'table') {
        const n = instanceNumber(path, start, dot);
        if (n === 0 || !this.isLive(path, start, initialCount, n)) return undefined;
        instances.push(n);
        underAdded = n > initialCount;
        form = 'instance';
      } else {
        const child = node.childByName.get(path.slice(start, dot));
        if (!child) return undefined;
        if (child.kind === 'param') {
          return dot === end && !isObjectPath ? { node: child, form: 'param', path, instances, underAdded, initialCount } : undefined;
        }
        node = child;
        form = child.table ? 'table' : 'object';
        if (child.table) initialCount = underAdded ? 0 : child.table.initialInstances.length;
      }
    }
    return isObjectPath ? { node, form, path, instances, underAdded, initialCount } : undefined;
  }

  /** Visits a location: itself (includeSelf) and its children, recursively when deep. */
  private walk(at: Location, deep: boolean, includeSelf: boolean, visitor: Visitor): void {
    if (at.form === 'param') {
      visitor.param?.(at.node as ParamNode, at.path, at.instances, at.underAdded);
      return;
    }
    const node = at.node as ObjectNode;
    if (includeSelf) visitor.object?.(at.path, at.form !== 'object' && node.table!.writable);
    // at.instances is this walk's own array: the visits push/pop on it as they descend.
    if (at.form === 'table') this.visitInstances(node, at.path, at.instances, at.underAdded, deep, visitor);
    else this.visitChildren(node, at.path, at.instances, at.underAdded, deep, visitor);
  }

  private visitChildren(node: ObjectNode, path: string, instances: number[], underAdded: boolean, deep: boolean, visitor: Visitor): void {
    for (const child of node.children) {
      if (child.kind === 'param') {
        visitor.param?.(child, path + child.name, instances, underAdded);
        continue;
      }
      const childPath = path + child.name + '.';
      visitor.object?.(childPath, child.table?.writable ?? false);
      if (!deep) continue;
      if (child.table) this.visitInstances(child, childPath, instances, underAdded, true, visitor);
      else this.visitChildren(child, childPath, instances, underAdded, true, visitor);
    }
  }

  private visitInstances(table: ObjectNode, tablePath: string, instances: number[], underAdded: boolean, deep: boolean, visitor: Visitor): void {
    const initialCount = underAdded ? 0 : table.table!.initialInstances.length;
    for (const n of this.liveInstances(table, tablePath, underAdded)) {
      const instancePath = `${tablePath}${n}.`;
      visitor.object?.(instancePath, table.table!.writable);
      if (!deep) continue;
      instances.push(n);
      this.visitChildren(table, instancePath, instances, n > initialCount, true, visitor);
      instances.pop();
    }
  }

  /** Live instance numbers of one concrete table, ascending; the shared initial list when unchanged. */
  private liveInstances(table: ObjectNode, tablePath: string, underAdded: boolean): readonly number[] {
    const initial = underAdded ? NO_INSTANCES : table.table!.initialInstances;
    const state = this.tables?.get(tablePath);
    if (!state) return initial;
    const live = state.deleted ? initial.filter((n) => !state.deleted!.has(n)) : initial.slice();
    live.push(...state.added);
    return live;
  }

  /** Is instance n live in the table whose path is path.slice(0, tablePathEnd)? */
  private isLive(path: string, tablePathEnd: number, initialCount: number, n: number): boolean {
    const state = this.tables?.get(path.slice(0, tablePathEnd));
    if (n <= initialCount) return !state?.deleted?.has(n);
    return state !== undefined && state.added.includes(n);
  }

  private tableState(tablePath: string, initialCount: number): TableState {
    const tables = (this.tables ??= new Map());
    let state = tables.get(tablePath);
    if (!state) {
      state = { added: [], deleted: undefined, next: initialCount + 1 };
      tables.set(tablePath, state);
    }
    return state;
  }

  /** Visits an entry's parameter at every live instance combination of its object chain. */
  private expandEntry(entry: ForcedInformEntry, depth: number, path: string, underAdded: boolean, instances: number[], visit: NonNullable<Visitor['param']>): void {
    const { param, chain } = entry;
    if (depth === chain.length) {
      visit(param, path + param.name, instances, underAdded);
      return;
    }
    const node = chain[depth]!;
    const objectPath = path + node.name + '.';
    if (!node.table) return this.expandEntry(entry, depth + 1, objectPath, underAdded, instances, visit);
    const initialCount = underAdded ? 0 : node.table.initialInstances.length;
    for (const n of this.liveInstances(node, objectPath, underAdded)) {
      instances.push(n);
      this.expandEntry(entry, depth + 1, `${objectPath}${n}.`, n > initialCount, instances, visit);
      instances.pop();
    }
  }

  /**
   * Every live generated parameter with notification 1/2 whose value comes from its generator (not written
   * over). Cheap for the common device: without attributes of its own only profile-notified ones are expanded.
   */
  private forEachNotifyingGenerated(visit: (g: Generator, path: string) => void): void {
    const root = this.profile.rootNode.genericPath;
    for (const entry of this.profile.generated) {
      if (this.attributes === undefined && entry.param.notification === 0) continue;
      this.expandEntry(entry, 1, root, false, [], (node, path) => {
        if (this.notificationOf(node, path) > 0 && !this.values?.has(path) && !this.initialValues?.has(path)) visit(node.generator!, path);
      });
    }
  }

  /** A device-made change to report: pending until an Inform carrying it is confirmed (again, if one is in flight). */
  private noteChange(path: string): void {
    (this.pendingChanges ??= new Set()).add(path);
    this.informed?.delete(path);
  }

  /**
   * A parameter as the ACS reads it (GetParameterValues, Inform): typed with its wire type, and a hidden
   * parameter (TR-106 syntax hidden="true") reads as its type's null value ("" for strings, "false" for
   * booleans, ...) so the secret never leaves the device and the value still matches its xsi:type.
   */
  private readValue(node: ParamNode, path: string, instances: readonly number[], underAdded: boolean): ParameterValue {
    const type = wireType(node);
    if (this.profile.quirks.flags & READ_QUIRKS) return this.quirkyRead(node, path, instances, underAdded, type);
    return { name: path, value: node.hidden ? zeroValue(type) : this.valueOf(node, path, instances, underAdded), type };
  }

  /** readValue under the profile's value quirks (src/quirks/catalogue.ts); kept off the quirk-free path. */
  private quirkyRead(node: ParamNode, path: string, instances: readonly number[], underAdded: boolean, type: ParamType): ParameterValue {
    const q = this.profile.quirks;
    let value = node.hidden && !(q.flags & QUIRK.passwordReadBack) ? zeroValue(type) : this.valueOf(node, path, instances, underAdded);
    if (q.flags & QUIRK.booleansAsDigits && type === 'boolean') value = value === 'true' ? '1' : value === 'false' ? '0' : value;
    if (q.flags & QUIRK.nullParameterKey && value === '' && node.genericPath === this.profile.parameterKeyPath) value = '(null)';
    if (q.flags & QUIRK.nonStandardEnums) value = q.nonStandardEnums.get(node.genericPath)?.get(value) ?? value;
    const wire = q.flags & QUIRK.misreportedTypes ? (q.misreportedTypes.get(node.genericPath) ?? type) : type;
    return { name: path, value, type: wire };
  }

  /**
   * A SetParameterValues value under the write quirks: booleansAsDigits refuses "true"/"false" (undefined: 9007),
   * nonStandardEnums takes the device's own spelling for the standard value.
   */
  private quirkyWriteText(node: ParamNode, value: string): string | undefined {
    const q = this.profile.quirks;
    if (q.flags & QUIRK.booleansAsDigits && node.type === 'boolean' && (value === 'true' || value === 'false')) return undefined;
    const spellings = q.flags & QUIRK.nonStandardEnums ? q.nonStandardEnums.get(node.genericPath) : undefined;
    if (spellings) for (const [standard, reported] of spellings) if (reported === value) return standard;
    return value;
  }

  /** GetParameterNames' Writable flag: inverted for the misreportedWritability quirk's parameters. */
  private reportedWritable(node: ParamNode): boolean {
    const q = this.profile.quirks;
    return q.flags & QUIRK.misreportedWritability && q.misreportedWritability.has(node.genericPath) ? !node.writable : node.writable;
  }

  private valueOf(node: ParamNode, path: string, instances: readonly number[], underAdded: boolean): string {
    const counted = node.countsTable;
    if (counted) {
      const parentPath = path.slice(0, path.length - node.name.length);
      return String(this.liveInstances(counted, `${parentPath}${counted.name}.`, underAdded).length);
    }
    const written = this.values?.get(path) ?? this.initialValues?.get(path);
    if (written !== undefined) return written;
    const g = node.generator;
    if (g === undefined) return renderTemplate(node.value, this.scope, instances);
    return generatedValue(g, generatorSeed(this.scope.index, path), (Date.now() - this.scope.bootTimeMs) / 1000, this.changeScale);
  }

  private notificationOf(node: ParamNode, path: string): 0 | 1 | 2 {
    return this.attributes?.get(path)?.notification ?? node.notification;
  }

  private setParameterKey(parameterKey: string): void {
    const path = this.profile.parameterKeyPath;
    if (path !== undefined) (this.values ??= new Map()).set(path, parameterKey);
  }

  /** Drops every overlay entry at or below a deleted instance path. */
  private purge(prefix: string): void {
    for (const map of [this.values, this.attributes, this.tables]) {
      if (map) for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
    for (const set of [this.pendingChanges, this.informed]) {
      if (set) for (const key of set) if (key.startsWith(prefix)) set.delete(key);
    }
  }
}

/**
 * The xsi:type a parameter's value travels with. A list-valued parameter is a comma-separated string on the
 * wire (TR-106), whatever its item type: "25,50,75" or "" is not a valid xsd:int, so an ACS validating the
 * envelope against the schema would reject the item type.
 */
/**
 * The xsi:type an ACS sent is acceptable when it is absent, the parameter's own, or xsd:string: many ACSs
 * send every value as a string, and real CPEs take those when the text parses as the parameter's type
 * (checked next, 9007). A different typed claim (xsd:boolean for an unsignedInt) is 9006.
 */
function typeAccepted(type: ParamType | undefined, node: ParamNode): boolean {
  return type === undefined || type === 'string' || type === wireType(node);
}

function wireType(node: ParamNode): ParamType {
  return node.constraints.list ? 'string' : node.type;
}

/** activeNotify rules for a requested Notification value (TR-106 / BBF data-model "activeNotify"). */
function notificationAllowed(node: ParamNode, notification: 0 | 1 | 2): boolean {
  if (node.activeNotify === 'canDeny') return notification !== 2;
  if (node.activeNotify === 'forceEnabled') return notification === 2;
  return true;
}
