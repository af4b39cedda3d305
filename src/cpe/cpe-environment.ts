/**
 * How a CPE is configured: the options of one CPE or of a fleet group, and the CpeEnvironment they resolve to
 * (defaults applied once, shared by every CPE of the group). Separate from VirtualCpe, which only reads it.
 */
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { DeviceModel } from '../datamodel/device-model.js';
import type { SessionObserver } from '../metrics/observer.js';
import type { AcsEndpoint } from '../transport/acs-http-session.js';
import { managementPaths, type ManagementPaths } from './management-server.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './session.js';
import { DEFAULT_TRANSFER_LIMITS, type FileServerAccess, type TransferLimits } from './transfers.js';
import type { VirtualCpe } from './virtual-cpe.js';
import { RepeatedMessageParser } from '../cwmp/repeated-messages.js';

export const DEFAULT_REBOOT_DURATION_MS = 3000;

export interface VirtualCpeOptions extends CpeSharedOptions {
  index: number;
  acs: AcsEndpoint;
  connectionRequestUrl: string;
  /**
   * The CPE asks its scheduler for a session `delayMs` from now, for work that finished between sessions
   * (a transfer completed). Never called while a session runs: then the SessionResult carries the wish.
   */
  requestSession?: (delayMs: number) => void;
}

/** What every CPE of a fleet group has in common: given once to cpeEnvironment(), shared by the CPEs. */
export interface CpeSharedOptions {
  profile: CompiledProfile;
  observer: SessionObserver;
  /** The scenario seed: retry waits and the random quirks draw from it (random.ts cpeDraw, quirks/quirk-random.ts); default 1. */
  seed?: number;
  /** Overrides of the hostile-ACS guards (DEFAULT_SESSION_LIMITS). */
  limits?: Partial<SessionLimits>;
  /** How long a reboot keeps the CPE offline (Reboot RPC, firmware upgrade); default 3000. */
  rebootDurationMs?: number;
  /** Overrides of the file-transfer bounds (DEFAULT_TRANSFER_LIMITS). */
  transferLimits?: Partial<TransferLimits>;
  /** Parameter values the CPEs have from power-on instead of the profile's (DeviceContext.initialValues). */
  initialValues?: ReadonlyMap<string, string>;
  /** Pace of the value generators (DeviceContext.valueChangeScale; scenario `valueChanges.rateScale`). */
  valueChangeScale?: number;
  /** A user confirms "4 Confirmation Needed" ScheduleDownload windows (default: nobody does). */
  confirmDownloads?: boolean;
}

/**
 * The shared part of many CPEs, resolved once (defaults applied): a CPE holds one pointer to it instead of
 * a field per setting, which matters at a million CPEs per process.
 */
export interface CpeEnvironment {
  readonly profile: CompiledProfile;
  readonly observer: SessionObserver;
  readonly seed: number;
  readonly limits: SessionLimits;
  readonly rebootDurationMs: number;
  readonly transferLimits: TransferLimits;
  readonly paths: ManagementPaths;
  readonly initialValues: ReadonlyMap<string, string> | undefined;
  readonly valueChangeScale: number;
  readonly confirmDownloads: boolean;
  /** As VirtualCpeOptions.requestSession, told which CPE asks (so one function serves a whole fleet). */
  readonly requestSession: ((delayMs: number, cpe: VirtualCpe) => void) | undefined;
  /** The group's ACS messages, parsed once per shape (cwmp/repeated-messages.ts). */
  readonly acsMessages: RepeatedMessageParser;
}

/** Throws CPESIM_DATAMODEL_PATH when an initial value names no parameter of the profile. */
export function cpeEnvironment(opts: CpeSharedOptions & { requestSession?: (delayMs: number, cpe: VirtualCpe) => void }): CpeEnvironment {
  if (opts.initialValues) DeviceModel.checkInitialValues(opts.profile, opts.initialValues);
  const seed = opts.seed ?? 1;
  return Object.freeze({
    profile: opts.profile,
    observer: opts.observer,
    seed,
    limits: opts.limits ? { ...DEFAULT_SESSION_LIMITS, ...opts.limits } : DEFAULT_SESSION_LIMITS,
    rebootDurationMs: opts.rebootDurationMs ?? DEFAULT_REBOOT_DURATION_MS,
    transferLimits: opts.transferLimits ? { ...DEFAULT_TRANSFER_LIMITS, ...opts.transferLimits } : DEFAULT_TRANSFER_LIMITS,
    paths: managementPaths(opts.profile.root),
    initialValues: opts.initialValues,
    valueChangeScale: opts.valueChangeScale ?? 1,
    acsMessages: new RepeatedMessageParser(),
    confirmDownloads: opts.confirmDownloads ?? false,
    requestSession: opts.requestSession,
  });
}

/** The environment of a CPE built from its own options (tests, single CPEs): nothing shared with others. */
export function standaloneEnvironment(opts: VirtualCpeOptions): CpeEnvironment {
  const ask = opts.requestSession;
  // The caller's callback gets the delay alone, as VirtualCpeOptions promises.
  return cpeEnvironment({ ...opts, ...(ask !== undefined ? { requestSession: (delayMs: number) => ask(delayMs) } : {}) });
}

/** A CPE of a fleet: its own identity, everything else from the group's shared environment. */
export interface FleetCpeOptions {
  index: number;
  connectionRequestUrl: string;
  acs: AcsEndpoint;
  environment: CpeEnvironment;
}

/** How a CPE reaches file servers (transfers, ChangeDUState fetches): its transfer bounds, its ACS endpoint's trust and source address. */
export function fileServerAccess(env: CpeEnvironment, acs: AcsEndpoint): FileServerAccess {
  return {
    limits: env.transferLimits,
    ...(acs.insecure !== undefined ? { insecure: acs.insecure } : {}),
    ...(acs.ca !== undefined ? { ca: acs.ca } : {}),
    ...(acs.localAddress !== undefined ? { localAddress: acs.localAddress } : {}),
  };
}
