/**
 * Turns a device dump (any format) into a cpesim profile: concrete instance paths become generic "{i}" paths with
 * the instance counts the dump shows, the device's own identity becomes templates (serial, its MACs, its public
 * addresses, uptime, connection-request URL) so a fleet of it does not share one identity, secrets are dropped,
 * and everything the dump did not say is guessed and listed in the report.
 */
import { isIP } from 'node:net';
import { Document, Scalar, YAMLMap } from 'yaml';
import type { ParamType } from '../cwmp/messages.js';
import { normalizeValue, PARAM_TYPES, zeroValue } from '../datamodel/value-types.js';
import type { Dump, DumpEntry } from './dump.js';

export type ReportKind = 'type' | 'writable' | 'instances' | 'template' | 'hidden' | 'added' | 'skipped' | 'value' | 'deviceId' | 'format';

export interface ReportLine {
  kind: ReportKind;
  /** The generic path concerned, when there is one. */
  path?: string;
  message: string;
}

export interface ImportedProfile {
  /** Profile YAML, ready for profiles/ (validated by the caller with the normal loader). */
  yaml: string;
  name: string;
  parameterCount: number;
  report: ReportLine[];
}

const INSTANCE_RE = /^[1-9]\d*$/;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const MAX_MACS = 16;

/** Parameters TR-069 §3.7.1.1 / the data models want in every Inform, when the device has them. */
const FORCED_INFORM = [
  'DeviceInfo.HardwareVersion', 'DeviceInfo.SoftwareVersion', 'DeviceInfo.ProvisioningCode', 'DeviceInfo.SpecVersion',
  'ManagementServer.ConnectionRequestURL', 'ManagementServer.ParameterKey',
];

/** ManagementServer parameters the simulated CPE (and the reference ACS's provisioning) need; added when missing. */
const MANAGEMENT_SERVER: [name: string, type: ParamType, writable: boolean, value: string][] = [
  ['URL', 'string', true, 'http://127.0.0.1:7547/'],
  ['PeriodicInformEnable', 'boolean', true, 'true'],
  ['PeriodicInformInterval', 'unsignedInt', true, '300'],
  ['PeriodicInformTime', 'dateTime', true, '0001-01-01T00:00:00Z'],
  ['ParameterKey', 'string', false, ''],
  ['ConnectionRequestURL', 'string', false, '{{crUrl}}'],
  ['ConnectionRequestUsername', 'string', true, ''],
  ['ConnectionRequestPassword', 'string', true, ''],
];

interface Param {
  generic: string;
  type: ParamType;
  writable: boolean;
  hidden: boolean;
  /** Per ordinal instance key ("1.2"; "" outside tables): the value as it will be written (maybe a template). */
  values: Map<string, string>;
}

interface Table {
  generic: string;
  writable: boolean | undefined;
  /** Per concrete parent path: the instance numbers seen, in order. */
  instancesByParent: Map<string, number[]>;
}

export function buildImportedProfile(dump: Dump, opts: { name?: string } = {}): ImportedProfile {
  return new ProfileFromDump(dump, opts).build();
}

class ProfileFromDump {
  private readonly report: ReportLine[] = [];
  private readonly tables = new Map<string, Table>();
  private readonly objects = new Map<string, DumpEntry>();
  private readonly params = new Map<string, Param>();
  private readonly macNumbers = new Map<string, number>();
  /** Forced-inform parameters (generic paths) among those the dump has. */
  private readonly forced = new Set<string>();
  private countUnknownWritable = 0;
  private countTemplatedAddresses = 0;
  private root = '';

  constructor(private readonly dump: Dump, private readonly opts: { name?: string }) {}

  private note(kind: ReportKind, message: string, path?: string): void {
    this.report.push(path === undefined ? { kind, message } : { kind, path, message });
  }

  build(): ImportedProfile {
    for (const n of this.dump.notes) this.note('format', n);
    this.root = this.chooseRoot();
    const entries = this.dump.entries.filter((e) => this.usable(e));
    for (const e of entries) this.collectInstances(e);
    for (const e of entries) if (e.object) this.objects.set(e.path, e);
    const id = this.deviceId(entries);
    for (const e of entries) if (!e.object) this.addParameter(e, id);
    this.completeManagementServer();
    this.markForcedInform();
    return this.write(id);
  }

