/**
 * genieacs-sim's data-model CSV (`Parameter,Object,Writable,Value,Value type`, RFC 4180 quoting): one row per
 * parameter or object, objects without the trailing "."; `DeviceID.*` rows carry the Inform's DeviceId.
 */
import { ConfigError } from '../errors.js';
import { typeName, type Dump, type DumpEntry } from './dump.js';

const HEADER = ['Parameter', 'Object', 'Writable', 'Value', 'Value type'];

export function parseCsvDump(text: string, file: string): Dump {
  const rows = csvRows(text, file);
  const header = rows.shift();
  if (!header || HEADER.some((h, k) => header.cells[k]?.trim() !== h)) {
    throw new ConfigError(`not a genieacs-sim data-model CSV: the first line must be "${HEADER.join(',')}"`, { file, line: 1 });
  }
  const dump: Dump = { format: 'csv', files: [file], entries: [], deviceId: {}, notes: [] };
  for (const { line, cells } of rows) {
    if (cells.length === 1 && cells[0] === '') continue;
    if (cells.length !== HEADER.length) throw new ConfigError(`expected ${HEADER.length} columns, found ${cells.length}`, { file, line });
    const [name, object, writable, value, type] = cells as [string, string, string, string, string];
    const flag = (cell: string, column: string): boolean => {
      if (cell === 'true' || cell === 'false') return cell === 'true';
      throw new ConfigError(`column ${column} must be true or false, got "${cell}"`, { file, line });
    };
    const id = /^DeviceID\.(Manufacturer|OUI|ProductClass|SerialNumber)$/.exec(name);
    if (id) {
      const key = ({ Manufacturer: 'manufacturer', OUI: 'oui', ProductClass: 'productClass', SerialNumber: 'serialNumber' } as const)[id[1] as 'OUI'];
      dump.deviceId![key] = value;
      continue;
    }
    const isObject = flag(object, 'Object');
    const entry: DumpEntry = { path: isObject ? `${name}.` : name, object: isObject, writable: flag(writable, 'Writable') };
    if (!isObject) {
      entry.value = value;
      entry.type = typeName(type);
    }
    dump.entries.push(entry);
  }
  return dump;
}

/** RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks. */
function csvRows(text: string, file: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') {
        cell += '"';
        k++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[k + 1] === '\n') k++;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      rowLine = ++line;
    } else cell += c;
  }
  if (quoted) throw new ConfigError('unterminated quoted cell', { file, line: rowLine });
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
  }
  return rows;
}
