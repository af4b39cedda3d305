/**
 * ACS-requested diagnostics of one CPE (TR-098 / TR-181 DiagnosticsState objects; TR-143 for the transfer
 * tests): the ACS sets the inputs and DiagnosticsState=Requested; the test starts when the session ends; when it
 * is over its results are written as device-made changes and the CPE informs "8 DIAGNOSTICS COMPLETE".
 * Ping and traceroute are simulated (diagnostic-simulation.ts) after a real DNS lookup of the Host; Download and
 * Upload diagnostics are real HTTP transfers, timed as they happen. No timer per CPE: a finished test tells the
 * CPE when its results are due (ready), and the CPE asks its scheduler for a session at that instant.
 */
import { lookup } from 'node:dns/promises';
import { CwmpFault } from '../cwmp/faults.js';
import type { ParameterValue } from '../cwmp/messages.js';
import {
  CANCELED,
  diagnosticObjectOf,
  diagnosticObjects,
  DIAGNOSTICS_STATE,
  NONE_STATE,
  REQUESTED,
  type DiagnosticObject,
} from '../datamodel/diagnostic-objects.js';
import type { DeviceModel } from '../datamodel/device-model.js';
import { downloadFile, FileDownloadError } from '../transport/file-download.js';
import { FileUploadError, uploadFile } from '../transport/file-upload.js';
import { isoMicros, type TransferTimings } from '../transport/transfer-timings.js';
import { seedOf, simulatePing, simulateTraceRoute } from './diagnostic-simulation.js';

export const DIAGNOSTICS_COMPLETE_EVENT = '8 DIAGNOSTICS COMPLETE';

/** How a failed test ended, before each data model names it (errorState). */
type Failure = 'dns' | 'connect' | 'auth' | 'timeout' | 'transfer' | 'size' | 'internal';

/** The DiagnosticsState value for a failure, from the object's own enumeration (they differ per model and test). */
function errorState(o: DiagnosticObject, failure: Failure): string {
  const { kind, tr181 } = o;
  if (failure === 'dns' && (kind === 'ping' || kind === 'traceroute' || tr181)) return 'Error_CannotResolveHostName';
  if (kind === 'ping' || kind === 'traceroute') return tr181 || kind === 'ping' ? 'Error_Internal' : NONE_STATE;
  switch (failure) {
    case 'dns':
    case 'connect':
      return 'Error_InitConnectionFailed';
    case 'auth':
      return 'Error_LoginFailed';
    case 'timeout':
      return kind === 'upload' && !tr181 ? 'Error_NoResponse' : 'Error_Timeout';
    case 'size':
      return kind === 'download' ? 'Error_IncorrectSize' : tr181 ? 'Error_Internal' : 'Error_NoTransferComplete';
    case 'transfer':
      return kind === 'download' ? 'Error_TransferFailed' : 'Error_NoTransferComplete';
    case 'internal':
      return tr181 ? 'Error_Internal' : kind === 'download' ? 'Error_TransferFailed' : 'Error_NoTransferComplete';
  }
}

/** What a finished test writes: its DiagnosticsState, result parameters (relative names) and route hops. */
interface Outcome {
  state: string;
  values: [string, string][];
  /** Traceroute: each hop's parameters (relative to RouteHops.{i}.). */
  hops?: [string, string][][];
}

interface Run {
  readonly object: DiagnosticObject;
  readonly abort: AbortController;
  /** performance.now() ms the results are due (NaN while the test still runs). */
  dueAt: number;
  outcome: Outcome | undefined;
}

/** The CPE's settings the diagnostics need; the CPE implements it (one object per CPE that ever ran a test). */
export interface DiagnosticsHost {
  readonly model: DeviceModel;
  readonly index: number;
  readonly http: { timeoutMs: number; maxBytes: number; insecure?: boolean; ca?: string; localAddress?: string };
  /** A test's results are due at `dueAt` (performance.now() ms): the CPE wants a session then. */
  diagnosticReady(): void;
  /** A simulator bug inside a test: counted, never thrown. */
  diagnosticFailed(message: string): void;
}

/** Results of ready tests are written when the CPE is next looked at within this much of their due time. */
const DUE_SLACK_MS = 5;

/**
 * SetParameterValues checks before anything is applied (TR-181 DiagnosticsState: only Requested, and Canceled
 * where the model has it, may be written; the inputs' errors must be detected at the latest in the SPV that
 * requests the test). Throws CwmpFault 9003 with the offending parameters.
 */
