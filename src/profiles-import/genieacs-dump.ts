/**
 * A GenieACS device document (the NBI's `GET /devices` JSON, or one device of it): a tree whose keys are path
 * segments and whose `_`-prefixed members are metadata: `_object`, `_writable`, `_value` ([value, type] or a
 * plain value), `_type`; `_deviceId` holds the Inform's DeviceId.
 */
import { ConfigError } from '../errors.js';
import { typeName, type Dump, type DumpEntry } from './dump.js';

type Node = Record<string, unknown>;

export function parseGenieAcsDump(text: string, file: string): Dump {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`not JSON: ${(err as Error).message}`, { file });
  }
  const dump: Dump = { format: 'genieacs', files: [file], entries: [], notes: [] };
  let device = json;
  if (Array.isArray(json)) {
    if (json.length === 0) throw new ConfigError('the export holds no device', { file });
    if (json.length > 1) dump.notes.push(`${json.length} devices in the export: the first (${String((json[0] as Node)['_id'])}) was used`);
    device = json[0];
  }
  if (!isNode(device) || !Object.keys(device).some((k) => !k.startsWith('_'))) {
    throw new ConfigError('not a GenieACS device document: no parameter tree', { file });
  }
  const id = device['_deviceId'];
  if (isNode(id)) {
    const s = (k: string) => (typeof id[k] === 'string' ? (id[k] as string) : undefined);
    dump.deviceId = { manufacturer: s('_Manufacturer'), oui: s('_OUI'), productClass: s('_ProductClass'), serialNumber: s('_SerialNumber') };
  }
  for (const [name, child] of Object.entries(device)) {
    if (!name.startsWith('_') && isNode(child)) walk(child, name, dump.entries);
  }
  return dump;
}

function walk(node: Node, path: string, out: DumpEntry[]): void {
  const writable = typeof node['_writable'] === 'boolean' ? node['_writable'] : undefined;
  const isParameter = node['_object'] === false || '_value' in node || ('_type' in node && node['_object'] !== true);
  if (isParameter) {
    const raw = node['_value'];
    // GenieACS keeps [value, type] in _value (newer) or the value with _type beside it (older exports).
    const [value, type] = Array.isArray(raw) ? [raw[0], raw[1]] : [raw, node['_type']];
    out.push({ path, object: false, writable, value: value === undefined || value === null ? undefined : String(value), type: typeName(typeof type === 'string' ? type : undefined) });
    return;
  }
  out.push({ path: `${path}.`, object: true, writable });
  for (const [name, child] of Object.entries(node)) {
    if (!name.startsWith('_') && isNode(child)) walk(child, `${path}.${name}`, out);
  }
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
