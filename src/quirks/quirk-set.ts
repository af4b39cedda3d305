/**
 * The compiled form of a profile's `quirks:` map: one frozen object per profile, shared by every CPE of it.
 * The hot path asks `(quirks.flags & BIT) !== 0` (one integer test, no allocation); options are plain fields
 * with their defaults filled in, so every QuirkSet has the same shape (one hidden class).
 */
import type { CwmpVersion, ParamType } from '../cwmp/messages.js';

/** One bit per quirk (30 quirks: bits 0-29, within a small integer). The catalogue maps names to these. */
export const QUIRK = Object.freeze({
  booleansAsDigits: 1 << 0,
  emptyHeaderNoCwmpId: 1 << 1,
  fixedCwmpId: 1 << 2,
  arrayTypeCount: 1 << 3,
  currentTimeZone: 1 << 4,
  soapPrefix: 1 << 5,
  cwmpNamespace: 1 << 6,
  expect100Continue: 1 << 7,
  noCookies: 1 << 8,
  newConnectionAfter401: 1 << 9,
  soapAction: 1 << 10,
  contentTypeNoCharset: 1 << 11,
  nullParameterKey: 1 << 12,
  xsiType: 1 << 13,
  gpnEmptyPathUnsupported: 1 << 14,
  batchedGpvFault: 1 << 15,
  bodyEncodingStyle: 1 << 16,
  namespacesOnEnvelopeOnly: 1 << 17,
  manufacturerNewline: 1 << 18,
  chunkedRequests: 1 << 19,
  http10: 1 << 20,
  passwordReadBack: 1 << 21,
  misreportedTypes: 1 << 22,
  misreportedWritability: 1 << 23,
  missingParameters: 1 << 24,
  nonStandardEnums: 1 << 25,
  slowAnswers: 1 << 26,
  randomFaults: 1 << 27,
  neverEndsSession: 1 << 28,
  informRetryForever: 1 << 29,
});

export type QuirkName = keyof typeof QUIRK;

/** Quirks that change how the codec writes an envelope (build.ts checks this mask once per message). */
export const CODEC_QUIRKS = QUIRK.emptyHeaderNoCwmpId | QUIRK.arrayTypeCount | QUIRK.soapPrefix | QUIRK.xsiType | QUIRK.bodyEncodingStyle;

/** Quirks that change a parameter value as the ACS reads it (DeviceModel.readValue checks this mask). */
export const READ_QUIRKS =
  QUIRK.booleansAsDigits | QUIRK.nullParameterKey | QUIRK.passwordReadBack | QUIRK.misreportedTypes | QUIRK.nonStandardEnums;

/** Quirks that fault an ACS RPC before the data model sees it (dispatchAcsRequest checks this mask). */
export const RPC_QUIRKS = QUIRK.gpnEmptyPathUnsupported | QUIRK.batchedGpvFault | QUIRK.randomFaults;

/** Quirks that change how a SetParameterValues value is read (DeviceModel.setParameterValues checks this mask). */
export const WRITE_QUIRKS = QUIRK.booleansAsDigits | QUIRK.nonStandardEnums;

export interface QuirkSetInit {
  flags: number;
  fixedCwmpId: string;
  arrayTypeCount: 'zeroPadded' | 'wrong';
  currentTimeZone: 'none' | 'plusZero';
  soapPrefix: string;
  cwmpVersion: CwmpVersion;
  soapAction: 'empty' | 'missing';
  xsiType: 'empty' | 'json';
  batchedGpvMaxNames: number;
  batchedGpvCode: number;
  misreportedTypes: ReadonlyMap<string, ParamType>;
  misreportedWritability: ReadonlySet<string>;
  missingParameters: readonly string[];
  nonStandardEnums: ReadonlyMap<string, ReadonlyMap<string, string>>;
  slowLatencyMs: number;
  slowJitterMs: number;
  randomFaultRate: number;
  randomFaultCode: number;
  neverEndsIntervalMs: number;
  informRetryIntervalMs: number;
}