export function checkDiagnosticsRequest(model: DeviceModel, root: string, list: readonly ParameterValue[]): void {
  const faults = [];
  for (const { name, value } of list) {
    const o = diagnosticObjectOf(root, name);
    if (o === undefined || name.length !== o.path.length + DIAGNOSTICS_STATE.length || !name.endsWith(DIAGNOSTICS_STATE)) continue;
    if (value === REQUESTED) {
      const problem = inputProblem(o, (p) => list.find((e) => e.name === o.path + p)?.value ?? model.get(o.path + p));
      if (problem === undefined) continue;
      faults.push({ ...CwmpFault.parameter(name, 9007), faultString: `Invalid parameter value: ${problem}`.slice(0, 256) });
    } else if (!(value === CANCELED && o.tr181)) {
      faults.push(CwmpFault.parameter(name, 9007));
    }
  }
  if (faults.length > 0) throw new CwmpFault(9003, `${faults.length} diagnostics parameter(s) rejected`, faults);
}

/** Why a test's inputs cannot run (undefined when they can). */
function inputProblem(o: DiagnosticObject, input: (name: string) => string | undefined): string | undefined {
  if (o.kind === 'ping' || o.kind === 'traceroute') return input('Host') ? undefined : 'Host is empty';
  const url = input(o.kind === 'download' ? 'DownloadURL' : 'UploadURL') ?? '';
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? undefined : `${protocol} transfers are not supported (HTTP only)`;
  } catch {
    return `"${url}" is not a URL`;
  }
}

/** Whether an SPV touches a diagnostics object at all (cheap: every provisioning SPV of a fleet asks). */
export function touchesDiagnostics(root: string, list: readonly ParameterValue[]): boolean {
  for (const { name } of list) if (diagnosticObjectOf(root, name) !== undefined) return true;
  return false;
}

/** A device restored from a state file: a test that was requested or running is gone (DiagnosticsState None, as after a reboot). */
export function forgetRequestedDiagnostics(model: DeviceModel, root: string): void {
  for (const o of diagnosticObjects(root)) {
    if (model.get(o.path + DIAGNOSTICS_STATE) === REQUESTED) model.setInternal(o.path + DIAGNOSTICS_STATE, NONE_STATE);
  }
}

/** One CPE's requested and running diagnostics. */
export class Diagnostics {
  private readonly host: DiagnosticsHost;
  private readonly objects: readonly DiagnosticObject[];
  /** Requested in the running session: they start when it ends. */
  private readonly requested = new Set<DiagnosticObject>();
  private readonly runs = new Map<DiagnosticObject, Run>();
  private testsStarted = 0;

  constructor(host: DiagnosticsHost, root: string) {
    this.host = host;
    this.objects = diagnosticObjects(root);
  }

  /** Nothing requested or running: the CPE may drop this object. */
  get idle(): boolean {
    return this.requested.size === 0 && this.runs.size === 0;
  }

  /**
   * The ACS's SetParameterValues was applied: DiagnosticsState=Requested (re)starts that test after the session
   * (a running one is terminated first); Canceled, or a changed input without Requested, terminates a running
   * test, and an input change sets DiagnosticsState to None (TR-098 / TR-181 DiagnosticsState).
   */
  acsSet(list: readonly ParameterValue[]): void {
    const { model } = this.host;
    for (const o of this.objects) {
      const mine = list.filter((p) => p.name.startsWith(o.path) && p.name.indexOf('.', o.path.length) < 0);
      if (mine.length === 0) continue;
      const state = mine.find((p) => p.name === o.path + DIAGNOSTICS_STATE)?.value;
      // Whatever this SPV did, an earlier request or a running test of this object is over.
      this.terminate(o);
      this.requested.delete(o);
      if (state === REQUESTED) this.requested.add(o);
      else if (state === undefined) model.setInternal(o.path + DIAGNOSTICS_STATE, NONE_STATE);
    }
  }

  /** The session ended: the tests requested in it start now. */
  sessionEnded(): void {
    for (const o of this.requested) this.start(o);
    this.requested.clear();
  }

  /** Writes the results of the tests that are over; returns how many completed (each wants the 8 event). */
  settle(): number {
    const now = performance.now();
    let completed = 0;
    for (const [o, run] of this.runs) {
      if (!(run.dueAt <= now + DUE_SLACK_MS) || run.outcome === undefined) continue;
      this.runs.delete(o);
      try {
        this.write(o, run.outcome);
      } catch (err) {
        // A profile whose diagnostics object lacks what the test writes (e.g. a RouteHops table): count, go on.
        this.host.diagnosticFailed(`${o.path} results not written: ${err instanceof Error ? err.message : String(err)}`);
      }
      completed++;
    }
    return completed;
  }

  /** Ms until the earliest test's results are due (0 when overdue); undefined when none has finished. */
  nextDueMs(): number | undefined {
    let at = Infinity;
    for (const run of this.runs.values()) if (run.dueAt < at) at = run.dueAt;
    return at === Infinity ? undefined : Math.max(0, at - performance.now());
  }

