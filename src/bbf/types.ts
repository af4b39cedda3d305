/**
 * The typed view of a Broadband Forum data-model XML file (cwmp-datamodel-1-x): what the profile
 * generator needs to know about each object and parameter, with named dataTypes already resolved
 * down to their TR-106 base type.
 */
import type { ParamType } from '../cwmp/messages.js';

export type BbfStatus = 'current' | 'deprecated' | 'obsoleted' | 'deleted';
export type BbfAccess = 'readOnly' | 'readWrite';
export type BbfActiveNotify = 'normal' | 'canDeny' | 'forceEnabled' | 'forceDefaultEnabled';

/** One allowed length interval; a type may allow several (e.g. hexBinary of length 0 or 36..260). */
export interface BbfSize {
  minLength?: number;
  maxLength?: number;
}

/** Numeric range; numbers are kept as strings because unsignedLong exceeds 2^53. */
export interface BbfRange {
  minInclusive?: string;
  maxInclusive?: string;
  step?: string;
}

export interface BbfListFacets {
  minItems?: number;
  maxItems?: number;
  /** Limits of the whole comma-separated string. */
  sizes: BbfSize[];
}

export interface BbfSyntax {
  baseType: ParamType;
  /** The named dataType the parameter referred to (outermost), if any. */
  dataType?: string;
  /** Set when the value is a comma-separated list; item facets below apply to each item. */
  list?: BbfListFacets;
  /** Allowed values (deleted enumeration values left out). Empty: unrestricted. */
  enumeration: string[];
  /** Regular expressions (anchored, XSD flavour); a value must match one of them. Empty: unrestricted. */
  patterns: string[];
  sizes: BbfSize[];
  ranges: BbfRange[];
  /** `<syntax hidden="true">`: reads return an empty string (TR-098 era passwords). */
  hidden: boolean;
  /** `<syntax secured="true">`: CWMP reads return an empty string (TR-181 era passwords and keys). */
  secured: boolean;
  /** `<syntax command="true">`: writing triggers an action (e.g. a diagnostics state). */
  command: boolean;
  /** The `<default>` value, preferring factory over object over implementation defaults. */
  defaultValue?: string;
  units?: string;
}

export interface BbfParameter {
  /** Full generic path, e.g. `Device.WiFi.SSID.{i}.SSID`. */
  name: string;
  access: BbfAccess;
  status: BbfStatus;
  activeNotify: BbfActiveNotify;
  forcedInform: boolean;
  syntax: BbfSyntax;
}

export interface BbfObject {
  /** Full generic path ending in `.`, e.g. `Device.WiFi.SSID.{i}.`. */
  name: string;
  /** readWrite: the ACS may AddObject / DeleteObject instances. */
  access: BbfAccess;
  status: BbfStatus;
  minEntries: number;
  /** undefined: unbounded. */
  maxEntries?: number;
  /** Generic path of the parameter counting the instances (resolved against the parent object). */
  numEntriesParameter?: string;
  /** True for `{i}.` tables. */
  multiInstance: boolean;
  parameters: BbfParameter[];
}

export interface BbfDataModel {
  /** The file it was read from. */
  file: string;
  /** `<model name>`, e.g. `InternetGatewayDevice:1.14`. */
  model: string;
  /** The document's `spec` URN. */
  spec: string;
  /** In document order, every status included. */
  objects: BbfObject[];
}