/** A profile's quirks, compiled (see catalogue.ts for what each one does). */
export class QuirkSet implements Readonly<QuirkSetInit> {
  readonly flags: number;
  readonly fixedCwmpId: string;
  readonly arrayTypeCount: 'zeroPadded' | 'wrong';
  readonly currentTimeZone: 'none' | 'plusZero';
  /** SOAP envelope prefix written by the codec ("soap-env" unless soapPrefix). */
  readonly soapPrefix: string;
  /** The cwmp namespace minor version the CPE always speaks (cwmpNamespace). */
  readonly cwmpVersion: CwmpVersion;
  readonly soapAction: 'empty' | 'missing';
  readonly xsiType: 'empty' | 'json';
  readonly batchedGpvMaxNames: number;
  readonly batchedGpvCode: number;
  /** Generic parameter path → the xsi:type reported instead of the real one. */
  readonly misreportedTypes: ReadonlyMap<string, ParamType>;
  /** Generic parameter paths whose GetParameterNames Writable flag is inverted. */
  readonly misreportedWritability: ReadonlySet<string>;
  /** Generic paths removed from the data model when the profile is compiled. */
  readonly missingParameters: readonly string[];
  /** Generic parameter path → (standard value → the value the device reports instead). */
  readonly nonStandardEnums: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly slowLatencyMs: number;
  readonly slowJitterMs: number;
  readonly randomFaultRate: number;
  readonly randomFaultCode: number;
  readonly neverEndsIntervalMs: number;
  readonly informRetryIntervalMs: number;

  constructor(init: QuirkSetInit) {
    this.flags = init.flags;
    this.fixedCwmpId = init.fixedCwmpId;
    this.arrayTypeCount = init.arrayTypeCount;
    this.currentTimeZone = init.currentTimeZone;
    this.soapPrefix = init.soapPrefix;
    this.cwmpVersion = init.cwmpVersion;
    this.soapAction = init.soapAction;
    this.xsiType = init.xsiType;
    this.batchedGpvMaxNames = init.batchedGpvMaxNames;
    this.batchedGpvCode = init.batchedGpvCode;
    this.misreportedTypes = init.misreportedTypes;
    this.misreportedWritability = init.misreportedWritability;
    this.missingParameters = Object.freeze(init.missingParameters.slice());
    this.nonStandardEnums = init.nonStandardEnums;
    this.slowLatencyMs = init.slowLatencyMs;
    this.slowJitterMs = init.slowJitterMs;
    this.randomFaultRate = init.randomFaultRate;
    this.randomFaultCode = init.randomFaultCode;
    this.neverEndsIntervalMs = init.neverEndsIntervalMs;
    this.informRetryIntervalMs = init.informRetryIntervalMs;
    Object.freeze(this);
  }

  has(bit: number): boolean {
    return (this.flags & bit) !== 0;
  }
}

/** Every option at its default: the values the catalogue documents for `quirkName: true`. */
export const DEFAULT_QUIRK_OPTIONS: Readonly<QuirkSetInit> = Object.freeze({
  flags: 0,
  fixedCwmpId: '1',
  arrayTypeCount: 'zeroPadded',
  currentTimeZone: 'none',
  soapPrefix: 'soap-env',
  cwmpVersion: 2,
  soapAction: 'empty',
  xsiType: 'empty',
  batchedGpvMaxNames: 1,
  batchedGpvCode: 9002,
  misreportedTypes: new Map(),
  misreportedWritability: new Set(),
  missingParameters: [],
  nonStandardEnums: new Map(),
  slowLatencyMs: 200,
  slowJitterMs: 0,
  randomFaultRate: 0.05,
  randomFaultCode: 9002,
  neverEndsIntervalMs: 1000,
  informRetryIntervalMs: 0,
} satisfies QuirkSetInit);

/** The quirk-free set: every profile without `quirks:` shares it. */
export const NO_QUIRKS: QuirkSet = new QuirkSet(DEFAULT_QUIRK_OPTIONS);
