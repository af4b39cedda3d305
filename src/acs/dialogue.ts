import type { Socket } from 'node:net';
import { buildAcsMessage } from '../cwmp/build.js';
import type { AcsBody, AcsRequest, CpeMessage, CpeRequest } from '../cwmp/messages.js';
import { parseCpeMessage, type CpeEnvelope } from '../cwmp/parse.js';
import { faultString } from '../cwmp/faults.js';
import { ProtocolError, UnsupportedMethodError } from '../errors.js';
import { BOOTSTRAP_EVENT } from '../cwmp/event-codes.js';
import type { DeviceRegistry, MutableDeviceRecord } from './device-registry.js';
import { bootstrapRequests, dataModelRoot, type ProvisioningSettings } from './provisioning.js';
import type { RpcQueue } from './rpc-queue.js';
import type { AcsSession, SessionStore } from './session-store.js';
import type { MutableAcsStats } from './stats.js';

/** What to answer a CPE POST with; the HTTP layer turns it into a response. */
export type Reply =
  /** 200 with a SOAP envelope; `cookie` is the new session's cookie value, set on the InformResponse. */
  | { kind: 'soap'; xml: string; cookie?: string }
  /** 204 No Content: nothing more to ask, the session is over. */
  | { kind: 'end' }
  /** 400: a CPE message the ACS cannot accept (counted as a protocol error). */
  | { kind: 'reject'; reason: string };

/** The methods this ACS answers (GetRPCMethodsResponse). */
export const ACS_METHODS: readonly string[] = [
  'Inform',
  'GetRPCMethods',
  'TransferComplete',
  'AutonomousTransferComplete',
  'DUStateChangeComplete',
  'AutonomousDUStateChangeComplete',
  'RequestDownload',
];

/** The CPE requests (besides Inform) the ACS acknowledges with an empty "<Method>Response" (A.3.3, A.4.2). */
const ACKNOWLEDGED: ReadonlySet<string> = new Set([
  'TransferComplete',
  'AutonomousTransferComplete',
  'DUStateChangeComplete',
  'AutonomousDUStateChangeComplete',
  'RequestDownload',
]);

/** A CPE request the ACS received (besides Inform and GetRPCMethods), with the device that sent it. */
export interface ReceivedCpeRequest {
  deviceKey: string;
  request: Exclude<CpeRequest, { method: 'Inform' | 'GetRPCMethods' }>;
}

const INFORM_RESPONSE: AcsBody = { method: 'InformResponse', maxEnvelopes: 1 };
const GET_RPC_METHODS_RESPONSE: AcsBody = { method: 'GetRPCMethodsResponse', methodList: [...ACS_METHODS] };

const METHOD_NOT_SUPPORTED = { faultCode: 8000, faultString: faultString(8000) };

export interface DialogueDeps {
  stats: MutableAcsStats;
  devices: DeviceRegistry;
  queue: RpcQueue;
  sessions: SessionStore;
  provision: ProvisioningSettings | undefined;
  /** See ReferenceAcsOptions.strictCwmpIds. */
  strictCwmpIds: boolean;
  /** Told of every acknowledged CPE request; may return ACS requests to queue for that device (a RequestDownload's Download). */
  onCpeRequest?: (received: ReceivedCpeRequest) => readonly AcsRequest[];
  /** Told of every Inform after the device record is updated (the connection-request driver measures with it). */
  onInform?: (record: MutableDeviceRecord) => void;
}

/**
 * The ACS side of the CWMP exchange: Inform opens a session, CPE requests are answered, then the
 * device's queued RPCs are sent one per POST and their answers matched by cwmp:ID.
 */
export class CwmpDialogue {
  private nextId = 0;

  constructor(private readonly deps: DialogueDeps) {}

  /** A POST outside any session: it has to be an Inform. */
  open(body: string, socket: Socket): Reply {
    const envelope = this.parse(body);
    if (!envelope) return { kind: 'reject', reason: 'unparsable CWMP message' };
    return this.inform(envelope, socket);
  }

  /** A POST inside `session`. */
  continue(session: AcsSession, body: string, socket: Socket): Reply {
    this.deps.sessions.touch(session);
    if (body.trim() === '') return this.emptyPost(session);
    let envelope: CpeEnvelope;
    try {
      envelope = parseCpeMessage(body);
    } catch (err) {
      if (err instanceof UnsupportedMethodError && isRequestMethod(err.method)) {
        return this.soap({ method: 'Fault', fault: METHOD_NOT_SUPPORTED }, session, err.id);
      }
      if (err instanceof ProtocolError) return { kind: 'reject', reason: err.message };
      throw err;
    }
    const msg = envelope.body;
    switch (msg.method) {
      case 'Inform':
        // The CPE gave up on the old session and started over on the same cookie or socket.
        this.deps.sessions.end(session, 'superseded');
        return this.inform(envelope, socket);
      case 'TransferComplete':
      case 'AutonomousTransferComplete':
      case 'DUStateChangeComplete':
      case 'AutonomousDUStateChangeComplete':
      case 'RequestDownload':
        for (const rpc of this.deps.onCpeRequest?.({ deviceKey: session.deviceKey, request: msg }) ?? []) {
          // Answers nobody waits for: the requester learns the outcome from the CPE's later reports.
          this.deps.queue.add(session.deviceKey, rpc).catch(ignoreLostRpc);
        }
        return this.soap({ method: `${msg.method}Response` } as AcsBody, session, envelope.header.id);
      case 'GetRPCMethods':
        return this.soap(GET_RPC_METHODS_RESPONSE, session, envelope.header.id);
      default:
        return this.answer(session, envelope.header.id, msg);
    }
  }

