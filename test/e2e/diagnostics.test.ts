/**
 * End to end through the fleet scheduler: a TR-098 and a TR-181 CPE against the reference ACS, which requests all
 * four diagnostics in the bootstrap session. The results come in sessions the CPEs start themselves with
 * "8 DIAGNOSTICS COMPLETE" (through the fleet's wake-up path), and GetParameterValues reads them back.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { diagnosticsRequest } from '../../src/acs/diagnostics-request.js';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs } from '../../src/acs/server.js';
import type { CpeMessage } from '../../src/cwmp/messages.js';
import { diagnosticObjects } from '../../src/datamodel/diagnostic-objects.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { startFileServer } from '../cpe/file-server.js';
import { waitFor } from '../support/wait.js';
import { informCpeIndex, informEvents, testScenario } from '../fleet/fleet-harness.js';

describe('diagnostics through the fleet', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('TR-098 and TR-181: ping, traceroute, download, upload → 8 DIAGNOSTICS COMPLETE sessions, results read back', { timeout: 60_000 }, async () => {
    const acs = await startReferenceAcs({ recordMessages: true });
    closers.push(() => acs.close());
    const files = await startFileServer();
    closers.push(() => files.close());
    const profiles = new Map([['tr098', await loadProfile('tr098')], ['tr181', await loadProfile('tr181')]]);
    const scenario = testScenario(acs.url, {
      fleet: [{ profile: 'tr098', count: 1 }, { profile: 'tr181', count: 1 }],
      // An hour between periodic informs: every session after the bootstrap one is the CPE's own wish.
      schedule: { periodicIntervalS: 3600 },
    });
    const devices = (['tr098', 'tr181'] as const).map((name, index) => {
      const root = name === 'tr098' ? ('InternetGatewayDevice' as const) : ('Device' as const);
      const key = deviceKey(new DeviceModel(profiles.get(name)!, { index, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
      const requests = [
        diagnosticsRequest(root, 'ping', { Host: '127.0.0.1', NumberOfRepetitions: 2, Timeout: 1000 }),
        diagnosticsRequest(root, 'traceroute', { Host: 'localhost', NumberOfTries: 1, Timeout: 1000, MaxHopCount: 8 }),
        diagnosticsRequest(root, 'download', { DownloadURL: `${files.origin}/file.bin` }),
        diagnosticsRequest(root, 'upload', { UploadURL: `${files.origin}/sink`, TestFileLength: 1234 }),
      ].map((r) => acs.enqueue(key, r));
      return { root, key, index, requests };
    });
    const fleet = new Fleet({
      scenario,
      shard: { index: 0, count: 1 },
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      profiles,
      metrics: new MetricsRegistry(),
      connectionRequestUrl: (index) => `http://127.0.0.1:9/cr${index}`,
    });
    closers.push(() => fleet.stop());
    fleet.start(performance.now());

    const informs = () => acs.messages.filter((m) => m.includes('<cwmp:Inform>'));
    for (const d of devices) {
      for (const answer of await Promise.all(d.requests)) assert.equal(answer.method, 'SetParameterValuesResponse');
      // Every test ends in an Inform of its own or one shared with another test: wait until all four are reported.
      // A connection request brings the CPE in to answer (no periodic inform comes within the test).
      const ask = (names: string[]) => {
        const answer = acs.enqueue(d.key, { method: 'GetParameterValues', parameterNames: names });
        assert.notEqual(fleet.connectionRequest(d.index, performance.now()), 'rate_limited');
        return answer;
      };
      const read = async () => {
        const answer = await ask(diagnosticObjects(d.root).map((o) => `${o.path}DiagnosticsState`));
        return (answer as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => p.value);
      };
      await waitFor(`an 8 DIAGNOSTICS COMPLETE inform of CPE ${d.index}`, () => informs().some((m) => informCpeIndex(m) === d.index && informEvents(m).includes('8 DIAGNOSTICS COMPLETE')), 20_000);
      let states = await read();
      while (states.includes('Requested')) {
        await sleep(300);
        states = await read();
      }
      const done = d.root === 'Device' ? 'Complete' : 'Completed';
      assert.deepEqual(states, ['Complete', 'Complete', done, done]);
      const results = await ask(diagnosticObjects(d.root).map((o) => o.path));
      const values = new Map((results as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.map((p) => [p.name, p.value]));
      const [ping, trace, download, upload] = diagnosticObjects(d.root).map((o) => o.path);
      assert.equal(values.get(`${ping}SuccessCount`), '2');
      assert.equal(values.get(`${trace}RouteHopsNumberOfEntries`), '1');
      assert.match(values.get(`${trace}RouteHops.1.${d.root === 'Device' ? '' : 'Hop'}HostAddress`) ?? '', /^(127\.0\.0\.1|::1)$/);
      assert.equal(values.get(`${download}TestBytesReceived`), '100000');
      assert.ok(Number(values.get(`${upload}TotalBytesSent`)) > 1234);
    }
    // The results sessions were the CPEs' own (an hour between periodic informs, no connection request before).
    const diagInforms = informs().filter((m) => informEvents(m).includes('8 DIAGNOSTICS COMPLETE'));
    assert.ok(diagInforms.length >= 2, `${diagInforms.length} informs with 8 DIAGNOSTICS COMPLETE`);
    assert.ok(diagInforms.some((m) => !informEvents(m).includes('6 CONNECTION REQUEST')));
    assert.equal(files.uploaded.filter((n) => n === 1234).length, 2);
  });
});