  /**
   * The CPE restarted (reboot, power cut, restored from a state file): requested and running tests are gone and
   * their DiagnosticsState is None (TR-181: results not retained over a reboot mean None).
   */
  interrupt(): void {
    for (const o of this.requested) this.host.model.setInternal(o.path + DIAGNOSTICS_STATE, NONE_STATE);
    this.requested.clear();
    for (const o of [...this.runs.keys()]) {
      this.terminate(o);
      this.host.model.setInternal(o.path + DIAGNOSTICS_STATE, NONE_STATE);
    }
  }

  /** Ends every test without writing anything (the run is over). */
  stop(): void {
    this.requested.clear();
    for (const o of [...this.runs.keys()]) this.terminate(o);
  }

  private terminate(o: DiagnosticObject): void {
    const run = this.runs.get(o);
    if (run === undefined) return;
    this.runs.delete(o);
    run.abort.abort();
  }

  private start(o: DiagnosticObject): void {
    const run: Run = { object: o, abort: new AbortController(), dueAt: Number.NaN, outcome: undefined };
    this.runs.set(o, run);
    const seed = seedOf(`${this.host.index}:${o.path}:${++this.testsStarted}`);
    this.perform(o, run.abort.signal, seed).then(
      ({ outcome, durationMs }) => this.finished(run, outcome, durationMs),
      (err: unknown) => {
        if (run.abort.signal.aborted) return;
        this.host.diagnosticFailed(`${o.path} test failed: ${err instanceof Error ? err.message : String(err)}`);
        this.finished(run, { state: errorState(o, 'internal'), values: [] }, 0);
      },
    );
  }

  private finished(run: Run, outcome: Outcome | undefined, durationMs: number): void {
    // Terminated meanwhile (a newer request, an input change, a restart, the end of the run): no results.
    if (run.abort.signal.aborted || this.runs.get(run.object) !== run || outcome === undefined) return;
    run.outcome = outcome;
    run.dueAt = performance.now() + durationMs;
    this.host.diagnosticReady();
  }

  /** Runs one test; `durationMs` is how much longer its results take (the simulated part of ping/traceroute). */
  private async perform(o: DiagnosticObject, signal: AbortSignal, seed: number): Promise<{ outcome: Outcome | undefined; durationMs: number }> {
    const input = (name: string) => this.host.model.get(o.path + name) ?? '';
    const number = (name: string, fallback: number) => {
      const n = Number(input(name));
      return Number.isFinite(n) && n > 0 ? n : fallback;
    };
    if (o.kind === 'ping' || o.kind === 'traceroute') {
      const host = input('Host');
      const address = await resolve(host, input('ProtocolVersion'));
      if (signal.aborted) return { outcome: undefined, durationMs: 0 };
      if (address === undefined) return { outcome: { state: errorState(o, 'dns'), values: [] }, durationMs: 0 };
      const timeoutMs = number('Timeout', 1000);
      if (o.kind === 'ping') {
        const r = simulatePing({ address, repetitions: number('NumberOfRepetitions', 1), timeoutMs }, seed);
        const ms = (us: number) => String(Math.round(us / 1000));
        const values: [string, string][] = [
          ['SuccessCount', String(r.successCount)],
          ['FailureCount', String(r.failureCount)],
          ['AverageResponseTime', ms(r.averageUs)],
          ['MinimumResponseTime', ms(r.minimumUs)],
          ['MaximumResponseTime', ms(r.maximumUs)],
        ];
        if (o.tr181) {
          values.push(['AverageResponseTimeDetailed', String(r.averageUs)], ['MinimumResponseTimeDetailed', String(r.minimumUs)]);
          values.push(['MaximumResponseTimeDetailed', String(r.maximumUs)], ['IPAddressUsed', this.localAddressFor(address)]);
        }
        return { outcome: { state: o.complete, values }, durationMs: r.durationMs };
      }
      const r = simulateTraceRoute({ host, address, tries: number('NumberOfTries', 1), timeoutMs, maxHops: number('MaxHopCount', 30) }, seed);
      const prefix = o.tr181 ? '' : 'Hop';
      const hops = r.hops.map((h): [string, string][] => [
        [`${prefix}Host`, h.host],
        [`${prefix}HostAddress`, h.address],
        [`${prefix}ErrorCode`, String(h.errorCode)],
        [`${prefix}RTTimes`, h.rtTimesMs.join(',')],
      ]);
      const values: [string, string][] = [['ResponseTime', String(r.responseTimeMs)]];
      if (o.tr181) values.push(['IPAddressUsed', this.localAddressFor(address)]);
      return { outcome: { state: r.reached ? o.complete : 'Error_MaxHopCountExceeded', values, hops }, durationMs: r.durationMs };
    }
    return { outcome: await this.transfer(o, input(o.kind === 'download' ? 'DownloadURL' : 'UploadURL'), number('TestFileLength', 0), signal), durationMs: 0 };
  }

