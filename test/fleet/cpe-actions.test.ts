/**
 * The scenario's CPE behaviour in a running Fleet against the reference ACS: `cpe.rebootDuration` (scenario-wide
 * and per group), `autonomousTransfers` (AutonomousTransferComplete after a firmware download of the CPE's own),
 * `requestDownloads` (RequestDownload, answered by the ACS with a Download) and `autonomousDuChanges`
 * (AutonomousDUStateChangeComplete after a unit the CPE installed on its own).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { testScenario } from './fleet-harness.js';
import { waitFor } from '../support/wait.js';

const FIRMWARE = '1 Firmware Upgrade Image';
const AUTONOMOUS = '10 AUTONOMOUS TRANSFER COMPLETE';

describe('scenario CPE behaviour in a fleet', () => {
  let acs: ReferenceAcs | undefined;
  let fleet: Fleet | undefined;
  after(async () => {
    await fleet?.stop(0);
    await acs?.close();
  });

  it('autonomous firmware downloads reboot each group for its rebootDuration; requestDownloads reach the ACS', { timeout: 60_000 }, async () => {
    acs = await startReferenceAcs({ provision: false });
    acs.files.put('hg3000-7.0.0.bin', Buffer.alloc(5000, 1));
    acs.files.put('cfg.txt', 'a=1\n', '3 Vendor Configuration File');
    const atMs = 500;
    const scenario = testScenario(acs.url, {
      fleet: [
        { profile: 'tr181', count: 2 },
        { profile: 'tr181', count: 2, cpe: { rebootDurationMs: 4000 } },
      ],
      cpe: { rebootDurationMs: 600 },
      autonomousTransfers: [{ atMs, fraction: 1, windowMs: 0, fileType: FIRMWARE, url: acs.fileUrl('hg3000-7.0.0.bin'), fileSize: 5000, targetFileName: '' }],
      requestDownloads: [{ atMs: 200, fraction: 1, windowMs: 100, fileType: '3 Vendor Configuration File', fileTypeArg: [] }],
    });
    fleet = new Fleet({
      scenario,
      shard: { index: 0, count: 1 },
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      profiles: new Map([['tr181', await loadProfile('tr181')]]),
      metrics: new MetricsRegistry(),
      connectionRequestUrl: (index) => `http://127.0.0.1:9/cr/${index}`,
    });
    const t0 = performance.now();
    fleet.start(t0);
    // When each CPE's Inform announcing its autonomous transfer reached the ACS (ms after the action's instant).
    const seen = new Map<string, number>();
    // The events of that Inform (later sessions replace the ACS's record of the last Inform).
    const eventsSeen = new Map<string, string[]>();
    const server = acs;
    await waitFor(
      'four autonomous transfer reports',
      () => {
        for (const [key, d] of server.devices) {
          if (seen.has(key) || !d.events.some((e) => e.code === AUTONOMOUS)) continue;
          seen.set(key, performance.now() - t0 - atMs);
          eventsSeen.set(key, d.events.map((e) => e.code));
        }
        return seen.size === 4;
      },
      40_000,
    );
    const bySerial = [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, ms]) => ms);
    // Serial numbers follow the fleet order: the first two CPEs reboot for 600 ms, the other two for 4 s.
    assert.ok(bySerial[0]! >= 600 && bySerial[1]! >= 600, `group 1: ${bySerial}`);
    assert.ok(bySerial[0]! < 3000 && bySerial[1]! < 3000, `group 1 does not use the 3 s default: ${bySerial}`);
    assert.ok(bySerial[2]! >= 4000 && bySerial[3]! >= 4000, `group 2: ${bySerial}`);
    for (const [key, d] of server.devices) {
      assert.ok(eventsSeen.get(key)?.includes('1 BOOT'), `the firmware reboot: ${eventsSeen.get(key)}`);
      assert.equal(d.parameters.find((p) => p.name === 'Device.DeviceInfo.SoftwareVersion')?.value, '4.2.1', 'tr181 has no firmware rule: version kept');
    }
    // The reports follow their Informs in the same sessions.
    const count = (method: string) => server.received.filter((r) => r.request.method === method).length;
    await waitFor('four AutonomousTransferCompletes and RequestDownloads', () => count('AutonomousTransferComplete') === 4 && count('RequestDownload') === 4, 20_000);
    // The ACS answered each RequestDownload with a Download of cfg.txt; its TransferComplete followed.
    await waitFor('four TransferCompletes', () => count('TransferComplete') === 4, 20_000);
    assert.equal(count('AutonomousTransferComplete'), 4, 'each CPE reported its transfer once');
  });

  it('autonomousDuChanges: each CPE installs the unit on its own and reports it (AutonomousDUStateChangeComplete)', { timeout: 60_000 }, async () => {
    const server = await startReferenceAcs({ provision: false });
    server.files.put('agent-3.0.ipk', 'agent');
    const uuid = '0a1b2c3d-4e5f-4a6b-8c7d-0000000000aa';
    const duFleet = new Fleet({
      scenario: testScenario(server.url, {
        fleet: [{ profile: 'tr181', count: 3 }],
        autonomousDuChanges: [{ atMs: 200, fraction: 1, windowMs: 300, operation: 'install', url: server.fileUrl('agent-3.0.ipk'), uuid }],
      }),
      shard: { index: 0, count: 1 },
      acs: { url: server.url, requestTimeoutMs: 5000 },
      profiles: new Map([['tr181', await loadProfile('tr181')]]),
      metrics: new MetricsRegistry(),
      connectionRequestUrl: (index) => `http://127.0.0.1:9/cr/${index}`,
    });
    try {
      duFleet.start(performance.now());
      const reports = () => server.received.filter((r) => r.request.method === 'AutonomousDUStateChangeComplete');
      await waitFor('three AutonomousDUStateChangeCompletes', () => reports().length === 3, 40_000);
      assert.equal(new Set(reports().map((r) => r.deviceKey)).size, 3, 'one per CPE');
      for (const r of reports()) {
        const req = r.request as Extract<typeof r.request, { method: 'AutonomousDUStateChangeComplete' }>;
        assert.deepEqual(req.results.map((x) => [x.uuid, x.operationPerformed, x.fault.faultCode]), [[uuid, 'Install', 0]]);
      }
    } finally {
      await duFleet.stop(0);
      await server.close();
    }
  });
});