  private chooseRoot(): string {
    const counts = new Map<string, number>();
    for (const e of this.dump.entries) counts.set(e.path.split('.')[0]!, (counts.get(e.path.split('.')[0]!) ?? 0) + 1);
    const root = ['InternetGatewayDevice', 'Device'].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0]!;
    if (!counts.get(root)) throw new ImportFailure('the dump has no InternetGatewayDevice. or Device. parameters');
    return root;
  }

  /** Entries under the root with names the profile format accepts; the others are reported and left out. */
  private usable(e: DumpEntry): boolean {
    const segments = e.path.split('.');
    if (e.object) segments.pop();
    if (segments[0] !== this.root) {
      this.note('skipped', `${e.path}: not under ${this.root}.`);
      return false;
    }
    if (segments.length === 1) return false; // the root object itself
    const bad = segments.slice(1).find((s) => !INSTANCE_RE.test(s) && !NAME_RE.test(s));
    if (bad !== undefined || INSTANCE_RE.test(segments[1]!)) {
      this.note('skipped', `${e.path}: "${bad ?? segments[1]}" is not a valid path segment`);
      return false;
    }
    return true;
  }

  /** Records every instance number along the path under its table and concrete parent. */
  private collectInstances(e: DumpEntry): void {
    const segments = e.path.split('.');
    if (e.object) segments.pop();
    for (let k = 2; k < segments.length; k++) {
      if (!INSTANCE_RE.test(segments[k]!)) continue;
      const generic = genericPath(segments.slice(0, k + 1)) + '.';
      const parent = segments.slice(0, k).join('.');
      let table = this.tables.get(generic);
      if (!table) this.tables.set(generic, (table = { generic, writable: undefined, instancesByParent: new Map() }));
      const seen = table.instancesByParent.get(parent) ?? [];
      if (!seen.includes(Number(segments[k]))) seen.push(Number(segments[k]));
      table.instancesByParent.set(parent, seen);
    }
  }

  /** "1.3" for Host.3 under LANDevice.1 when Host.3 is the 2nd instance seen there: instance numbers become 1..N. */
  private ordinalKey(concrete: string): string {
    const segments = concrete.split('.');
    const key: number[] = [];
    for (let k = 2; k < segments.length; k++) {
      if (!INSTANCE_RE.test(segments[k]!)) continue;
      const table = this.tables.get(genericPath(segments.slice(0, k + 1)) + '.')!;
      const seen = [...table.instancesByParent.get(segments.slice(0, k).join('.'))!].sort((a, b) => a - b);
      key.push(seen.indexOf(Number(segments[k])) + 1);
    }
    return key.join('.');
  }

  private deviceId(entries: readonly DumpEntry[]): { manufacturer: string; oui: string; productClass: string; serial: string; serialTemplate: string } {
    const info = (name: string) => entries.find((e) => e.path === `${this.root}.DeviceInfo.${name}`)?.value?.trim() || undefined;
    const given = this.dump.deviceId ?? {};
    let manufacturer = given.manufacturer?.trim() || info('Manufacturer');
    let oui = (given.oui?.trim() || info('ManufacturerOUI'))?.toUpperCase();
    let productClass = given.productClass?.trim() || info('ProductClass') || info('ModelName');
    const serial = given.serialNumber?.trim() || info('SerialNumber') || '';
    if (!manufacturer) {
      manufacturer = 'unknown';
      this.note('deviceId', 'no Manufacturer in the dump: "unknown"');
    }
    if (!oui || !/^[0-9A-F]{6}$/.test(oui)) {
      this.note('deviceId', `ManufacturerOUI ${oui === undefined ? 'missing' : `"${oui}" is not 6 hex digits`}: 000000 used`);
      oui = '000000';
    }
    if (!productClass) {
      productClass = 'unknown';
      this.note('deviceId', 'no ProductClass or ModelName in the dump: "unknown"');
    }
    // The serial's trailing digits become the CPE index, so every simulated device has its own serial of the same shape.
    const m = /^(.*?)(\d{4,})$/.exec(serial);
    const width = Math.min(m ? m[2]!.length : 8, 20);
    const prefix = m ? m[1]! : serial.replace(/[^A-Za-z0-9-]/g, '');
    const serialTemplate = `${prefix}{{index:${width}}}`;
    this.note('template', `serial number "${serial}" → "${serialTemplate}" (DeviceInfo.SerialNumber and every value equal to it → {{serial}})`);
    const infoSerial = info('SerialNumber');
    if (infoSerial !== undefined && serial !== '' && infoSerial !== serial) {
      this.note('value', `DeviceInfo.SerialNumber was "${infoSerial}" but the DeviceId says "${serial}": {{serial}} used for both`);
    }
    return { manufacturer, oui, productClass, serial, serialTemplate };
  }

  private addParameter(e: DumpEntry, id: { serial: string; oui: string }): void {
    const generic = genericPath(e.path.split('.'));
    const leaf = generic.slice(generic.lastIndexOf('.') + 1);
    const key = this.ordinalKey(e.path);
    let p = this.params.get(generic);
    if (!p) {
      const type = this.chooseType(generic, e);
      let writable = e.writable;
      if (writable === undefined) {
        writable = false;
        this.countUnknownWritable++;
      }
      const hidden = /Password$|Passphrase$|^(WEPKey|PreSharedKey|KeyPassphrase|SharedSecret)$/i.test(leaf);
      p = { generic, type, writable, hidden, values: new Map() };
      this.params.set(generic, p);
      if (hidden && e.value) this.note('hidden', `${generic}: a secret: its value is not copied (hidden, empty)`, generic);
    }
    if (p.hidden) {
      p.values.set(key, '');
      return;
    }
    p.values.set(key, this.value(p, e, id));
  }


  private chooseType(generic: string, e: DumpEntry): ParamType {
    const written = e.type;
    const known = PARAM_TYPES.find((t) => t.toLowerCase() === written?.toLowerCase());
    if (known) return known;
    const guessed = guessType(e.value, generic);
    this.note('type', `${generic}: ${written ? `type "${written}" unknown` : 'no type'} → ${guessed} (from ${e.value === undefined ? 'its name' : `the value "${clip(e.value)}"`})`, generic);
    return guessed;
  }

  /** The value to write: a template for the device's own identity, else the dump's value checked against the type. */
  private value(p: Param, e: DumpEntry, id: { serial: string; oui: string }): string {
    const raw = e.value;
    const name = p.generic.slice(p.generic.indexOf('.') + 1);
    if (name === 'DeviceInfo.SerialNumber' || (raw !== undefined && raw !== '' && raw === id.serial)) return '{{serial}}';
    if (name === 'DeviceInfo.ManufacturerOUI') return '{{oui}}';
    if (name === 'DeviceInfo.UpTime') return '{{uptime}}';
    if (name === 'ManagementServer.ConnectionRequestURL') return '{{crUrl}}';
    if (raw === undefined) return zeroValue(p.type);
    if (raw.includes('{{') || raw.includes('}}')) {
      this.note('value', `${p.generic}: the value "${clip(raw)}" contains "{{" or "}}" (template syntax): left empty`, p.generic);
      return zeroValue(p.type);
    }
    if (p.type === 'string' && MAC_RE.test(raw)) {
      const mac = this.ownMac(raw, id.oui);
      if (mac !== undefined) return mac;
    }
    if (p.type === 'string' && isIP(raw) !== 0 && isDeviceAddress(raw, p.generic)) {
      this.countTemplatedAddresses++;
      return isIP(raw) === 4 ? '{{ipv4:100.64.0.0/10}}' : '{{ipv6:2001:db8::/32}}';
    }
    const canonical = normalizeValue(p.type, {}, raw);
    if (canonical !== undefined) return canonical;
    this.note('value', `${p.generic}: "${clip(raw)}" is not a valid ${p.type}: ${JSON.stringify(zeroValue(p.type))} used`, p.generic);
    return zeroValue(p.type);
  }


  /** A MAC with the device's OUI is one of its own: {{mac:K}}, one K per distinct address (16 at most). */
  private ownMac(mac: string, oui: string): string | undefined {
    if (mac.replace(/:/g, '').slice(0, 6).toUpperCase() !== oui) return undefined;
    const upper = mac.toUpperCase();
    let k = this.macNumbers.get(upper);
    if (k === undefined) {
      if (this.macNumbers.size >= MAX_MACS) return undefined;
      k = this.macNumbers.size;
      this.macNumbers.set(upper, k);
    }
    return `{{mac:${k}}}`;
  }

  private completeManagementServer(): void {
    for (const [name, type, writable, value] of MANAGEMENT_SERVER) {
      const generic = `${this.root}.ManagementServer.${name}`;
      if (this.params.has(generic)) continue;
      this.params.set(generic, { generic, type, writable, hidden: name.endsWith('Password'), values: new Map([['', value]]) });
      this.note('added', `${generic}: not in the dump, added (${JSON.stringify(value)}): the simulated CPE needs it`, generic);
    }
  }


  /** A linked counter always counts the instances; a dump whose counter said otherwise is told so (the dump is inconsistent). */
  private reportCounterMismatch(table: Table, counter: string): void {
    const leaf = counter.slice(counter.lastIndexOf('.') + 1);
    const differing: string[] = [];
    for (const [parent, seen] of table.instancesByParent) {
      const concrete = `${parent.slice(0, parent.lastIndexOf('.'))}.${leaf}`;
      const said = this.dump.entries.find((e) => e.path === concrete)?.value?.trim();
      if (said !== undefined && said !== String(seen.length)) differing.push(`${concrete} = ${said} for ${seen.length}`);
    }
    if (differing.length > 0) {
      this.note('value', `${counter}: the dump's counter disagrees with its instances (${differing.join('; ')}): it counts the instances`, counter);
    }
  }

  private markForcedInform(): void {
    for (const name of FORCED_INFORM) if (this.params.has(`${this.root}.${name}`)) this.forced.add(`${this.root}.${name}`);
  }

  private write(id: { manufacturer: string; oui: string; productClass: string; serialTemplate: string }): ImportedProfile {
    const name = this.opts.name ?? (`${id.manufacturer.split(/[\s,]/)[0]}-${id.productClass}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'imported');
    const objectEntries: Record<string, Record<string, unknown> | null> = {};
    // Tables in order of first appearance: instances, writability (from the table object's entry) and their counters.
    for (const table of this.tables.values()) {
      const entry: Record<string, unknown> = {};
      const concreteTable = [...this.objects.values()].find((o) => genericPath(o.path.split('.').slice(0, -1)) + '.' === table.generic.replace(/\{i\}\.$/, ''));
      if (concreteTable?.writable) entry.writable = true;
      else if (concreteTable === undefined || concreteTable.writable === undefined) {
        this.note('writable', `${table.generic}: AddObject/DeleteObject unknown (no entry for the table object): not writable`, table.generic);
      }
      const counts = [...table.instancesByParent.values()].map((s) => s.length);
      const instances = Math.max(...counts);
      entry.instances = instances;
      const renumbered = [...table.instancesByParent.values()].some((seen) => [...seen].sort((x, y) => x - y).some((n, k) => n !== k + 1));
      if (counts.some((c) => c !== instances) || renumbered) {
        this.note('instances', `${table.generic}: ${instances} instance(s) per parent (the dump had ${[...table.instancesByParent.entries()].map(([parent, seen]) => `${seen.join(',')} under ${parent}`).join('; ')}): numbered 1..${instances}`, table.generic);
      }
      const counter = numEntriesParameter(table.generic);
      const counterParam = this.params.get(counter);
      if (counterParam && counterParam.type === 'unsignedInt' && !counterParam.writable) {
        entry.numEntries = counter;
        this.params.delete(counter);
        this.reportCounterMismatch(table, counter);
      }
      objectEntries[table.generic] = entry;
    }
    // Objects with no parameters and no instances: a writable one is an empty table, the others a single object.
    for (const o of this.objects.values()) {
      const generic = genericPath(o.path.split('.').slice(0, -1)) + '.';
      const hasChildren = [...this.params.keys(), ...this.tables.keys()].some((k) => k.startsWith(generic) && k !== generic) || this.dump.entries.some((e) => e !== o && e.path.startsWith(o.path));
      // One report per generic table: an empty table under a multi-instance parent is seen once per parent.
      if (hasChildren || generic.endsWith('{i}.') || objectEntries[generic] !== undefined || objectEntries[`${generic}{i}.`] !== undefined) continue;
      if (o.writable) {
        objectEntries[`${generic}{i}.`] = { writable: true, instances: 0 };
        this.note('instances', `${generic}: writable object without instances in the dump: taken for an empty table`, generic);
      } else objectEntries[generic] = null;
    }
    const parameters: Record<string, Record<string, unknown>> = {};
    for (const p of this.params.values()) {
      const entry: Record<string, unknown> = { type: p.type };
      if (p.writable) entry.writable = true;
      if (p.hidden) entry.hidden = true;
      const first = p.values.get(firstKey(p.generic)) ?? p.values.values().next().value!;
      entry.value = first;
      const others = [...p.values.entries()].filter(([k, v]) => k !== '' && v !== first);
      if (others.length > 0) entry.instanceValues = Object.fromEntries(others);
      if (this.forced.has(p.generic)) entry.forcedInform = true;
      parameters[p.generic] = entry;
    }
    if (this.countUnknownWritable > 0) this.note('writable', `${this.countUnknownWritable} parameter(s) without writability in the dump: read-only assumed`);
    if (this.countTemplatedAddresses > 0) this.note('template', `${this.countTemplatedAddresses} public/WAN IP address value(s) → {{ipv4:100.64.0.0/10}} / {{ipv6:2001:db8::/32}} (one address per CPE)`);
    if (this.macNumbers.size > 0) this.note('template', `${this.macNumbers.size} MAC address(es) with the device's OUI → {{mac:0}}..{{mac:${this.macNumbers.size - 1}}}; other MACs (LAN clients) kept as they are`);
    const cwmpVersion = this.dump.cwmpVersion ?? (this.root === 'Device' ? 2 : 0);
    if (this.dump.cwmpVersion === undefined) this.note('format', `CWMP version not in a ${this.dump.format} dump: cwmp-1-${cwmpVersion} assumed`);

    const software = this.params.get(`${this.root}.DeviceInfo.SoftwareVersion`)?.values.get('');
    const doc = new Document({
      profile: name,
      description: `${id.manufacturer} ${id.productClass}${software ? ` (firmware ${software})` : ''}, imported from a ${FORMAT_NAMES[this.dump.format]}`,
      root: this.root,
      cwmpVersion,
      deviceId: { manufacturer: id.manufacturer, oui: id.oui, productClass: id.productClass, serialNumber: id.serialTemplate },
      objects: objectEntries,
      parameters,
    });
    doc.commentBefore = ` Imported by \`cpesim profile import\` from ${this.dump.files.map((f) => f.split('/').pop()).join(', ')} (${FORMAT_NAMES[this.dump.format]}).\n ${this.report.length} guess(es) and change(s): see the import report.`;
    for (const section of ['objects', 'parameters']) {
      for (const pair of (doc.get(section) as YAMLMap).items) if (pair.value instanceof YAMLMap) pair.value.flow = true;
    }
    for (const pair of (doc.get('parameters') as YAMLMap).items) {
      const entry = pair.value as YAMLMap;
      (entry.get('value', true) as Scalar).type = Scalar.QUOTE_DOUBLE;
      for (const item of (entry.get('instanceValues', true) as YAMLMap | undefined)?.items ?? []) {
        (item.key as Scalar).type = Scalar.QUOTE_DOUBLE;
        (item.value as Scalar).type = Scalar.QUOTE_DOUBLE;
      }
    }
    return { yaml: doc.toString({ lineWidth: 0, flowCollectionPadding: true }), name, parameterCount: this.params.size, report: this.report };
  }
}

