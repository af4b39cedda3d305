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
    const repaired = repairRow(cells);
    if (!repaired) throw new ConfigError(`expected ${HEADER.length} columns, found ${cells.length}`, { file, line });
    if (repaired.note) dump.notes.push(`line ${line}: ${repaired.note}`);
    const [name, object, writable, value, type] = repaired.cells;
    const flag = (cell: string, column: string): boolean => {
      cell = cell.trim();
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

const FLAG_RE = /^\s*(true|false)\s*$/;

/**
 * A row with the wrong number of columns, read the one way it can be read, or undefined. Hand-edited dumps (the
 * genieacs-sim one has such rows) break in three ways: a value with an unquoted comma (too many columns, flags and
 * type still in place), a space instead of the comma after the name ("X.Enable false,true,..."), and an object row
 * without its two empty trailing columns.
 */
function repairRow(cells: readonly string[]): { cells: [string, string, string, string, string]; note?: string } | undefined {
  const n = HEADER.length;
  if (cells.length === n) return { cells: cells as [string, string, string, string, string] };
  const [first = '', second = '', third = ''] = cells;
  const last = cells.at(-1)!;
  if (cells.length > n && /^\s*false\s*$/.test(second) && FLAG_RE.test(third) && /^\s*(xsd:)?[A-Za-z]+\s*$/.test(last)) {
    const value = cells.slice(3, -1).join(',');
    return { cells: [first, second, third, value, last], note: `${cells.length} columns: the value's unquoted comma(s) kept in the value ("${value}")` };
  }
  const spaced = /^(\S+)\s+(true|false)$/.exec(first.trim());
  if (cells.length === n - 1 && spaced && FLAG_RE.test(second)) {
    return { cells: [spaced[1]!, spaced[2]!, second, third, last], note: `${cells.length} columns: "${first}" read as the name and the Object column (a space instead of a comma)` };
  }
  if (cells.length === 3 && /^\s*true\s*$/.test(second) && FLAG_RE.test(third)) {
    return { cells: [first, second, third, '', ''], note: `an object row with ${cells.length} columns: Value and Value type taken as empty` };
  }
  return undefined;
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