  /** A TR-143 HTTP test: a real GET (or a PUT of TestFileLength bytes), timed as it happens. */
  private async transfer(o: DiagnosticObject, url: string, testFileLength: number, signal: AbortSignal): Promise<Outcome | undefined> {
    const { http } = this.host;
    let hostname: string;
    try {
      hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      return { state: errorState(o, 'connect'), values: [] };
    }
    if ((await resolve(hostname, 'Any')) === undefined) return signal.aborted ? undefined : { state: errorState(o, 'dns'), values: [] };
    if (o.kind === 'upload' && testFileLength > http.maxBytes) return { state: errorState(o, 'size'), values: [] };
    const timings: TransferTimings = {};
    const options = {
      url,
      // TR-143: HTTP authentication is not used by these tests.
      username: '',
      password: '',
      timeoutMs: http.timeoutMs,
      signal,
      timings,
      ...(http.insecure !== undefined ? { insecure: http.insecure } : {}),
      ...(http.ca !== undefined ? { ca: http.ca } : {}),
      ...(http.localAddress !== undefined ? { localAddress: http.localAddress } : {}),
    };
    let testBytes = testFileLength;
    try {
      if (o.kind === 'download') testBytes = (await downloadFile({ ...options, maxBytes: http.maxBytes })).bytes;
      else await uploadFile({ ...options, body: 'x'.repeat(testFileLength), contentType: 'application/octet-stream' });
    } catch (err) {
      if (signal.aborted) return undefined;
      return { state: errorState(o, transferFailure(err)), values: [] };
    }
    const at = (ms: number | undefined) => isoMicros(ms ?? timings.endAt ?? 0);
    const socket = timings.socket;
    // The request goes out once the connection is up (undici connects when the first request is queued).
    const sentAt = Math.max(timings.requestAt ?? 0, timings.tcpOpenResponseAt ?? 0);
    const values: [string, string][] = [
      ['ROMTime', at(sentAt)],
      // Upload: the body starts to flow with the request.
      ['BOMTime', at(o.kind === 'download' ? timings.firstByteAt : sentAt)],
      ['EOMTime', at(timings.endAt)],
      ['TCPOpenRequestTime', at(timings.tcpOpenRequestAt)],
      ['TCPOpenResponseTime', at(timings.tcpOpenResponseAt)],
      ['TotalBytesReceived', String(socket?.bytesRead ?? 0)],
      ['TotalBytesSent', String(socket?.bytesWritten ?? 0)],
      [o.kind === 'download' ? 'TestBytesReceived' : 'TestBytesSent', String(testBytes)],
    ];
    if (o.tr181 && socket?.localAddress) values.push(['IPAddressUsed', socket.localAddress]);
    return { state: o.complete, values };
  }

  /** The source address a simulated test would use: the CPE's own, or loopback of the target's family. */
  private localAddressFor(target: string): string {
    return this.host.http.localAddress ?? (target.includes(':') ? '::1' : '127.0.0.1');
  }

  /** Results as device-made changes; parameters a custom profile lacks are skipped. */
  private write(o: DiagnosticObject, outcome: Outcome): void {
    const { model } = this.host;
    const set = (name: string, value: string) => {
      if (model.get(name) !== undefined) model.setInternal(name, value);
    };
    for (const [name, value] of outcome.values) set(o.path + name, value);
    const table = `${o.path}RouteHops.`;
    if (o.kind === 'traceroute' && model.get(`${o.path}RouteHopsNumberOfEntries`) !== undefined) {
      const hops = outcome.hops ?? [];
      model.replaceInstancesInternal(table, hops.length);
      hops.forEach((hop, i) => hop.forEach(([name, value]) => set(`${table}${i + 1}.${name}`, value)));
    }
    set(o.path + DIAGNOSTICS_STATE, outcome.state);
  }
}

/** The address a Host resolves to (DNS, or the literal itself); undefined when it does not resolve. */
async function resolve(host: string, protocolVersion: string): Promise<string | undefined> {
  if (host === '') return undefined;
  const family = protocolVersion === 'IPv4' ? 4 : protocolVersion === 'IPv6' ? 6 : 0;
  try {
    return (await lookup(host, { family })).address;
  } catch {
    return undefined;
  }
}

function transferFailure(err: unknown): Failure {
  if (err instanceof FileDownloadError || err instanceof FileUploadError) {
    switch (err.reason) {
      case 'unreachable':
      case 'tls':
        return 'connect';
      case 'auth_failed':
        return 'auth';
      case 'too_large':
        return 'size';
      case 'failed':
        // A status the server answered is a failed transfer; none (no response in time) is a timeout.
        return err.status === undefined ? 'timeout' : 'transfer';
      default:
        return 'transfer';
    }
  }
  return 'internal';
}
