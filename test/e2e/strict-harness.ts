/**
 * The rig of the strict-ACS conformance suite (strict-acs.test.ts): one real VirtualCpe of a shipped
 * profile talking over loopback HTTP to the real reference ACS, which queues the suite's RPCs; every
 * answer comes back with the raw envelope the CPE sent, so the SOAP layer (faultcode, faultstring)
 * can be checked too, not only what the codec decodes.
 *
 * TR-069's fault table is written out here on purpose instead of importing src/cwmp/faults.ts: that
 * module is under test, an oracle copied from it would agree with its bugs.
 */
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { deviceKey, type DeviceRecord } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { VirtualCpe, type SessionResult } from '../../src/cpe/virtual-cpe.js';
import type { AcsRequest, CpeMessage, FaultStruct, ParameterValue, TransferCompleteRequest } from '../../src/cwmp/messages.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import type { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { RecordingObserver } from '../cpe/scripted-acs.js';

/** TR-069 Annex A fault table (CPE faults the suite can provoke): SOAP faultcode class and FaultString. */
export const TR069_CPE_FAULTS: Readonly<Record<number, { soap: 'Client' | 'Server'; text: string }>> = {
  9000: { soap: 'Server', text: 'Method not supported' },
  9003: { soap: 'Client', text: 'Invalid arguments' },
  9004: { soap: 'Server', text: 'Resources exceeded' },
  9005: { soap: 'Client', text: 'Invalid parameter name' },
  9006: { soap: 'Client', text: 'Invalid parameter type' },
  9007: { soap: 'Client', text: 'Invalid parameter value' },
  9008: { soap: 'Client', text: 'Attempt to set a non-writable parameter' },
  9009: { soap: 'Server', text: 'Notification request rejected' },
};

/** What a SOAP Fault envelope says, read from the raw XML (the codec drops faultcode/faultstring). */
export interface SoapFault {
  faultcode: string;
  faultstring: string;
  cwmp: FaultStruct;
}

/** One RPC of a session: the request, the decoded answer and the raw envelope that carried it. */
export interface Exchange {
  request: AcsRequest;
  answer: CpeMessage;
  xml: string;
}

const soapParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** The Fault of a raw CPE envelope, or undefined when its body is not a SOAP Fault. */
export function soapFaultOf(xml: string): SoapFault | undefined {
  const body = soapParser.parse(xml)?.Envelope?.Body;
  const fault = body?.Fault;
  if (fault === undefined) return undefined;
  const detail = fault.detail?.Fault;
  const entries = detail?.SetParameterValuesFault === undefined ? [] : [detail.SetParameterValuesFault].flat();
  return {
    faultcode: String(fault.faultcode),
    faultstring: String(fault.faultstring),
    cwmp: {
      faultCode: Number(detail?.FaultCode),
      faultString: String(detail?.FaultString),
      setParameterValuesFaults: entries.map((e: Record<string, unknown>) => ({
        parameterName: String(e['ParameterName']),
        faultCode: Number(e['FaultCode']),
        faultString: String(e['FaultString']),
      })),
    },
  };
}

/** The answer as the expected response type; a Fault (or another response) fails with its content. */
export function responseOf<M extends CpeMessage['method']>(answer: CpeMessage, method: M): Extract<CpeMessage, { method: M }> {
  assert.equal(answer.method, method, `expected ${method}, got ${JSON.stringify(answer)}`);
  return answer as Extract<CpeMessage, { method: M }>;
}

/** The answer's cwmp Fault, asserting its FaultCode. */
export function faultOf(answer: CpeMessage, code: number): FaultStruct {
  assert.equal(answer.method, 'Fault', `expected Fault ${code}, got ${JSON.stringify(answer).slice(0, 400)}`);
  const fault = (answer as { fault: FaultStruct }).fault;
  assert.equal(fault.faultCode, code, JSON.stringify(fault));
  return fault;
}

