import type { AutonomousTransferSettings, CpeBehaviour, RequestDownloadSettings } from './cpe-behaviour.js';
import type { AutonomousDuChangeSettings } from './autonomous-du.js';
import type { Threshold } from './threshold.js';
import type { UdpConnectionRequestSettings } from './udp-settings.js';
import type { ConnectionRequestDriverSettings } from '../acs/connection-request-settings.js';
import type { ReferenceAcsXmppAccount } from './reference-acs-settings.js';

/** A validated scenario: what to run, against which ACS, for how long. Plain data (it crosses thread boundaries). */
export interface AcsSettings {
  /** undefined → start the built-in reference ACS in-process on a free loopback port. */
  url: string | undefined;
  username: string | undefined;
  password: string | undefined;
  insecure: boolean;
  /** PEM text of an extra CA to trust (read from the file the scenario names). */
  ca: string | undefined;
  requestTimeoutMs: number;
  /**
   * Local source IPs the CPEs' connections bind to (ranges already expanded); CPE i uses entry i mod N, by
   * global index. undefined: the OS picks. Spreads a large fleet over more ephemeral port space.
   */
  sourceAddresses?: string[] | undefined;
}

/** The CPEs' HTTP connection-request endpoint (one listener per shard). */
export interface ConnectionRequestSettings {
  /** Address the listeners bind to and the ConnectionRequestURLs name (default 127.0.0.1; --cr-host). */
  host?: string | undefined;
  /** TR-069 requires Digest; 'basic' for ACSes that only speak Basic. Default 'digest'. */
  auth?: 'digest' | 'basic' | undefined;
  /** The requested session starts this long after the request (0..30 s; default 0). */
  delayMs?: number | undefined;
  /** `rateLimit`: a CPE accepts at most `maxPerWindow` requests per `windowMs` and answers the rest 503 (default 10 per 60 s). */
  rateLimit?: { maxPerWindow: number; windowMs: number } | undefined;
  /** UDP connection requests (TR-069 Annex G) and STUN (udp-settings.ts). */
  udp?: UdpConnectionRequestSettings | undefined;
  /** XMPP connection requests (TR-069 Annex K): every CPE also logs in to this XMPP server. */
  xmpp?: XmppSettings | undefined;
}

/** The CPEs' XMPP sessions (src/connreq/xmpp-connector.ts). Templates use the profile syntax ({{serial}}, {{index:8}}). */
export interface XmppSettings {
  /** The XMPP server's c2s address (a host name or IP) and port. */
  host: string;
  port: number;
  /** The XMPP domain (virtual host) of the CPEs' JIDs. */
  domain: string;
  /** Templates of each CPE's account; its JID is username@domain/resource. */
  username: string;
  password: string;
  resource: string;
  /** Logins in flight at once per shard (the pacing that keeps a large fleet from stampeding the server). */
  concurrency: number;
  /** A login (connect, authenticate, bind) taking longer than this fails and is retried. */
  loginTimeoutMs: number;
}

/** Scenario `valueChanges`: how the CPEs' value generators run (ACS teams load the notification path with it). */
export interface ValueChangeSettings {
  /** Multiplies every generator's pace (counter rates, flips, samples; not uptime); 0 stops them. Default 1. */
  rateScale: number;
  /** An active notification's session starts this long after the change, so changes close together share it. */
  notifyDelayMs: number;
}

export const DEFAULT_VALUE_CHANGE_SETTINGS: Readonly<ValueChangeSettings> = Object.freeze({ rateScale: 1, notifyDelayMs: 200 });

export interface ReferenceAcsSettings {
  provision: boolean;
  maxConcurrentSessions: number | undefined;
  /** Connection requests the built-in ACS sends during the run (scenario `referenceAcs.connectionRequests`). */
  connectionRequests?: ConnectionRequestDriverSettings | undefined;
  /** Its XMPP account for XMPP connection requests, on the server of `connectionRequests.xmpp`. */
  xmpp?: ReferenceAcsXmppAccount | undefined;
}

/** At `atMs` after power-on every CPE of the group loses power and comes back at a random instant within `windowMs`. */
export interface BootStorm {
  atMs: number;
  windowMs: number;
}

