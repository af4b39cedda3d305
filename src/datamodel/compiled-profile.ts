/**
 * The immutable, shared form of a profile: a tree of object and parameter nodes over generic paths
 * ("X.Table.{i}.Name"), with everything the per-RPC code needs precomputed (document-ordered children,
 * name lookup maps, initial instance lists, the forced-inform list). Tens of thousands of DeviceModels
 * point at one CompiledProfile; per-device state lives only in their overlays.
 */
import type { CwmpVersion, ParamType } from '../cwmp/messages.js';
import type { Generator } from './generators.js';
import { NO_QUIRKS, type QuirkSet } from '../quirks/quirk-set.js';
import type { FirmwareVersionRule } from './firmware-rule.js';
import type { CompiledTemplate, ValueTemplate } from './template.js';
import type { ValueConstraints } from './value-types.js';

export type ActiveNotify = 'normal' | 'canDeny' | 'forceEnabled' | 'forceDefaultEnabled';

export interface TableInfo {
  /** AddObject / DeleteObject allowed. */
  readonly writable: boolean;
  /** Instances 1..N present under every profile-created parent instance (shared array, never mutated). */
  readonly initialInstances: readonly number[];
  readonly maxEntries: number | undefined;
}

export interface ObjectNode {
  readonly kind: 'object';
  /** Path segment ("WLANConfiguration"); the root's is the root name. */
  readonly name: string;
  /** "InternetGatewayDevice.LANDevice.{i}." */
  readonly genericPath: string;
  /** Defined for a multi-instance object: this node then stands for both "X.T." and its instances "X.T.n.". */
  readonly table: TableInfo | undefined;
  /** Parameters and sub-objects in profile document order. */
  readonly children: readonly TreeNode[];
  readonly childByName: ReadonlyMap<string, TreeNode>;
}

export interface ParamNode {
  readonly kind: 'param';
  readonly name: string;
  readonly genericPath: string;
  readonly type: ParamType;
  readonly writable: boolean;
  /** The profile value, with its per-instance overrides when the profile gives `instanceValues`. */
  readonly value: ValueTemplate;
  readonly hidden: boolean;
  readonly notification: 0 | 1 | 2;
  readonly activeNotify: ActiveNotify;
  readonly forcedInform: boolean;
  readonly constraints: ValueConstraints;
  /** A NumberOfEntries parameter: its value is the live instance count of this table (a sibling object). */
  readonly countsTable: ObjectNode | undefined;
  /** The device changes the value by itself: read from the generator, not from `value` (unless written). */
  readonly generator?: Generator | undefined;
}

export type TreeNode = ObjectNode | ParamNode;

export interface DeviceIdTemplates {
  readonly manufacturer: CompiledTemplate;
  readonly oui: string;
  readonly productClass: CompiledTemplate;
  readonly serialNumber: CompiledTemplate;
}

/** A parameter (forced-inform, generated) with the object chain from the root to it, for expansion over instances. */
export interface ForcedInformEntry {
  readonly param: ParamNode;
  /** Objects from the root (inclusive) down to the parameter's parent. */
  readonly chain: readonly ObjectNode[];
}

export class CompiledProfile {
  readonly name: string;
  readonly file: string;
  readonly root: string;
  readonly cwmpVersion: CwmpVersion;
  readonly parameterCount: number;
  readonly description: string | undefined;
  readonly rootNode: ObjectNode;
  readonly deviceId: DeviceIdTemplates;
  readonly forcedInform: readonly ForcedInformEntry[];
  /** `<root>.ManagementServer.ParameterKey` when the profile has it (set by SetParameterValues/AddObject/DeleteObject). */
  readonly parameterKeyPath: string | undefined;
  /** Parameters with a generator, with their object chains (for the value-change schedule). */
  readonly generated: readonly ForcedInformEntry[];
  /** The profile's vendor quirks (NO_QUIRKS when it has none). */
  readonly quirks: QuirkSet;
  /** How a firmware download changes DeviceInfo.SoftwareVersion; undefined: it does not. */
  readonly firmwareVersion: FirmwareVersionRule | undefined;

  constructor(init: {
    name: string;
    file: string;
    description: string | undefined;
    cwmpVersion: CwmpVersion;
    rootNode: ObjectNode;
    deviceId: DeviceIdTemplates;
    parameterCount: number;
    forcedInform: readonly ForcedInformEntry[];
    parameterKeyPath: string | undefined;
    generated?: readonly ForcedInformEntry[];
    quirks?: QuirkSet;
    firmwareVersion?: FirmwareVersionRule | undefined;
  }) {
    this.name = init.name;
    this.file = init.file;
    this.description = init.description;
    this.root = init.rootNode.name;
    this.cwmpVersion = init.cwmpVersion;
    this.rootNode = init.rootNode;
    this.deviceId = init.deviceId;
    this.parameterCount = init.parameterCount;
    this.forcedInform = init.forcedInform;
    this.parameterKeyPath = init.parameterKeyPath;
    this.generated = init.generated ?? [];
    this.quirks = init.quirks ?? NO_QUIRKS;
    this.firmwareVersion = init.firmwareVersion;
    Object.freeze(this);
  }
}
