/**
 * The worker threads' JIT warm-up (src/fleet/warm-up.ts): real sessions against a private stub ACS on loopback,
 * none of them seen by the ACS under test or counted in the run's metrics.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { runFleet } from '../../src/fleet/run-fleet.js';
import { warmUp, warmUpGroups } from '../../src/fleet/warm-up.js';
import { mergeWarmUps } from '../../src/fleet/warm-up-report.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { testScenario } from './fleet-harness.js';

describe('warm-up', () => {
  let acs: ReferenceAcs | undefined;
  after(async () => acs?.close());

  it('splits the sessions over the groups by their CPE counts, at least one each, by profile', () => {
    const groups = warmUpGroups(
      [
        { profile: 'tr098', count: 300 },
        { profile: 'tr181', count: 100 },
        { profile: 'tr098', count: 1 },
        { profile: 'voip', count: 0 },
      ],
      100,
    );
    assert.deepEqual([...groups.keys()], ['tr098', 'tr181']);
    assert.deepEqual(groups.get('tr098'), [
      { profile: 'tr098', count: 75 },
      { profile: 'tr098', count: 1 },
    ]);
    assert.deepEqual(groups.get('tr181'), [{ profile: 'tr181', count: 25 }]);
  });

  it('merges warm-ups that ran side by side: sessions add up, the time is the longest; none is undefined', () => {
    const merged = mergeWarmUps([
      { sessions: 4, completed: 3, failed: 1, durationS: 0.8 },
      { sessions: 3, completed: 3, failed: 0, durationS: 1.25 },
    ]);
    assert.deepEqual(merged, { sessions: 7, completed: 6, failed: 1, durationS: 1.25 });
    assert.equal(mergeWarmUps([]), undefined);
  });

  it('runs real GetParameterValues sessions of every profile against its own stub ACS', { timeout: 30_000 }, async () => {
    const scenario = testScenario('http://127.0.0.1:9/never-used', {
      fleet: [
        { profile: 'tr098', count: 10 },
        { profile: 'tr181', count: 10 },
      ],
    });
    const profiles = new Map([
      ['tr098', await loadProfile('tr098')],
      ['tr181', await loadProfile('tr181')],
    ]);
    const report = await warmUp(scenario, profiles, 40);
    assert.equal(report?.sessions, 40);
    assert.equal(report?.completed, 40, JSON.stringify(report));
    assert.equal(report?.failed, 0);
  });

  it('a run warms each worker up before power-on; the ACS under test and the metrics see only the fleet', { timeout: 30_000 }, async () => {
    acs = await startReferenceAcs({ provision: false });
    const scenario = testScenario(acs.url, { durationMs: 500, fleet: [{ profile: 'tr181', count: 6 }], warmUpSessions: 50 });
    const result = await runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2 });
    assert.equal(result.shardFailures.length, 0, JSON.stringify(result.shardFailures));
    // Never more warm-up sessions than the shard has CPEs: 3 per worker.
    assert.equal(result.warmUp?.sessions, 6, JSON.stringify(result.warmUp));
    assert.equal(result.warmUp?.completed, 6);
    const merged = mergeSnapshots(result.snapshots);
    assert.equal(merged.sessions.started, 6, 'one boot session per CPE');
    assert.equal(acs.stats.informs, 6);
    assert.equal(acs.devices.size, 6);
  });

  it('warmUp: 0 runs none', { timeout: 30_000 }, async () => {
    acs ??= await startReferenceAcs({ provision: false });
    const scenario = testScenario(acs.url, { durationMs: 300, fleet: [{ profile: 'tr098', count: 2 }], warmUpSessions: 0 });
    const result = await runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 1 });
    assert.equal(result.warmUp, undefined);
    assert.equal(mergeSnapshots(result.snapshots).sessions.completed, 2);
  });
});
