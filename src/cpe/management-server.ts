/**
 * The ManagementServer parameters a CPE reads to decide how it behaves (retry waits, periodic interval,
 * notification throttle, heartbeat policy, connection-request credentials). Separate from the CPE's session loop:
 * these are plain reads of its data model with TR-069's defaults, shared per data-model root.
 */
import type { DeviceModel } from '../datamodel/device-model.js';
import { DEFAULT_RETRY_MIN_WAIT_S, DEFAULT_RETRY_MULTIPLIER, retryWaitMs } from './retry-policy.js';

/** Used when the model has no (valid) PeriodicInformInterval; TR-069 leaves the default to the device. */
export const DEFAULT_PERIODIC_INFORM_INTERVAL_S = 86_400;

/** TR-181 HeartbeatPolicy.ReportingInterval: minInclusive 30 seconds. */
const MIN_HEARTBEAT_INTERVAL_S = 30;

/** ManagementServer parameter paths, per data-model root (only two roots exist). */
export interface ManagementPaths {
  retryMinWait: string;
  retryMultiplier: string;
  periodicInterval: string;
  crUsername: string;
  crPassword: string;
  activeNotificationThrottle: string;
}
const MANAGEMENT_PATHS = new Map<string, ManagementPaths>();
export function managementPaths(root: string): ManagementPaths {
  let paths = MANAGEMENT_PATHS.get(root);
  if (paths === undefined) {
    const ms = `${root}.ManagementServer.`;
    paths = {
      retryMinWait: `${ms}CWMPRetryMinimumWaitInterval`,
      retryMultiplier: `${ms}CWMPRetryIntervalMultiplier`,
      periodicInterval: `${ms}PeriodicInformInterval`,
      crUsername: `${ms}ConnectionRequestUsername`,
      crPassword: `${ms}ConnectionRequestPassword`,
      activeNotificationThrottle: `${ms}DefaultActiveNotificationThrottle`,
    };
    MANAGEMENT_PATHS.set(root, paths);
  }
  return paths;
}

/** A positive integer parameter value, or the fallback. */
function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n > 0 ? n : fallback;
}

/** The wait before retry number `retries` (0 when the last session succeeded), per the model's retry parameters. */
export function retryDelayMs(model: DeviceModel, paths: ManagementPaths, retries: number, draw: number): number {
  const m = positiveInt(model.get(paths.retryMinWait), DEFAULT_RETRY_MIN_WAIT_S);
  const k = positiveInt(model.get(paths.retryMultiplier), DEFAULT_RETRY_MULTIPLIER);
  return retryWaitMs(retries, draw, m, k);
}

/** DefaultActiveNotificationThrottle in ms (0: none, or no such parameter). */
export function activeNotificationThrottleMs(model: DeviceModel, paths: ManagementPaths): number {
  return positiveInt(model.get(paths.activeNotificationThrottle), 0) * 1000;
}

/** PeriodicInformInterval in seconds. */
export function periodicInformIntervalS(model: DeviceModel, paths: ManagementPaths): number {
  return positiveInt(model.get(paths.periodicInterval), DEFAULT_PERIODIC_INFORM_INTERVAL_S);
}

/** ConnectionRequestUsername/Password as they are now (the ACS may have set them). */
export function connectionRequestCredentials(model: DeviceModel, paths: ManagementPaths): { username: string; password: string } {
  return { username: model.get(paths.crUsername) ?? '', password: model.get(paths.crPassword) ?? '' };
}

/**
 * HeartbeatPolicy (TR-181 2.12+, TR-069 Annex O) when Enable is true: its ReportingInterval (seconds, at least
 * 30) and InitiationTime; undefined when disabled or the profile has no such object.
 */
export function heartbeatPolicy(model: DeviceModel, root: string): { reportingIntervalS: number; initiationTime: string } | undefined {
  const enable = model.get(`${root}.ManagementServer.HeartbeatPolicy.Enable`);
  if (enable !== 'true' && enable !== '1') return undefined;
  const interval = positiveInt(model.get(`${root}.ManagementServer.HeartbeatPolicy.ReportingInterval`), MIN_HEARTBEAT_INTERVAL_S);
  return {
    reportingIntervalS: Math.max(MIN_HEARTBEAT_INTERVAL_S, interval),
    initiationTime: model.get(`${root}.ManagementServer.HeartbeatPolicy.InitiationTime`) ?? '',
  };
}