export interface ScheduleSettings {
  /** Overrides each CPE's PeriodicInformInterval at power-on; undefined keeps the profile's value. */
  periodicIntervalS: number | undefined;
  /** Each periodic wait is stretched or shrunk at random by up to this fraction (0..1). */
  jitter: number;
  /** CPEs power on spread evenly over this many milliseconds (0: all at once, a boot storm). */
  rampMs: number;
  /** CPEs power on at this rate (per second) instead; when set, rampMs is not used. */
  rampRatePerS?: number | undefined;
  /** Overrides each CPE's PeriodicInformTime (xsd:dateTime) at power-on: the phase of its periodic informs. */
  periodicInformTime?: string | undefined;
  bootStorm?: BootStorm | undefined;
}

export interface FleetGroup {
  /** Profile name (profiles/NAME.yaml) or a path resolved against the scenario file. */
  profile: string;
  count: number;
  /** What this group sets differently from the scenario's schedule (see groupSchedule). */
  schedule?: Partial<ScheduleSettings> | undefined;
  /** This group's CPE behaviour fields (over the scenario's `cpe`). */
  cpe?: CpeBehaviour | undefined;
}

/** How long in-flight sessions may finish after scheduling stops, unless the scenario or --grace says otherwise. */
export const DEFAULT_GRACE_PERIOD_MS = 10_000;

export interface Scenario {
  name: string;
  /** The file it came from, for messages; undefined when built from flags alone. */
  file: string | undefined;
  durationMs: number;
  acs: AcsSettings;
  referenceAcs: ReferenceAcsSettings;
  fleet: FleetGroup[];
  schedule: ScheduleSettings;
  seed: number;
  /** After scheduling stops, running sessions get this long to finish (default DEFAULT_GRACE_PERIOD_MS). */
  gracePeriodMs?: number | undefined;
  /** State file (scenario `state`, resolved; `--state` overrides): CPEs restored from it and saved to it. */
  stateFile?: string | undefined;
  /** `warmUp`: sessions each worker thread runs against a private loopback ACS before power-on (0: none; default src/fleet/warm-up.ts). */
  warmUpSessions?: number | undefined;
  connectionRequests?: ConnectionRequestSettings | undefined;
  /** Value generators and notifications (DEFAULT_VALUE_CHANGE_SETTINGS when absent). */
  valueChanges?: ValueChangeSettings | undefined;
  /** Pass/fail criteria, checked at the end (and during the run when abortOnFail); none: the run passes when it ran. */
  thresholds?: Threshold[] | undefined;
  /** CPE behaviour of every group (reboot duration, ...); a group's `cpe` overrides fields. */
  cpe?: CpeBehaviour | undefined;
  /** Downloads fractions of the fleet make on their own (AutonomousTransferComplete). */
  autonomousTransfers?: AutonomousTransferSettings[] | undefined;
  /** RequestDownloads fractions of the fleet send. */
  requestDownloads?: RequestDownloadSettings[] | undefined;
  /** Deployment units fractions of the fleet install/update/uninstall on their own (AutonomousDUStateChangeComplete). */
  autonomousDuChanges?: AutonomousDuChangeSettings[] | undefined;
}

/** Whether the group has a ramp of its own (then its CPEs ramp among themselves, not with the rest of the fleet). */
export function hasOwnRamp(group: FleetGroup): boolean {
  return group.schedule?.rampMs !== undefined || group.schedule?.rampRatePerS !== undefined;
}

/**
 * The schedule a group's CPEs follow: the scenario's, with the group's fields on top. The ramp is one unit:
 * a group that sets `ramp` or `rampRate` replaces both (they are mutually exclusive).
 */
export function groupSchedule(top: ScheduleSettings, group: FleetGroup): ScheduleSettings {
  const own = group.schedule;
  if (!own) return top;
  const merged: ScheduleSettings = { ...top };
  for (const [key, value] of Object.entries(own)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  if (hasOwnRamp(group)) {
    merged.rampMs = own.rampMs ?? 0;
    merged.rampRatePerS = own.rampRatePerS;
  }
  return merged;
}