/** The format problem that makes a dump unusable (no tree at all). */
export class ImportFailure extends Error {}

const FORMAT_NAMES = { csv: 'genieacs-sim data-model CSV', soap: 'GetParameterNames/Values SOAP dump', genieacs: 'GenieACS device export' } as const;

/** Concrete segments → generic path: every instance number becomes "{i}". */
function genericPath(segments: readonly string[]): string {
  return segments.map((s, k) => (k > 0 && INSTANCE_RE.test(s) ? '{i}' : s)).join('.');
}

/** The ordinal key of a parameter's first instance ("1.1" for two tables, "" for none). */
function firstKey(generic: string): string {
  const depth = generic.split('.').filter((s) => s === '{i}').length;
  return Array.from({ length: depth }, () => '1').join('.');
}

/** The conventional counter of a table: "X.T.{i}." → "X.TNumberOfEntries". */
function numEntriesParameter(table: string): string {
  return `${table.slice(0, -'.{i}.'.length)}NumberOfEntries`;
}

/** A type from a value (or, without one, from the parameter's name). */
export function guessType(value: string | undefined, generic: string): ParamType {
  if (value === undefined) {
    if (/(NumberOfEntries|Interval|Count|Port)$/.test(generic)) return 'unsignedInt';
    if (/(Enable|Active)$/.test(generic)) return 'boolean';
    return 'string';
  }
  if (value === 'true' || value === 'false') return 'boolean';
  if (/^\d+$/.test(value) && normalizeValue('unsignedInt', {}, value) !== undefined) return 'unsignedInt';
  if (/^-\d+$/.test(value) && normalizeValue('int', {}, value) !== undefined) return 'int';
  if (DATETIME_RE.test(value) && normalizeValue('dateTime', {}, value) !== undefined) return 'dateTime';
  return 'string';
}

/** Addresses that identify this device on the WAN (public ones, or any on a WAN-side path) rather than LAN constants. */
function isDeviceAddress(ip: string, generic: string): boolean {
  // The far end (PPP peer, gateway, DNS or other servers) is the operator's, shared by its CPEs: kept as it was.
  if (/(Remote[A-Za-z]*|Gateway|DNSServers?|Server[A-Za-z0-9]*)$/.test(generic)) return false;
  if (isIP(ip) === 6) return !/^(fe80|::1$|::$|fd|fc)/i.test(ip);
  const [a, b] = ip.split('.').map(Number) as [number, number];
  if (a === 0 || a === 127 || a >= 224 || ip.startsWith('255.')) return false;
  const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
  return !isPrivate || (/WAN/.test(generic) && /(ExternalIPAddress|IPAddress)$/.test(generic));
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
