import type { CwmpVersion, DeviceIdStruct, EventStruct, InformRequest, ParameterValue } from '../cwmp/messages.js';
import { BOOTSTRAP_EVENT } from '../cwmp/event-codes.js';

/** What the ACS knows about one CPE, refreshed by every Inform. */
export interface DeviceRecord {
  /** "OUI-ProductClass-SerialNumber". */
  readonly key: string;
  readonly deviceId: DeviceIdStruct;
  /** cwmp namespace version of the last Inform. */
  readonly cwmpVersion: CwmpVersion;
  /** Events, ParameterList, RetryCount and CurrentTime of the last Inform. */
  readonly events: readonly EventStruct[];
  readonly parameters: readonly ParameterValue[];
  readonly retryCount: number;
  readonly currentTime: string;
  readonly informCount: number;
  /** The CPE has informed "0 BOOTSTRAP" at least once. */
  readonly bootstrapped: boolean;
  /** The bootstrap provisioning SetParameterValues was accepted. */
  readonly provisioned: boolean;
  /** The CPE's answer to the bootstrap GetParameterValues of "<root>.DeviceInfo." (empty until then). */
  readonly deviceInfo: readonly ParameterValue[];
  /**
   * The last ManagementServer.ConnReqJabberID an Inform carried: where XMPP connection requests go. Kept across
   * Informs, since the CPE reports it only when it changed (an active notification), not in every Inform.
   */
  readonly connReqJabberId?: string | undefined;
}

export type MutableDeviceRecord = { -readonly [K in keyof DeviceRecord]: DeviceRecord[K] };

export function deviceKey(id: DeviceIdStruct): string {
  return `${id.oui}-${id.productClass}-${id.serialNumber}`;
}


/** Every CPE that ever informed this ACS instance, by device key. */
export class DeviceRegistry {
  private readonly records = new Map<string, MutableDeviceRecord>();

  get devices(): ReadonlyMap<string, DeviceRecord> {
    return this.records;
  }

  get(key: string): MutableDeviceRecord | undefined {
    return this.records.get(key);
  }

  recordInform(inform: InformRequest, cwmpVersion: CwmpVersion): MutableDeviceRecord {
    const key = deviceKey(inform.deviceId);
    const bootstrap = inform.events.some((e) => e.code === BOOTSTRAP_EVENT);
    const latest = {
      deviceId: inform.deviceId,
      cwmpVersion,
      events: inform.events,
      parameters: inform.parameterList,
      retryCount: inform.retryCount,
      currentTime: inform.currentTime,
      ...jabberIdOf(inform.parameterList),
    };
    const known = this.records.get(key);
    if (!known) {
      const record = { key, ...latest, informCount: 1, bootstrapped: bootstrap, provisioned: false, deviceInfo: [] };
      this.records.set(key, record);
      return record;
    }
    Object.assign(known, latest);
    known.informCount++;
    // A BOOTSTRAP after a factory reset starts provisioning over.
    if (bootstrap) {
      known.bootstrapped = true;
      known.provisioned = false;
      known.deviceInfo = [];
    }
    return known;
  }
}

/** `{ connReqJabberId }` when the Inform carries ManagementServer.ConnReqJabberID, else nothing (the last one stays). */
function jabberIdOf(parameters: readonly ParameterValue[]): { connReqJabberId?: string } {
  const value = parameters.find((p) => p.name.endsWith('.ManagementServer.ConnReqJabberID'))?.value;
  return value === undefined ? {} : { connReqJabberId: value };
}
