/**
 * What every importer reads a device dump into: the dump's parameters and objects by concrete path, with what the
 * format said about each (anything the format does not say stays undefined, so the builder knows it must guess).
 */

export type DumpFormat = 'csv' | 'soap' | 'genieacs';

export interface DumpEntry {
  /** Concrete path; objects end with "." ("InternetGatewayDevice.LANDevice.1."). */
  path: string;
  object: boolean;
  /** Parameter: SetParameterValues allowed; object: AddObject (table) / DeleteObject (instance) allowed. */
  writable?: boolean | undefined;
  value?: string | undefined;
  /** The type as written, prefix removed ("unsignedInt" from "xsd:unsignedInt"). */
  type?: string | undefined;
}

/** A parsed dump: entries in the dump's order, plus what the format knows beyond the parameters. */
export interface Dump {
  format: DumpFormat;
  /** The files it was read from (for the profile's header and description). */
  files: string[];
  entries: DumpEntry[];
  /** DeviceId as the format carries it beside the tree (genieacs-sim's DeviceID.* rows, GenieACS `_deviceId`). */
  deviceId?: { manufacturer?: string; oui?: string; productClass?: string; serialNumber?: string };
  /** The CWMP namespace version the messages used (SOAP dumps only). */
  cwmpVersion?: 0 | 1 | 2 | 3 | 4;
  /** Things the parser itself had to decide (e.g. "3 devices in the export, the first was used"). */
  notes: string[];
}

/** "xsd:unsignedInt" → "unsignedInt"; "" → undefined. */
export function typeName(written: string | undefined): string | undefined {
  const t = written?.trim();
  if (!t) return undefined;
  return t.includes(':') ? t.slice(t.indexOf(':') + 1) : t;
}
