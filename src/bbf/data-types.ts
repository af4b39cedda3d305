/**
 * Named BBF dataTypes (`<dataType name=...>`) and the resolution of a parameter's `<syntax>` down to
 * its TR-106 base type. A derived type (base="..." or a `<dataType ref>` with its own facets)
 * restricts its base; each facet it states replaces the base's facet of that kind, which is how the
 * BBF files use it (IPv4Address narrows IPAddress's size, a parameter lists its DiagnosticsState values).
 */
import type { ParamType } from '../cwmp/messages.js';
import { BbfDataModelError } from './errors.js';
import type { BbfListFacets, BbfRange, BbfSize, BbfSyntax } from './types.js';
import { attr, child, children, type XmlNode } from './xml.js';

const BASE_TYPES: readonly ParamType[] = [
  'string', 'int', 'unsignedInt', 'long', 'unsignedLong', 'boolean', 'dateTime', 'base64', 'hexBinary', 'decimal',
];

/** What a type definition or a syntax states; undefined fields are inherited from the base type. */
interface Facets {
  baseType?: ParamType;
  list?: BbfListFacets;
  enumeration?: string[];
  patterns?: string[];
  sizes?: BbfSize[];
  ranges?: BbfRange[];
  units?: string;
}

/** Default kinds in order of preference for a device's initial value. */
const DEFAULT_PREFERENCE = ['factory', 'object', 'implementation'];

function optionalInt(node: XmlNode, name: string): number | undefined {
  const v = attr(node, name);
  return v === undefined ? undefined : Number(v);
}

function readSizes(node: XmlNode): BbfSize[] {
  const sizes: BbfSize[] = [];
  for (const s of children(node, 'size')) {
    if (attr(s, 'status') === 'deleted') continue;
    const size: BbfSize = {};
    const minLength = optionalInt(s, 'minLength');
    const maxLength = optionalInt(s, 'maxLength');
    if (minLength !== undefined) size.minLength = minLength;
    if (maxLength !== undefined) size.maxLength = maxLength;
    if (minLength !== undefined || maxLength !== undefined) sizes.push(size);
  }
  return sizes;
}

function readRanges(node: XmlNode): BbfRange[] {
  return children(node, 'range')
    .filter((r) => attr(r, 'status') !== 'deleted')
    .map((r) => {
      const range: BbfRange = {};
      for (const key of ['minInclusive', 'maxInclusive', 'step'] as const) {
        const v = attr(r, key);
        if (v !== undefined) range[key] = v;
      }
      return range;
    });
}

function readList(node: XmlNode): BbfListFacets | undefined {
  const list = child(node, 'list');
  if (!list) return undefined;
  const facets: BbfListFacets = { sizes: readSizes(list) };
  const minItems = optionalInt(list, 'minItems');
  const maxItems = optionalInt(list, 'maxItems');
  if (minItems !== undefined) facets.minItems = minItems;
  if (maxItems !== undefined) facets.maxItems = maxItems;
  return facets;
}

/** Facets stated by `node` (a dataType definition, a syntax, or a `<dataType ref>` inside a syntax). */
function readFacets(node: XmlNode): Facets {
  const facets: Facets = {};
  const baseType = BASE_TYPES.find((t) => node[t] !== undefined);
  // Facets sit inside the type element (<string><size/></string>) or, for derived types, directly on node.
  const source = baseType ? (child(node, baseType) as XmlNode) : node;
  if (baseType) facets.baseType = baseType;
  const list = readList(node);
  if (list) facets.list = list;
  const enumeration = children(source, 'enumeration')
    .filter((e) => attr(e, 'status') !== 'deleted')
    .map((e) => attr(e, 'value') ?? '');
  if (enumeration.length) facets.enumeration = enumeration;
  const patterns = children(source, 'pattern').map((p) => attr(p, 'value') ?? '');
  if (patterns.length) facets.patterns = patterns;
  const sizes = readSizes(source);
  if (sizes.length) facets.sizes = sizes;
  const ranges = readRanges(source);
  if (ranges.length) facets.ranges = ranges;
  const units = child(source, 'units');
  if (units && attr(units, 'value') !== undefined) facets.units = attr(units, 'value');
  return facets;
}