  private parse(body: string): CpeEnvelope | undefined {
    try {
      return parseCpeMessage(body);
    } catch (err) {
      if (err instanceof ProtocolError) return undefined;
      throw err;
    }
  }

  private inform(envelope: CpeEnvelope, socket: Socket): Reply {
    const inform = envelope.body;
    if (inform.method !== 'Inform') return { kind: 'reject', reason: `a session must start with Inform, got ${inform.method}` };
    const { stats, devices, sessions } = this.deps;
    stats.informs++;
    const record = devices.recordInform(inform, envelope.cwmpVersion);
    const session = sessions.open(record.key, envelope.cwmpVersion, socket);
    stats.sessionsStarted++;
    stats.concurrentSessions = sessions.size;
    if (sessions.size > stats.peakConcurrentSessions) stats.peakConcurrentSessions = sessions.size;
    if (inform.events.some((e) => e.code === BOOTSTRAP_EVENT)) this.queueProvisioning(record);
    this.deps.onInform?.(record);
    const xml = buildAcsMessage(INFORM_RESPONSE, { cwmpVersion: envelope.cwmpVersion, id: envelope.header.id });
    return { kind: 'soap', xml, cookie: session.cookie };
  }

  private queueProvisioning(record: MutableDeviceRecord): void {
    const settings = this.deps.provision;
    const root = dataModelRoot(record.parameters);
    if (!settings || !root) return;
    const [setDone, getDone] = this.deps.queue.addFirst(record.key, bootstrapRequests(root, settings, record.deviceId.serialNumber));
    // Outcomes land on the device record; a lost session or a Fault simply leaves it unprovisioned.
    setDone?.then((answer) => {
      if (answer.method === 'SetParameterValuesResponse') record.provisioned = true;
    }, ignoreLostRpc);
    getDone?.then((answer) => {
      if (answer.method === 'GetParameterValuesResponse') record.deviceInfo = answer.parameterList;
    }, ignoreLostRpc);
  }

  /** A response or Fault from the CPE: it must answer the request in flight, echoing its cwmp:ID (or be counted). */
  private answer(session: AcsSession, id: string | undefined, msg: Exclude<CpeMessage, { method: 'Inform' | 'GetRPCMethods' } | ReceivedCpeRequest['request']>): Reply {
    const rpc = session.awaiting;
    if (!rpc) return { kind: 'reject', reason: `${msg.method} without an outstanding ACS request` };
    if (id !== rpc.id) {
      if (this.deps.strictCwmpIds) return { kind: 'reject', reason: `${msg.method} carries cwmp:ID ${id ?? '(none)'}, expected ${rpc.id}` };
      // One request is in flight per session, so the answer is still unambiguous.
      this.deps.stats.cwmpIdMismatches++;
    }
    if (msg.method !== 'Fault' && msg.method !== `${rpc.request.method}Response`) {
      return { kind: 'reject', reason: `${msg.method} does not answer ${rpc.request.method}` };
    }
    session.awaiting = undefined;
    if (msg.method === 'Fault') this.deps.stats.faultsReceived++;
    rpc.resolve(msg);
    return this.sendNext(session);
  }

  private emptyPost(session: AcsSession): Reply {
    const rpc = session.awaiting;
    if (rpc) {
      // The CPE must answer before sending an empty POST; the request is lost, tell its caller.
      session.awaiting = undefined;
      this.deps.stats.protocolErrors++;
      rpc.reject(new ProtocolError(`CPE sent an empty POST instead of answering ${rpc.request.method} (cwmp:ID ${rpc.id})`));
    }
    return this.sendNext(session);
  }

  /** The next queued RPC for the device, or 204 and the end of the session. */
  private sendNext(session: AcsSession): Reply {
    for (let rpc = this.deps.queue.take(session.deviceKey); rpc; rpc = this.deps.queue.take(session.deviceKey)) {
      const id = `acs-${++this.nextId}`;
      let xml: string;
      try {
        xml = buildAcsMessage(rpc.request, { cwmpVersion: session.cwmpVersion, id });
      } catch (err) {
        // A request the codec cannot encode fails its caller, not the session.
        rpc.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      session.awaiting = { ...rpc, id };
      this.deps.stats.rpcsSent++;
      return { kind: 'soap', xml };
    }
    this.deps.sessions.end(session, 'completed');
    return { kind: 'end' };
  }

  private soap(body: AcsBody, session: AcsSession, id: string | undefined): Reply {
    return { kind: 'soap', xml: buildAcsMessage(body, { cwmpVersion: session.cwmpVersion, id }) };
  }
}

function ignoreLostRpc(): void {}

/** A CWMP request the codec does not decode (AutonomousTransferComplete, RequestDownload, Kicked, ...), not an answer. */
function isRequestMethod(method: string): boolean {
  return method !== 'Fault' && !method.endsWith('Response') && !ACS_METHODS.includes(method) && !ACKNOWLEDGED.has(method);
}
