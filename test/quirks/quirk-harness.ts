/**
 * Runs one CPE session of a small TR-181 profile, with the quirks given as YAML, against the RecordingAcs.
 */
import { VirtualCpe, type SessionResult } from '../../src/cpe/virtual-cpe.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import type { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import { RecordingObserver } from '../cpe/scripted-acs.js';
import type { DialogueOptions, RecordingAcs } from './recording-acs.js';

export const PARAMS = {
  manufacturer: 'Device.DeviceInfo.Manufacturer',
  upTime: 'Device.DeviceInfo.UpTime',
  parameterKey: 'Device.ManagementServer.ParameterKey',
  password: 'Device.ManagementServer.ConnectionRequestPassword',
  informEnable: 'Device.ManagementServer.PeriodicInformEnable',
  standards: 'Device.WiFi.Radio.1.OperatingStandards',
} as const;

/** The test profile; `quirks` is the YAML of the `quirks:` map's entries (indented by the caller or one line each). */
export function quirkyProfileText(quirks: string | undefined, cwmpVersion = 0): string {
  return `profile: quirky
root: Device
cwmpVersion: ${cwmpVersion}
deviceId: { manufacturer: Acme, oui: 00AABB, productClass: GW, serialNumber: "SN{{index}}" }
objects:
  Device.WiFi.Radio.{i}.: { instances: 1 }
parameters:
  Device.DeviceInfo.Manufacturer: { type: string, value: Acme, forcedInform: true }
  Device.DeviceInfo.UpTime: { type: unsignedInt, value: "42", forcedInform: true }
  Device.ManagementServer.ParameterKey: { type: string, forcedInform: true }
  Device.ManagementServer.ConnectionRequestPassword: { type: string, writable: true, hidden: true, value: s3cret }
  Device.ManagementServer.PeriodicInformEnable: { type: boolean, writable: true, value: true, forcedInform: true }
  Device.WiFi.Radio.{i}.OperatingStandards: { type: string, writable: true, value: "b,g", forcedInform: true }
${quirks === undefined ? '' : `quirks:\n${quirks.split('\n').map((l) => `  ${l}`).join('\n')}\n`}`;
}

export function quirkyProfile(quirks: string | undefined, cwmpVersion = 0): CompiledProfile {
  return compileProfileText(quirkyProfileText(quirks, cwmpVersion), 'quirky.yaml');
}

export interface SessionRun {
  result: SessionResult;
  observer: RecordingObserver;
  cpe: VirtualCpe;
}

/** One session of a fresh CPE (quirks as YAML, undefined: none) against `acs`, after acs.reset(dialogue). */
export async function runQuirkySession(
  acs: RecordingAcs,
  quirks: string | undefined,
  dialogue: DialogueOptions = {},
  extra: { username?: string; password?: string; cwmpVersion?: number } = {},
): Promise<SessionRun> {
  acs.reset(dialogue);
  const observer = new RecordingObserver();
  const cpe = new VirtualCpe({
    index: 7,
    acs: {
      url: acs.url,
      requestTimeoutMs: 20_000,
      ...(extra.username !== undefined ? { username: extra.username, password: extra.password ?? '' } : {}),
    },
    connectionRequestUrl: 'http://127.0.0.1:9/cr/7',
    profile: quirkyProfile(quirks, extra.cwmpVersion ?? 0),
    observer,
    limits: { deadlineMs: 60_000, maxMessages: 50 },
  });
  const result = await cpe.runSession(performance.now());
  return { result, observer, cpe };
}
