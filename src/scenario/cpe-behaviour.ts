/**
 * Scenario fields for what the CPEs do beyond their schedule (parsed here, kept out of load-scenario.ts):
 * - `cpe:` (top level, or per fleet group on top of it): `rebootDuration` (how long a reboot keeps a CPE offline)
 *   and `confirmDownloads` (a user confirms "4 Confirmation Needed" ScheduleDownload windows);
 * - `autonomousTransfers:` downloads a fraction of the CPEs make on their own at some time (reported with
 *   AutonomousTransferComplete);
 * - `requestDownloads:` a fraction of the CPEs ask the ACS for a file (RequestDownload) at some time.
 */
import { parseDurationMs } from '../config/duration.js';

/** What a CPE does differently from the defaults; a group's fields override the scenario's. */
export interface CpeBehaviour {
  rebootDurationMs?: number | undefined;
  confirmDownloads?: boolean | undefined;
}

/** When and for which CPEs a CPE-initiated action happens: at `atMs` from power-on, each CPE with probability `fraction`, spread over `windowMs`. */
export interface CpeActionTiming {
  atMs: number;
  fraction: number;
  windowMs: number;
}

export interface AutonomousTransferSettings extends CpeActionTiming {
  fileType: string;
  url: string;
  /** 0: not checked. */
  fileSize: number;
  targetFileName: string;
}

export interface RequestDownloadSettings extends CpeActionTiming {
  fileType: string;
  fileTypeArg: { name: string; value: string }[];
}

export interface CpeBehaviourDocument {
  rebootDuration?: string | number;
  confirmDownloads?: boolean;
}

export interface TimingDocument {
  at: string | number;
  fraction?: number;
  window?: string | number;
}

export interface AutonomousTransferDocument extends TimingDocument {
  fileType: string;
  url: string;
  fileSize?: number;
  targetFileName?: string;
}

export interface RequestDownloadDocument extends TimingDocument {
  fileType: string;
  args?: Record<string, string>;
}

const durationSchema = { type: ['string', 'number'] } as const;
/** cwmp-1-x.xsd DownloadFileType. */
const fileTypeSchema = { type: 'string', pattern: '^([1-9][0-9]*( \\S+)+|X \\S+ .+)$', maxLength: 64 } as const;
export const timingProperties = {
  at: durationSchema,
  fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  window: durationSchema,
} as const;

export const cpeBehaviourSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { rebootDuration: durationSchema, confirmDownloads: { type: 'boolean' } },
} as const;

export const autonomousTransfersSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['at', 'fileType', 'url'],
    properties: {
      ...timingProperties,
      fileType: fileTypeSchema,
      url: { type: 'string', pattern: '^https?://', maxLength: 1024 },
      fileSize: { type: 'integer', minimum: 0 },
      targetFileName: { type: 'string', maxLength: 256 },
    },
  },
} as const;

export const requestDownloadsSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['at', 'fileType'],
    properties: {
      ...timingProperties,
      fileType: fileTypeSchema,
      // cwmp-1-x.xsd FileTypeArg: at most 16 ArgStructs, Name <= 64 and Value <= 256 characters.
      args: { type: 'object', maxProperties: 16, propertyNames: { maxLength: 64 }, additionalProperties: { type: 'string', maxLength: 256 } },
    },
  },
} as const;

/** Located errors: the scenario loader's `fail(message, path)`. */
type Fail = (message: string, path: (string | number)[]) => Error;

function durationMs(value: string | number, fail: Fail, at: (string | number)[]): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw fail(`"${value}" is not a duration (examples: 500ms, 90s, 5m, 1h)`, at);
  return ms;
}

/** The longest reboot a scenario may ask for (a CPE offline for more than a day is a power cut, not a reboot). */
const MAX_REBOOT_MS = 86_400_000;

export function resolveCpeBehaviour(doc: CpeBehaviourDocument | undefined, fail: Fail, at: (string | number)[]): CpeBehaviour | undefined {
  if (doc === undefined) return undefined;
  const out: CpeBehaviour = {};
  if (doc.rebootDuration !== undefined) {
    const ms = durationMs(doc.rebootDuration, fail, [...at, 'rebootDuration']);
    if (ms > MAX_REBOOT_MS) throw fail('must be at most 24h', [...at, 'rebootDuration']);
    out.rebootDurationMs = ms;
  }
  if (doc.confirmDownloads !== undefined) out.confirmDownloads = doc.confirmDownloads;
  return out;
}

export function timing(doc: TimingDocument, fail: Fail, at: (string | number)[]): CpeActionTiming {
  return {
    atMs: durationMs(doc.at, fail, [...at, 'at']),
    fraction: doc.fraction ?? 1,
    windowMs: doc.window === undefined ? 0 : durationMs(doc.window, fail, [...at, 'window']),
  };
}

export function resolveAutonomousTransfers(docs: AutonomousTransferDocument[] | undefined, fail: Fail): AutonomousTransferSettings[] | undefined {
  return docs?.map((d, i) => ({
    ...timing(d, fail, ['autonomousTransfers', i]),
    fileType: d.fileType,
    url: d.url,
    fileSize: d.fileSize ?? 0,
    targetFileName: d.targetFileName ?? '',
  }));
}

export function resolveRequestDownloads(docs: RequestDownloadDocument[] | undefined, fail: Fail): RequestDownloadSettings[] | undefined {
  return docs?.map((d, i) => ({
    ...timing(d, fail, ['requestDownloads', i]),
    fileType: d.fileType,
    fileTypeArg: Object.entries(d.args ?? {}).map(([name, value]) => ({ name, value })),
  }));
}

/** A group's behaviour: the scenario's with the group's fields on top. */
export function groupCpeBehaviour(top: CpeBehaviour | undefined, own: CpeBehaviour | undefined): CpeBehaviour {
  return { ...top, ...Object.fromEntries(Object.entries(own ?? {}).filter(([, v]) => v !== undefined)) };
}
