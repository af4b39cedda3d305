/**
 * Diagnostics (TR-098 / TR-181 DiagnosticsState objects) on one VirtualCpe of each shipped profile against the
 * reference ACS over real HTTP: the ACS requests a test with SetParameterValues, the test runs after the session
 * (ping/traceroute simulated after a real DNS lookup, Download/Upload diagnostics as real HTTP transfers to a
 * loopback file server), the CPE asks for a session when the results are due, that Inform carries
 * "8 DIAGNOSTICS COMPLETE", and GetParameterValues reads plausible results.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { diagnosticsRequest, type DiagnosticInputs } from '../../src/acs/diagnostics-request.js';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { simulatePing, simulateTraceRoute } from '../../src/cpe/diagnostic-simulation.js';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import type { AcsRequest, CpeMessage } from '../../src/cwmp/messages.js';
import { diagnosticObject, type DiagnosticKind } from '../../src/datamodel/diagnostic-objects.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { FILE_BYTES, startFileServer, type FileServer } from './file-server.js';
import { waitFor } from '../support/wait.js';
import { RecordingObserver } from './scripted-acs.js';

type Root = 'InternetGatewayDevice' | 'Device';
const LIMIT = { timeout: 30_000 };
const ROOTS: [Root, string][] = [['InternetGatewayDevice', 'tr098'], ['Device', 'tr181']];

let acs: ReferenceAcs;
let files: FileServer;
let nextIndex = 10;

before(async () => {
  acs = await startReferenceAcs({ recordMessages: true });
  files = await startFileServer();
});
after(async () => {
  await acs.close();
  await files.close();
});

/** A bootstrapped CPE of the profile whose session requests come from `acs`, and the delays it asked sessions for. */
async function bootedCpe(profileName: string) {
  const observer = new RecordingObserver();
  const wakes: number[] = [];
  const cpe = new VirtualCpe({
    index: nextIndex++,
    profile: await loadProfile(profileName),
    acs: { url: acs.url, requestTimeoutMs: 5000 },
    observer,
    connectionRequestUrl: 'http://127.0.0.1:9/cr',
    transferLimits: { requestTimeoutMs: 5000 },
    requestSession: (delayMs) => wakes.push(delayMs),
  });
  const key = deviceKey(cpe.model.deviceId());
  const session = async (...requests: AcsRequest[]): Promise<CpeMessage[]> => {
    const answers = requests.map((r) => acs.enqueue(key, r));
    const result = await cpe.runSession(performance.now());
    assert.equal(result.ok, true, JSON.stringify(observer.failures));
    return Promise.all(answers);
  };
  await session();
  return { cpe, key, wakes, observer, session, events: () => acs.devices.get(key)!.events.map((e) => e.code) };
}

/** Requests a test, waits for the CPE's wish for a session, runs that session and reads the object back. */
async function runDiagnostic(root: Root, profileName: string, kind: DiagnosticKind, inputs: DiagnosticInputs) {
  const c = await bootedCpe(profileName);
  const [set] = await c.session(diagnosticsRequest(root, kind, inputs, `diag-${kind}`));
  assert.deepEqual(set, { method: 'SetParameterValuesResponse', status: 0 });
  await waitFor(`the ${kind} results`, () => c.wakes.length > 0, 15_000);
  const wake = c.wakes[0]!;
  await sleep(wake);
  const path = diagnosticObject(root, kind)!.path;
  const [read] = await c.session({ method: 'GetParameterValues', parameterNames: [path] });
  assert.equal(read?.method, 'GetParameterValuesResponse');
  const values = new Map((read as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => [p.name.slice(path.length), p.value]));
  return { ...c, wake, values, path };
}

const num = (v: string | undefined) => {
  assert.match(v ?? '', /^\d+$/);
  return Number(v);
};