function restrict(base: Facets, derived: Facets): Facets {
  const merged: Facets = { ...base };
  for (const key of Object.keys(derived) as (keyof Facets)[]) {
    if (derived[key] !== undefined) (merged as Record<string, unknown>)[key] = derived[key];
  }
  return merged;
}

function pickDefault(syntax: XmlNode): string | undefined {
  const defaults = children(syntax, 'default').filter((d) => attr(d, 'status') !== 'deleted');
  for (const kind of DEFAULT_PREFERENCE) {
    const found = defaults.find((d) => attr(d, 'type') === kind);
    if (found) return attr(found, 'value');
  }
  return undefined;
}

export class DataTypeTable {
  private readonly definitions = new Map<string, XmlNode>();
  private readonly resolved = new Map<string, Facets>();

  constructor(private readonly file: string) {}

  /** Adds the top-level `<dataType name>` definitions of a document; the first definition of a name wins. */
  addDefinitions(document: XmlNode): void {
    for (const def of children(document, 'dataType')) {
      const name = attr(def, 'name');
      if (name !== undefined && !this.definitions.has(name)) this.definitions.set(name, def);
    }
  }

  get names(): string[] {
    return [...this.definitions.keys()];
  }

  /** The fully resolved facets of a named type; throws on an unknown name or a base cycle. */
  private named(name: string, chain: readonly string[] = []): Facets {
    const cached = this.resolved.get(name);
    if (cached) return cached;
    if (chain.includes(name)) throw new BbfDataModelError(this.file, `dataType cycle: ${[...chain, name].join(' -> ')}`);
    const def = this.definitions.get(name);
    if (!def) throw new BbfDataModelError(this.file, `unknown dataType "${name}"${chain.length ? ` (base of ${chain.at(-1)})` : ''}`);
    const base = attr(def, 'base');
    const facets = base === undefined ? readFacets(def) : restrict(this.named(base, [...chain, name]), readFacets(def));
    this.resolved.set(name, facets);
    return facets;
  }

  /** Resolves a parameter's `<syntax>`; `where` names the parameter in error messages. */
  resolveSyntax(syntax: XmlNode, where: string): BbfSyntax {
    const own = readFacets(syntax);
    const typeRef = children(syntax, 'dataType')[0];
    let facets = own;
    let dataType: string | undefined;
    if (typeRef) {
      // <dataType ref="X"> names a type; an anonymous <dataType base="X"> derives from one.
      const name = attr(typeRef, 'ref') ?? attr(typeRef, 'base');
      if (name === undefined) throw new BbfDataModelError(this.file, `${where}: <dataType> without ref or base`);
      dataType = name;
      facets = restrict(restrict(this.named(name), readFacets(typeRef)), own);
    }
    if (!facets.baseType) throw new BbfDataModelError(this.file, `${where}: no base type in <syntax>`);
    const resolved: BbfSyntax = {
      baseType: facets.baseType,
      enumeration: facets.enumeration ?? [],
      patterns: facets.patterns ?? [],
      sizes: facets.sizes ?? [],
      ranges: facets.ranges ?? [],
      hidden: attr(syntax, 'hidden') === 'true',
      secured: attr(syntax, 'secured') === 'true',
      command: attr(syntax, 'command') === 'true',
    };
    if (dataType !== undefined) resolved.dataType = dataType;
    if (facets.list) resolved.list = facets.list;
    if (facets.units !== undefined) resolved.units = facets.units;
    const defaultValue = pickDefault(syntax);
    // Some list defaults are written "[]" (an empty list in the BBF notation); the CWMP value is "".
    if (defaultValue !== undefined) resolved.defaultValue = facets.list && defaultValue === '[]' ? '' : defaultValue;
    return resolved;
  }
}
