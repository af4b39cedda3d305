/**
 * XMPP connection requests end to end: the fleet on two worker threads (each shard's XmppConnector logs its CPEs in
 * to a real prosody), the reference ACS learns their JIDs from Informs and sends Annex K requests; every CPE answers
 * with a 6 CONNECTION REQUEST session, and the shards' counters reach the run's results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startReferenceAcs } from '../../src/acs/server.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { RunControl } from '../../src/fleet/run-control.js';
import { runFleet } from '../../src/fleet/run-fleet.js';
import { addCounters, type Counters } from '../../src/metrics/counters.js';
import { waitFor } from '../support/wait.js';
import { startProsody } from '../support/prosody.js';
import { testScenario } from '../fleet/fleet-harness.js';

test('two shards of CPEs take XMPP connection requests from the reference ACS through prosody', { timeout: 120_000 }, async () => {
  const tr098 = await loadProfile('tr098');
  const tr181 = await loadProfile('tr181');
  const profiles = [tr098, tr098, tr181, tr181];
  const serials = profiles.map((p, index) => new DeviceModel(p, { index, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId().serialNumber);
  const prosody = await startProsody({
    accounts: [...serials.map((s) => ({ username: `cpe-${s}`.toLowerCase(), password: `cpesim-${s}` })), { username: 'acs', password: 'acs-pw' }],
  });
  const acs = await startReferenceAcs({
    provision: { connectionRequestUsername: 'u', connectionRequestPassword: 'p', periodicInformInterval: 3600 },
    xmpp: { host: prosody.host, port: prosody.port, domain: prosody.domain, username: 'acs', password: 'acs-pw' },
  });
  try {
    const scenario = testScenario(acs.url, {
      name: 'xmpp-e2e',
      durationMs: 90_000,
      referenceAcs: { provision: true, maxConcurrentSessions: undefined },
      fleet: [{ profile: 'tr098', count: 2 }, { profile: 'tr181', count: 2 }],
      seed: 5,
      gracePeriodMs: 2000,
      connectionRequests: {
        xmpp: {
          host: prosody.host,
          port: prosody.port,
          domain: prosody.domain,
          username: 'cpe-{{serial}}',
          password: 'cpesim-{{serial}}',
          resource: 'cwmp',
          concurrency: 1,
          loginTimeoutMs: 15_000,
        },
      },
    });
    const control = new RunControl();
    const run = runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2, control });
    // The last JID may come in a session still running: wait for it to end, so each request starts a session of its own.
    await waitFor('4 provisioned CPEs with their JIDs reported, no session running', () => {
      const devices = [...acs.devices.values()];
      return devices.length === 4 && devices.every((d) => d.provisioned && d.connReqJabberId !== undefined) && acs.stats.concurrentSessions === 0;
    }, 60_000).catch(async (err) => assert.fail(`${(err as Error).message}\n${await prosody.log()}`));
    for (const d of acs.devices.values()) assert.match(d.connReqJabberId!, /^cpe-[a-z0-9]+@cpesim\.test\/cwmp$/);
    for (const key of acs.devices.keys()) {
      assert.deepEqual(await acs.xmppConnectionRequest(key, { credentials: { username: 'u', password: 'nope' } }), { ok: false, condition: 'not-authorized' });
      assert.deepEqual(await acs.xmppConnectionRequest(key), { ok: true });
    }
    await waitFor('a 6 CONNECTION REQUEST session from every CPE', () =>
      [...acs.devices.values()].every((d) => d.events.some((e) => e.code === '6 CONNECTION REQUEST')), 30_000);
    control.stop();
    const result = await run;
    assert.equal(result.shardFailures.length, 0);
    const counters: Counters = {};
    for (const s of result.snapshots) addCounters(counters, s.counters);
    assert.equal(counters['xmpp.login.ok'], 4);
    // A session the ACS began (a value change) between the wait and a request takes that request in: merged.
    assert.equal((counters['cr.xmpp.accepted'] ?? 0) + (counters['cr.xmpp.merged'] ?? 0), 4);
    assert.equal(counters['cr.xmpp.rejected.auth_failed'], 4);
    assert.equal(counters['cr.xmpp.received'], 8);
  } finally {
    await acs.close();
    await prosody.stop();
  }
});