describe('diagnostics on a VirtualCpe (reference ACS, real HTTP)', () => {
  for (const [root, profileName] of ROOTS) {
    it(`${profileName}: ping localhost → after ~repetitions × 1 s, 8 DIAGNOSTICS COMPLETE and the counts`, LIMIT, async () => {
      const r = await runDiagnostic(root, profileName, 'ping', { Host: 'localhost', NumberOfRepetitions: 2, Timeout: 1000 });
      assert.ok(r.wake >= 900 && r.wake < 5000, `results due after ${r.wake} ms: two echo requests one second apart`);
      assert.ok(r.events().includes('8 DIAGNOSTICS COMPLETE'), `events ${r.events()}`);
      assert.equal(r.values.get('DiagnosticsState'), 'Complete');
      assert.equal(r.values.get('SuccessCount'), '2');
      assert.equal(r.values.get('FailureCount'), '0');
      assert.ok(num(r.values.get('MaximumResponseTime')) <= 1, 'loopback answers within a millisecond');
      if (root === 'Device') {
        const detailed = [num(r.values.get('MinimumResponseTimeDetailed')), num(r.values.get('AverageResponseTimeDetailed')), num(r.values.get('MaximumResponseTimeDetailed'))];
        assert.ok(detailed[0]! > 0 && detailed[0]! <= detailed[1]! && detailed[1]! <= detailed[2]!, `min <= avg <= max µs: ${detailed}`);
      }
    });

    it(`${profileName}: traceroute to a remote address → RouteHops ending at it; too few hops → Error_MaxHopCountExceeded`, LIMIT, async () => {
      const r = await runDiagnostic(root, profileName, 'traceroute', { Host: '192.0.2.33', NumberOfTries: 2, Timeout: 2000, MaxHopCount: 30 });
      assert.equal(r.values.get('DiagnosticsState'), 'Complete');
      const hops = num(r.values.get('RouteHopsNumberOfEntries'));
      assert.ok(hops >= 4 && hops <= 12, `${hops} hops`);
      const hop = root === 'Device' ? '' : 'Hop';
      assert.equal(r.values.get(`RouteHops.${hops}.${hop}HostAddress`), '192.0.2.33');
      assert.equal(r.values.has(`RouteHops.${hops + 1}.${hop}HostAddress`), false);
      const rtts = r.values.get(`RouteHops.${hops}.${hop}RTTimes`)!.split(',').map(Number);
      assert.equal(rtts.length, 2, 'one time per try');
      assert.ok(num(r.values.get('ResponseTime')) >= 6, 'a remote destination is milliseconds away');

      // The same CPE again with fewer allowed hops than the path has: the hops seen so far, and the error.
      const [set] = await r.session(diagnosticsRequest(root, 'traceroute', { MaxHopCount: 2 }));
      assert.equal(set?.method, 'SetParameterValuesResponse');
      await waitFor('the second traceroute', () => r.wakes.length > 1, 15_000);
      await sleep(r.wakes[1]!);
      const [read] = await r.session({ method: 'GetParameterValues', parameterNames: [`${r.path}DiagnosticsState`, `${r.path}RouteHopsNumberOfEntries`] });
      assert.deepEqual((read as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => p.value), ['Error_MaxHopCountExceeded', '2']);
    });

    it(`${profileName}: a Host that does not resolve → Error_CannotResolveHostName, still 8 DIAGNOSTICS COMPLETE`, LIMIT, async () => {
      const r = await runDiagnostic(root, profileName, 'ping', { Host: 'no-such-host.invalid', Timeout: 1000 });
      assert.equal(r.values.get('DiagnosticsState'), 'Error_CannotResolveHostName');
      assert.ok(r.events().includes('8 DIAGNOSTICS COMPLETE'));
    });

    it(`${profileName}: DownloadDiagnostics → a real GET, its bytes and instants as measured`, LIMIT, async () => {
      const before = files.requests.length;
      const r = await runDiagnostic(root, profileName, 'download', { DownloadURL: `${files.origin}/file.bin` });
      assert.deepEqual(files.requests.slice(before).map((q) => q.path), ['/file.bin']);
      assert.ok(r.events().includes('8 DIAGNOSTICS COMPLETE'));
      assert.equal(r.values.get('DiagnosticsState'), root === 'Device' ? 'Complete' : 'Completed');
      assert.equal(r.values.get('TestBytesReceived'), String(FILE_BYTES));
      assert.ok(num(r.values.get('TotalBytesReceived')) > FILE_BYTES, 'the total counts the headers too');
      const instants = ['TCPOpenRequestTime', 'TCPOpenResponseTime', 'ROMTime', 'BOMTime', 'EOMTime'].map((n) => r.values.get(n)!);
      for (const t of instants) assert.match(t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'microsecond dateTime');
      assert.deepEqual([...instants].sort(), instants, `in order: ${instants}`);
      assert.ok(Math.abs(Date.parse(instants[4]!) - Date.now()) < 60_000);
    });

    it(`${profileName}: UploadDiagnostics → a real PUT of TestFileLength bytes`, LIMIT, async () => {
      const r = await runDiagnostic(root, profileName, 'upload', { UploadURL: `${files.origin}/sink`, TestFileLength: 50_000 });
      assert.equal(files.uploaded.at(-1), 50_000);
      assert.equal(r.values.get('DiagnosticsState'), root === 'Device' ? 'Complete' : 'Completed');
      assert.ok(num(r.values.get('TotalBytesSent')) > 50_000);
      const [rom, eom] = [r.values.get('ROMTime')!, r.values.get('EOMTime')!];
      assert.ok(rom <= eom && !rom.startsWith('0001'), `${rom} .. ${eom}`);
    });

    it(`${profileName}: an unreachable download server → an error state, not a hung test`, LIMIT, async () => {
      const r = await runDiagnostic(root, profileName, 'download', { DownloadURL: 'http://127.0.0.1:9/nothing' });
      assert.equal(r.values.get('DiagnosticsState'), 'Error_InitConnectionFailed');
    });
  }

  it('an input changed while the test runs cancels it: DiagnosticsState None, no 8 DIAGNOSTICS COMPLETE', LIMIT, async () => {
    const c = await bootedCpe('tr181');
    const path = diagnosticObject('Device', 'ping')!.path;
    await c.session(diagnosticsRequest('Device', 'ping', { Host: 'localhost', NumberOfRepetitions: 3, Timeout: 1000 }));
    await waitFor('the test has started', () => c.wakes.length > 0, 15_000);
    const [set] = await c.session({ method: 'SetParameterValues', parameterList: [{ name: `${path}NumberOfRepetitions`, value: '4', type: 'unsignedInt' }], parameterKey: '' });
    assert.equal(set?.method, 'SetParameterValuesResponse');
    await sleep(c.wakes[0]! + 200);
    const [read] = await c.session({ method: 'GetParameterValues', parameterNames: [`${path}DiagnosticsState`, `${path}SuccessCount`] });
    assert.deepEqual((read as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => p.value), ['None', '0']);
    assert.equal(c.events().includes('8 DIAGNOSTICS COMPLETE'), false);
    assert.equal(c.wakes.length, 1, 'no further session asked for');
  });

  it('a request followed in the same session by an input change never runs', LIMIT, async () => {
    const c = await bootedCpe('tr098');
    const host = 'InternetGatewayDevice.TraceRouteDiagnostics.Host';
    await c.session(
      diagnosticsRequest('InternetGatewayDevice', 'traceroute', { Host: 'localhost', Timeout: 1000 }),
      { method: 'SetParameterValues', parameterList: [{ name: host, value: '127.0.0.2', type: 'string' }], parameterKey: '' },
    );
    await sleep(300);
    assert.deepEqual(c.wakes, [], 'no test ran, no session asked for');
    const [read] = await c.session({ method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.TraceRouteDiagnostics.DiagnosticsState'] });
    assert.equal((read as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList[0]!.value, 'None');
  });

  it('DiagnosticsState accepts only Requested (and Canceled in TR-181); a request with an empty Host is refused', LIMIT, async () => {
    const c = await bootedCpe('tr098');
    const state = 'InternetGatewayDevice.IPPingDiagnostics.DiagnosticsState';
    const [complete] = await c.session({ method: 'SetParameterValues', parameterList: [{ name: state, value: 'Complete', type: 'string' }], parameterKey: '' });
    assert.equal(complete?.method, 'Fault');
    const fault = (complete as Extract<CpeMessage, { method: 'Fault' }>).fault;
    assert.equal(fault.faultCode, 9003);
    assert.deepEqual(fault.setParameterValuesFaults?.map((f) => [f.parameterName, f.faultCode]), [[state, 9007]]);
    const [empty] = await c.session(diagnosticsRequest('InternetGatewayDevice', 'ping', { Host: '' }));
    assert.equal(empty?.method, 'Fault');
    assert.match(JSON.stringify(empty), /Host is empty/);
    const [canceled] = await c.session({ method: 'SetParameterValues', parameterList: [{ name: state, value: 'Canceled', type: 'string' }], parameterKey: '' });
    assert.equal(canceled?.method, 'Fault', 'TR-098 has no Canceled');
    assert.equal(c.wakes.length, 0);
  });

  it('every envelope the CPEs sent validates against the cwmp schema', LIMIT, () => {
    const xmls = acs.messages;
    assert.ok(xmls.some((x) => x.includes('8 DIAGNOSTICS COMPLETE')));
    for (const version of [0, 2] as const) {
      const mine = xmls.filter((x) => x.includes(`cwmp-1-${version}`));
      assert.ok(mine.some((x) => x.includes('8 DIAGNOSTICS COMPLETE')), `cwmp-1-${version} informs with the event`);
      validateCwmpEnvelopes(mine, version).forEach((r, i) => assert.ok(r.ok, `envelope ${i} invalid:\n${r.output}\n${mine[i]}`));
    }
  });
});

describe('simulated ping and traceroute', () => {
  it('are deterministic per seed and follow the inputs', () => {
    const ping = (seed: number) => simulatePing({ address: '198.51.100.7', repetitions: 5, timeoutMs: 5000 }, seed);
    assert.deepEqual(ping(7), ping(7));
    assert.notDeepEqual(ping(7), ping(8));
    const p = ping(7);
    assert.equal(p.successCount + p.failureCount, 5);
    assert.ok(p.durationMs >= 4000, 'five requests one second apart');
    const tooShort = simulatePing({ address: '198.51.100.7', repetitions: 3, timeoutMs: 1 }, 7);
    assert.deepEqual([tooShort.successCount, tooShort.failureCount], [0, 3], 'a 1 ms timeout beats every remote reply');
    const loop = simulateTraceRoute({ host: 'localhost', address: '127.0.0.1', tries: 3, timeoutMs: 1000, maxHops: 30 }, 1);
    assert.equal(loop.reached, true);
    assert.deepEqual(loop.hops.map((h) => h.address), ['127.0.0.1']);
  });
});
