/** Connection requests end to end: the fleet on worker threads (one listener per shard), the reference ACS triggers them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startReferenceAcs } from '../../src/acs/server.js';
import { RunControl } from '../../src/fleet/run-control.js';
import { runFleet } from '../../src/fleet/run-fleet.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { waitFor } from '../support/wait.js';
import { testScenario } from '../fleet/fleet-harness.js';

/** Provisioned CPEs informing hourly on two shards: the sessions after the bootstrap are the requested ones. */
function connreqScenario(acsUrl: string, over: Partial<Scenario>): Scenario {
  return testScenario(acsUrl, { durationMs: 20_000, referenceAcs: { provision: true, maxConcurrentSessions: undefined }, seed: 3, gracePeriodMs: 2000, ...over });
}

test('the ACS sends Digest connection requests to CPEs on two shards; each answers with a 6 CONNECTION REQUEST session', { timeout: 30_000 }, async () => {
  const acs = await startReferenceAcs({ provision: { connectionRequestUsername: 'u', connectionRequestPassword: 'p', periodicInformInterval: 3600 } });
  try {
    const scenario = connreqScenario(acs.url, { name: 'connreq-e2e', fleet: [{ profile: 'tr098', count: 2 }, { profile: 'tr181', count: 2 }] });
    const control = new RunControl();
    const run = runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2, control });
    await waitFor('4 provisioned CPEs', () => [...acs.devices.values()].filter((d) => d.provisioned).length === 4, 15_000);
    const ports = new Set<string>();
    for (const d of acs.devices.values()) {
      const url = d.parameters.find((p) => p.name.endsWith('ManagementServer.ConnectionRequestURL'))!.value;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/cr\/\d+\/[A-Za-z0-9_-]{16}$/);
      ports.add(new URL(url).port);
    }
    assert.equal(ports.size, 2, 'one listener per shard');
    // Settle: the bootstrap sessions have ended.
    await new Promise((r) => setTimeout(r, 300));
    for (const key of acs.devices.keys()) {
      assert.equal((await acs.connectionRequest(key, { auth: 'none' })).status, 401);
      assert.equal((await acs.connectionRequest(key)).status, 200);
    }
    await waitFor('a 6 CONNECTION REQUEST session from every CPE', () =>
      [...acs.devices.values()].every((d) => d.events.some((e) => e.code === '6 CONNECTION REQUEST')), 10_000);
    control.stop();
    const result = await run;
    assert.equal(result.shardFailures.length, 0);
  } finally {
    await acs.close();
  }
});

test('connectionRequests.rateLimit reaches every shard: beyond `max` requests per window a CPE answers 503', { timeout: 30_000 }, async () => {
  const acs = await startReferenceAcs({ provision: { connectionRequestUsername: 'u', connectionRequestPassword: 'p', periodicInformInterval: 3600 } });
  try {
    const scenario = connreqScenario(acs.url, {
      name: 'connreq-rate-limit',
      fleet: [{ profile: 'tr098', count: 2 }],
      connectionRequests: { rateLimit: { maxPerWindow: 2, windowMs: 60_000 } },
    });
    const control = new RunControl();
    const run = runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2, control });
    await waitFor('2 provisioned CPEs', () => [...acs.devices.values()].filter((d) => d.provisioned).length === 2, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    for (const key of acs.devices.keys()) {
      // Two accepted (the second merges into the session the first asked for, or follows it), the third refused.
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await acs.connectionRequest(key)).status);
      assert.deepEqual(statuses, [200, 200, 503], key);
    }
    control.stop();
    const result = await run;
    assert.equal(result.shardFailures.length, 0);
  } finally {
    await acs.close();
  }
});
