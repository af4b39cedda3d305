/**
 * Renders a profile value template ({{var}} / {{var:arg}}, see the profile YAML format) with a
 * worst-case sample device, so the generator can check that templated values fit their parameter's
 * constraints before writing them. This is not the data model's renderer: it only has to produce a
 * value of the longest shape each variable can take.
 */
import { BbfDataModelError } from './errors.js';

const TEMPLATE_VAR = /\{\{([A-Za-z][A-Za-z0-9]*)(?::([^}]*))?\}\}/g;

export interface TemplateSampleContext {
  /** deviceId.oui (6 hex digits). */
  oui: string;
  /** deviceId.serialNumber template; it may use {{index}} and {{oui}} only. */
  serialNumber: string;
  /** Instance number used for {{i1}}, {{i2}}, ... (table levels from the root); {{i}} is the last one. */
  instanceNumbers: readonly number[];
}

/** The largest index a simulated fleet is expected to reach: ten million CPEs. */
const SAMPLE_INDEX = 9_999_999;

function lastHostOf(cidr: string): string {
  const [address, bits] = cidr.split('/');
  const octets = (address ?? '').split('.').map(Number);
  const prefix = Number(bits);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || !(prefix >= 0 && prefix <= 30)) {
    throw new BbfDataModelError('template', `bad IPv4 CIDR "${cidr}"`);
  }
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const last = base - (base % size) + size - 2;
  return [24, 16, 8, 0].map((shift) => Math.floor(last / 2 ** shift) % 256).join('.');
}

function missingInstance(name: string, template: string): never {
  throw new BbfDataModelError('template', `{{${name}}} in "${template}" used outside a table of that depth`);
}

function renderVar(name: string, arg: string | undefined, ctx: TemplateSampleContext, template: string): string {
  switch (name) {
    case 'index':
      return String(SAMPLE_INDEX).padStart(Number(arg ?? 0), '0');
    case 'serial':
      return renderTemplateSample(ctx.serialNumber, ctx);
    case 'oui':
      return ctx.oui;
    case 'mac':
      return `${ctx.oui.match(/../g)!.join(':')}:FF:FF:FF`;
    case 'ipv4':
      return lastHostOf(arg ?? '');
    case 'ipv6':
      return 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    case 'i':
      return String(ctx.instanceNumbers.at(-1) ?? missingInstance(name, template));
    case 'crUrl':
      return 'http://255.255.255.255:65535/cpesim/9999999';
    case 'now':
      return '2099-12-31T23:59:59Z';
    case 'uptime':
      return '4294967295';
    default:
      // {{i1}}, {{i2}}, ...: instance number at a table level.
      if (/^i\d+$/.test(name)) return String(ctx.instanceNumbers[Number(name.slice(1)) - 1] ?? missingInstance(name, template));
      throw new BbfDataModelError('template', `unknown template variable "${name}" in "${template}"`);
  }
}

export function renderTemplateSample(template: string, ctx: TemplateSampleContext): string {
  return template.replace(TEMPLATE_VAR, (_m, name: string, arg: string | undefined) => renderVar(name, arg, ctx, template));
}

export function isTemplate(value: string): boolean {
  return value.includes('{{');
}