/** name → value of a GetParameterValuesResponse. */
export function valuesByName(list: readonly ParameterValue[]): Map<string, ParameterValue> {
  return new Map(list.map((p) => [p.name, p]));
}

/** The rig's reboot duration: short, so reboot tests stay fast. */
export const RIG_REBOOT_MS = 600;

export class StrictRig {
  /** Every RPC exchanged through session(), in order. */
  readonly exchanges: Exchange[] = [];
  /** The result of the last session(). */
  lastResult: SessionResult | undefined;

  private constructor(
    readonly profile: CompiledProfile,
    readonly acs: ReferenceAcs,
    readonly cpe: VirtualCpe,
    readonly key: string,
    private readonly observer: RecordingObserver,
    /** Delays of the CPE's out-of-band session requests (a transfer finished), in order. */
    readonly sessionRequests: number[],
  ) {}

  static async start(profileName: 'tr098' | 'tr181'): Promise<StrictRig> {
    const profile = await loadProfile(profileName);
    const acs = await startReferenceAcs({ recordMessages: true, provision: false });
    const observer = new RecordingObserver();
    const sessionRequests: number[] = [];
    const cpe = new VirtualCpe({
      index: 7,
      profile,
      acs: { url: acs.url, requestTimeoutMs: 10_000 },
      observer,
      connectionRequestUrl: 'http://127.0.0.1:7547/cr7',
      rebootDurationMs: RIG_REBOOT_MS,
      requestSession: (delayMs) => sessionRequests.push(delayMs),
    });
    return new StrictRig(profile, acs, cpe, deviceKey(cpe.model.deviceId()), observer, sessionRequests);
  }

  get root(): string {
    return this.profile.root;
  }

  /**
   * Queues `requests`, runs one CWMP session and returns the answers in order. The ACS sends queued
   * RPCs one per CPE POST and ends the session with 204 once the queue is empty, so a request that
   * depends on an earlier answer belongs to the next session.
   */
  async session(requests: readonly AcsRequest[], opts: { cpeRequests?: number } = {}): Promise<CpeMessage[]> {
    const cpeRequests = opts.cpeRequests ?? 0;
    const before = this.acs.messages.length;
    const pending = requests.map((r) => this.acs.enqueue(this.key, r));
    const result = await this.cpe.runSession(performance.now());
    this.lastResult = result;
    assert.ok(result.ok, `session failed: ${JSON.stringify(result)} ${JSON.stringify(this.observer.failures)}`);
    const answers = await Promise.all(pending);
    // The CPE's POSTs of this session: its Inform, its own queued requests (TransferComplete), then one
    // answer per RPC (the empty POST is not recorded).
    const sent = this.acs.messages.slice(before);
    assert.equal(sent.length, requests.length + 1 + cpeRequests, `one Inform, ${cpeRequests} CPE request(s), one envelope per RPC`);
    answers.forEach((answer, i) => this.exchanges.push({ request: requests[i]!, answer, xml: sent[i + 1 + cpeRequests]! }));
    return answers;
  }

  /** Waits until the CPE asked for `count` out-of-band sessions in all (a transfer finished); bounded. */
  async waitForSessionRequests(count: number, timeoutMs = 10_000): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (this.sessionRequests.length < count) {
      assert.ok(performance.now() < until, `the CPE asked for ${this.sessionRequests.length} of ${count} sessions in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Every TransferComplete the ACS received, decoded from its raw record. */
  transferCompletes(): TransferCompleteRequest[] {
    return this.acs.messages.map((xml) => parseCpeMessage(xml).body).filter((b): b is TransferCompleteRequest => b.method === 'TransferComplete');
  }

  /** The ACS's record of the CPE's last Inform. */
  lastInform(): DeviceRecord {
    const record = this.acs.devices.get(this.key);
    assert.ok(record, `the ACS never heard from ${this.key}`);
    return record;
  }

  async close(): Promise<void> {
    await this.acs.close();
  }
}
