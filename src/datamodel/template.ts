/**
 * Value templates ("cpesim-{{serial}}-{{i}}"): compiled once per profile into literal text and typed
 * variable parts, rendered per device (and per instance path) when a value is read.
 */

/** What a template can draw on for one device. */
export interface DeviceScope {
  readonly index: number;
  readonly serial: string;
  /** 6 upper-case hex digits. */
  readonly oui: string;
  readonly crUrl: string;
  /** Epoch milliseconds (Date.now() clock) when the device booted. */
  readonly bootTimeMs: number;
}

type VarPart =
  | { readonly kind: 'index'; readonly width: number }
  | { readonly kind: 'serial' | 'oui' | 'crUrl' | 'now' | 'uptime' }
  /** {{mac:K}}; {{mac:N+i}} adds the innermost instance number to N (plusInstance). */
  | { readonly kind: 'mac'; readonly k: number; readonly plusInstance: boolean }
  | { readonly kind: 'ipv4'; readonly network: number; readonly hosts: number }
  | { readonly kind: 'ipv6'; readonly network: bigint; readonly hosts: bigint }
  /** level 0 = innermost instance ({{i}}), else the table level from the root ({{iN}}). */
  | { readonly kind: 'instance'; readonly level: number };

/** A literal value (the common case, zero cost to render) or a list of literal and variable parts. */
export type CompiledTemplate = string | readonly (string | VarPart)[];

/**
 * A parameter value with per-instance overrides (a profile's `instanceValues`): `byInstance` is keyed by
 * the concrete instance numbers of the path's tables joined with "." ("1.2"); other instances render
 * `otherwise`. It is a template kind of its own, not a field beside one, so every reader that renders a
 * parameter's value gets the override without knowing about it.
 */
export interface InstanceValues {
  readonly byInstance: ReadonlyMap<string, CompiledTemplate>;
  readonly otherwise: CompiledTemplate;
}

/** What a parameter's value is compiled to. */
export type ValueTemplate = CompiledTemplate | InstanceValues;

export interface TemplateLimits {
  /** Number of {i} levels in the parameter's path: bounds {{i}} / {{iN}}. */
  readonly tableDepth: number;
  /** deviceId templates cannot use {{serial}} (it is what they define) nor read-time variables. */
  readonly deviceIdentity?: boolean;
  /**
   * Highest instance number the profile creates in the innermost table (its `instances`): {{mac:N+i}}
   * must stay within the device's 16 MACs for those. Default 1.
   */
  readonly innermostInstances?: number;
}

/** A template the compiler rejects; the profile loader turns it into a ConfigError with its location. */
export class TemplateError extends Error {}

const VAR_RE = /\{\{([^{}]*)\}\}/g;

export function compileTemplate(text: string, limits: TemplateLimits): CompiledTemplate {
  const parts: (string | VarPart)[] = [];
  let last = 0;
  for (const m of text.matchAll(VAR_RE)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(compileVar(m[1]!.trim(), limits));
    last = m.index + m[0].length;
  }
  const rest = text.slice(last);
  if (rest.includes('{{') || rest.includes('}}')) throw new TemplateError(`unbalanced "{{" / "}}" in template "${text}"`);
  if (parts.length === 0) return text;
  if (rest) parts.push(rest);
  return parts;
}

function compileVar(expr: string, limits: TemplateLimits): VarPart {
  const colon = expr.indexOf(':');
  const name = colon < 0 ? expr : expr.slice(0, colon);
  const arg = colon < 0 ? undefined : expr.slice(colon + 1);
  const noArg = (): void => {
    if (arg !== undefined) throw new TemplateError(`template variable "${name}" takes no argument`);
  };
  const deviceLevelOnly = (): void => {
    if (limits.deviceIdentity) throw new TemplateError(`template variable "${name}" cannot be used in deviceId`);
  };
  switch (name) {
    case 'index': {
      if (arg === undefined) return { kind: 'index', width: 0 };
      const width = Number(arg);
      if (!Number.isInteger(width) || width < 1 || width > 20) throw new TemplateError(`{{index:${arg}}}: the width must be 1..20`);
      return { kind: 'index', width };
    }
    case 'serial':
    case 'now':
    case 'uptime':
      deviceLevelOnly();
      noArg();
      return { kind: name };
    case 'oui':
    case 'crUrl':
      noArg();
      return { kind: name };
    case 'mac': {
      const m = /^(\d{1,2})(\+i)?$/.exec((arg ?? '').trim());
      const k = m ? Number(m[1]) : -1;
      if (!m || k > 15) throw new TemplateError(`{{mac:K}} needs K in 0..15 or N+i, got "${arg ?? ''}"`);
      const plusInstance = m[2] !== undefined;
      if (plusInstance) {
        deviceLevelOnly();
        if (limits.tableDepth === 0) throw new TemplateError(`{{mac:${arg}}} used outside a table (no {i} in the path)`);
        const highest = k + (limits.innermostInstances ?? 1);
        if (highest > 15) {
          throw new TemplateError(`{{mac:${arg}}} reaches MAC ${highest} for the profile's instances; a device has 16 (0..15)`);
        }
      }
      return { kind: 'mac', k, plusInstance };
    }
    case 'ipv4':
      return compileIpv4(arg ?? '');
    case 'ipv6':
      return compileIpv6(arg ?? '');
    default: {
      const level = name === 'i' ? 0 : /^i[1-9]\d*$/.test(name) ? Number(name.slice(1)) : -1;
      if (level < 0) throw new TemplateError(`unknown template variable "${name}"`);
      deviceLevelOnly();
      noArg();
      if (limits.tableDepth === 0) throw new TemplateError(`{{${name}}} used outside a table (no {i} in the path)`);
      if (level > limits.tableDepth) throw new TemplateError(`{{${name}}}: the path has only ${limits.tableDepth} table level(s)`);
      return { kind: 'instance', level };
    }
  }
}

