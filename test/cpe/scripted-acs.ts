import type { ServerResponse } from 'node:http';
import type { CwmpVersion } from '../../src/cwmp/messages.js';
import { parseCpeMessage, type CpeEnvelope } from '../../src/cwmp/parse.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import type { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import type { CpeState, ErrorKind, LatencyName, SessionObserver } from '../../src/metrics/observer.js';
import { startTestServer, type SeenRequest, type TestServer } from '../transport/local-http-server.js';

/** What the scripted ACS answers to one CPE POST. */
export interface AcsReply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface CpePost {
  raw: SeenRequest;
  /** undefined for the empty POST. */
  msg: CpeEnvelope | undefined;
}

/** A raw node:http ACS that answers the CPE's POSTs from `script`, in order, and records them parsed. */
export async function startScriptedAcs(script: (post: CpePost, index: number) => AcsReply): Promise<TestServer & { posts: CpePost[] }> {
  const posts: CpePost[] = [];
  const server = await startTestServer((req: SeenRequest, res: ServerResponse, i: number) => {
    const post: CpePost = { raw: req, msg: req.body === '' ? undefined : parseCpeMessage(req.body) };
    posts.push(post);
    const reply = script(post, i);
    const body = reply.body ?? '';
    res.writeHead(reply.status ?? (body === '' ? 204 : 200), { ...(body ? { 'content-type': 'text/xml; charset="utf-8"' } : {}), ...reply.headers });
    res.end(body);
  });
  return Object.assign(server, { posts });
}

/** The method name of a recorded POST ('' for the empty POST). */
export function methodOf(post: CpePost): string {
  return post.msg === undefined ? '' : post.msg.body.method;
}

export class RecordingObserver implements SessionObserver {
  readonly latencies: { name: LatencyName; fromIntendedMs: number; fromActualMs: number }[] = [];
  readonly failures: { kind: ErrorKind; detail: string }[] = [];
  readonly errors: { kind: ErrorKind; detail: string }[] = [];
  /** CPE state transitions, as "from>to" ("-" for a new CPE). */
  readonly states: string[] = [];
  started = 0;
  completed = 0;
  sent = 0;
  received = 0;
  latency(name: LatencyName, fromIntendedMs: number, fromActualMs: number): void {
    this.latencies.push({ name, fromIntendedMs, fromActualMs });
  }
  sessionStarted(): void {
    this.started++;
  }
  sessionCompleted(): void {
    this.completed++;
  }
  sessionFailed(kind: ErrorKind, detail: string): void {
    this.failures.push({ kind, detail });
  }
  error(kind: ErrorKind, detail: string): void {
    this.errors.push({ kind, detail });
  }
  bytes(sent: number, received: number): void {
    this.sent += sent;
    this.received += received;
  }
  cpeState(from: CpeState | undefined, to: CpeState): void {
    this.states.push(`${from ?? '-'}>${to}`);
  }
}

export function testProfile(cwmpVersion: CwmpVersion = 0): CompiledProfile {
  return compileProfileText(
    `profile: sesstest
root: InternetGatewayDevice
cwmpVersion: ${cwmpVersion}
deviceId:
  manufacturer: cpesim
  oui: 00D09E
  productClass: HG
  serialNumber: "CPESIM{{index:6}}"
parameters:
  InternetGatewayDevice.DeviceInfo.SerialNumber: { type: string, value: "{{serial}}", forcedInform: true }
  InternetGatewayDevice.DeviceInfo.SoftwareVersion: { type: string, value: "1.0", forcedInform: true }
  InternetGatewayDevice.ManagementServer.ConnectionRequestURL: { type: string, value: "{{crUrl}}", forcedInform: true }
  InternetGatewayDevice.ManagementServer.ParameterKey: { type: string, value: "", forcedInform: true }
  InternetGatewayDevice.ManagementServer.PeriodicInformInterval: { type: unsignedInt, writable: true, value: "300" }
  InternetGatewayDevice.ManagementServer.CWMPRetryMinimumWaitInterval: { type: unsignedInt, writable: true, value: "10" }
  InternetGatewayDevice.ManagementServer.CWMPRetryIntervalMultiplier: { type: unsignedInt, writable: true, value: "3000" }
`,
    `sesstest-v${cwmpVersion}.yaml`,
  );
}
