/**
 * UDP connection requests and STUN end to end on worker threads: each shard binds its own UDP socket, the CPEs
 * keep STUN bindings with a real coturn, the reference ACS (provisioning a distinct username per CPE) learns each
 * UDPConnectionRequestAddress with GetParameterValues and sends signed requests; every CPE answers with a
 * 6 CONNECTION REQUEST session, and the shards' counters reach the run's snapshots.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs } from '../../src/acs/server.js';
import type { CpeMessage } from '../../src/cwmp/messages.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { addCounters, type Counters } from '../../src/metrics/counters.js';
import { RunControl } from '../../src/fleet/run-control.js';
import { runFleet } from '../../src/fleet/run-fleet.js';
import { waitFor } from '../support/wait.js';
import { testScenario } from '../fleet/fleet-harness.js';
import { startCoturn } from '../support/coturn.js';

test('UDP connection requests to CPEs on two shards, with STUN bindings kept at coturn', { timeout: 60_000 }, async () => {
  const coturn = await startCoturn();
  const acs = await startReferenceAcs({ provision: { connectionRequestUsername: 'cr-{serial}', connectionRequestPassword: 'udp-pw', periodicInformInterval: 3600 } });
  try {
    const groups = [{ profile: 'tr098', count: 2 }, { profile: 'tr181', count: 2 }] as const;
    // Ask every CPE for its address in its first session (after the provisioning).
    const addresses = new Map<string, Promise<CpeMessage>>();
    let index = 0;
    for (const g of groups) {
      const profile = await loadProfile(g.profile);
      for (let n = 0; n < g.count; n++, index++) {
        const key = deviceKey(new DeviceModel(profile, { index, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
        addresses.set(key, acs.enqueue(key, { method: 'GetParameterValues', parameterNames: [`${profile.root}.ManagementServer.UDPConnectionRequestAddress`] }));
      }
    }
    const scenario = testScenario(acs.url, {
      name: 'udp-connreq-e2e',
      durationMs: 40_000,
      fleet: groups.map((g) => ({ ...g })),
      seed: 5,
      gracePeriodMs: 2000,
      connectionRequests: { udp: { enabled: true, stun: { host: coturn.host, port: coturn.port, minKeepAliveS: 1 } } },
    });
    const control = new RunControl();
    const run = runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2, control });
    const ports = new Set<string>();
    for (const [key, answer] of addresses) {
      const message = await answer;
      assert.equal(message.method, 'GetParameterValuesResponse');
      const address = message.method === 'GetParameterValuesResponse' ? message.parameterList[0]!.value : '';
      assert.match(address, /^127\.0\.0\.1:\d+$/);
      ports.add(address.split(':')[1]!);
      // Sent at once, while the session that set the username may still run: the CPE knows it already.
      await acs.udpConnectionRequest(key, { address });
    }
    assert.equal(ports.size, 2, 'one UDP socket per shard');
    await waitFor('a 6 CONNECTION REQUEST session from every CPE', () =>
      [...acs.devices.values()].every((d) => d.events.some((e) => e.code === '6 CONNECTION REQUEST')), 15_000);
    // Three keepalive periods (1 s): every CPE has had its keepalives by then, however fast the requests went.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    control.stop();
    const result = await run;
    assert.equal(result.shardFailures.length, 0);
    const counters: Counters = {};
    for (const snapshot of result.snapshots) addCounters(counters, snapshot.counters);
    assert.equal((counters['cr.udp.accepted'] ?? 0) + (counters['cr.udp.merged'] ?? 0), 4, JSON.stringify(counters));
    assert.equal(counters['cr.udp.rejected.ambiguous_user'], undefined, 'distinct usernames per CPE');
    assert.ok((counters['stun.responses'] ?? 0) >= 4, JSON.stringify(counters));
  } finally {
    await acs.close();
    await coturn.stop();
  }
});