function compileIpv4(cidr: string): VarPart {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? [m[1], m[2], m[3], m[4]].map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix < 1 || prefix > 30) {
    throw new TemplateError(`{{ipv4:CIDR}} needs a network like 10.0.0.0/8 with prefix 1..30, got "${cidr}"`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { kind: 'ipv4', network: address - (address % size), hosts: size - 2 };
}

function compileIpv6(cidr: string): VarPart {
  const slash = cidr.lastIndexOf('/');
  const prefix = slash < 0 ? -1 : Number(cidr.slice(slash + 1));
  const address = slash < 0 ? undefined : parseIpv6(cidr.slice(0, slash));
  if (address === undefined || !Number.isInteger(prefix) || prefix < 1 || prefix > 127) {
    throw new TemplateError(`{{ipv6:PREFIX}} needs a prefix like 2001:db8::/64, got "${cidr}"`);
  }
  const size = 1n << BigInt(128 - prefix);
  return { kind: 'ipv6', network: address - (address % size), hosts: size - 1n };
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** RFC 5952 text: lower case, longest run of zero groups (2+) compressed. */
function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLen) [bestStart, bestLen] = [start, end - start];
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16).toUpperCase();
}

/** Renders a template; `instances` are the concrete path's instance numbers, outermost first. */
export function renderTemplate(template: ValueTemplate, device: DeviceScope, instances: readonly number[]): string {
  if (typeof template === 'string') return template;
  if ('byInstance' in template) {
    return renderTemplate(template.byInstance.get(instances.join('.')) ?? template.otherwise, device, instances);
  }
  let out = '';
  for (const part of template) out += typeof part === 'string' ? part : renderVar(part, device, instances);
  return out;
}

function renderVar(part: VarPart, device: DeviceScope, instances: readonly number[]): string {
  switch (part.kind) {
    case 'index':
      return String(device.index).padStart(part.width, '0');
    case 'serial':
      return device.serial;
    case 'oui':
      return device.oui;
    case 'crUrl':
      return device.crUrl;
    case 'now':
      return new Date().toISOString().slice(0, 19) + 'Z';
    case 'uptime':
      return String(Math.max(0, Math.floor((Date.now() - device.bootTimeMs) / 1000)));
    case 'mac': {
      // The device's K-th MAC: its OUI, then 24 bits of index*16+K (16 MACs per device, wrapping after 2^20 devices).
      // N+i: instances the ACS adds beyond the profile's wrap within the device's 16, never into a neighbour's.
      const k = part.plusInstance ? (part.k + instances[instances.length - 1]!) % 16 : part.k;
      const nic = (device.index * 16 + k) % 0x1000000;
      const o = device.oui;
      return `${o.slice(0, 2)}:${o.slice(2, 4)}:${o.slice(4, 6)}:${hex2(nic >>> 16)}:${hex2((nic >>> 8) & 0xff)}:${hex2(nic & 0xff)}`;
    }
    case 'ipv4': {
      // index 0 is the first host after the network address; wraps within the network.
      const a = part.network + 1 + (device.index % part.hosts);
      return `${Math.floor(a / 2 ** 24)}.${Math.floor(a / 65536) % 256}.${Math.floor(a / 256) % 256}.${a % 256}`;
    }
    case 'ipv6':
      return formatIpv6(part.network + 1n + (BigInt(device.index) % part.hosts));
    case 'instance':
      return String(part.level === 0 ? instances[instances.length - 1] : instances[part.level - 1]);
  }
}

