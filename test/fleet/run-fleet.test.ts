/** runFleet on real worker threads: run control (pause/resume/stop) and a shard that dies. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { RunControl } from '../../src/fleet/run-control.js';
import { runFleet, type ProgressSample } from '../../src/fleet/run-fleet.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { PROFILES_DIR } from '../../src/paths.js';
import { testScenario } from './fleet-harness.js';

describe('runFleet', () => {
  let acs: ReferenceAcs;
  after(async () => acs?.close());

  it('control.pause() holds every shard; resume() continues; durationMs leaves the pause out', { timeout: 20_000 }, async () => {
    acs = await startReferenceAcs({ provision: false });
    const scenario = testScenario(acs.url, { durationMs: 1500, fleet: [{ profile: 'tr098', count: 4 }], schedule: { periodicIntervalS: 1, jitter: 0 } });
    const control = new RunControl();
    const samples: ProgressSample[] = [];
    const began = Date.now();
    const running = runFleet(scenario, {
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      workers: 2,
      progressIntervalMs: 100,
      control,
      onProgress: (s) => {
        samples.push(s);
        // Pause once every CPE has booted, for 1.2 s.
        if (s.sessions.completed >= 4 && !control.paused && samples.every((x) => !x.paused)) {
          control.pause();
          setTimeout(() => control.resume(), 1200);
        }
      },
    });
    const result = await running;
    assert.equal(result.shardFailures.length, 0, JSON.stringify(result.shardFailures));
    const paused = samples.filter((s) => s.paused);
    assert.ok(paused.length >= 5, `${paused.length} paused samples`);
    // Nothing new started while paused (allow the sample taken right at the pause).
    const startedWhilePaused = paused.slice(2).map((s) => s.sessions.started);
    assert.ok(startedWhilePaused.every((n) => n === startedWhilePaused[0]), `started while paused: ${startedWhilePaused}`);
    assert.ok(result.pausedMs >= 1100, `pausedMs ${result.pausedMs}`);
    assert.ok(Math.abs(result.durationMs - 1500) < 150, `durationMs ${result.durationMs}`);
    assert.ok(Date.now() - began >= 1500 + 1100);
    const merged = mergeSnapshots(result.snapshots);
    // Boot (4) plus the periodic informs due at ~1 s (4), after the resume.
    assert.ok(merged.sessions.completed >= 8, JSON.stringify(merged.sessions));
    assert.equal(merged.sessions.failed, 0);
  });

  it('control.stop() ends the run early and keeps what was measured', { timeout: 20_000 }, async () => {
    acs ??= await startReferenceAcs({ provision: false });
    const scenario = testScenario(acs.url, { durationMs: 60_000, fleet: [{ profile: 'tr098', count: 2 }], schedule: { periodicIntervalS: 1, jitter: 0 } });
    const control = new RunControl();
    const result = await runFleet(scenario, {
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      workers: 1,
      progressIntervalMs: 100,
      control,
      onProgress: (s) => {
        if (s.sessions.completed >= 2) control.stop();
      },
    });
    assert.equal(result.interrupted, true);
    assert.ok(result.durationMs < 10_000, `durationMs ${result.durationMs}`);
    assert.ok(mergeSnapshots(result.snapshots).sessions.completed >= 2);
    assert.equal(result.aborted, 0);
  });

  it('a shard that dies is reported with its number and reason; the other shards end and keep their results', { timeout: 20_000 }, async () => {
    acs ??= await startReferenceAcs({ provision: false });
    // A real cause: the profile is deleted after the coordinator compiled (and cached) it, so the worker's load fails.
    const dir = await mkdtemp(join(tmpdir(), 'cpesim-shard-death-'));
    const profile = join(dir, 'vanishing.yaml');
    await writeFile(profile, await readFile(join(PROFILES_DIR, 'tr098.yaml'), 'utf8'));
    await loadProfile(profile);
    await rm(profile);
    // CPE 0 (vanishing profile) is shard 0's; CPE 1 (tr098) is shard 1's, which loads only tr098.
    const scenario = testScenario(acs.url, { durationMs: 3000, fleet: [{ profile, count: 1 }, { profile: 'tr098', count: 1 }] });
    const result = await runFleet(scenario, { acs: { url: acs.url, requestTimeoutMs: 5000 }, workers: 2 });
    assert.equal(result.shardFailures.length, 1);
    assert.equal(result.shardFailures[0]!.shard, 0);
    assert.match(result.shardFailures[0]!.message, /cannot read profile/);
    assert.match(result.shardFailures[0]!.message, /vanishing\.yaml/);
    // Shard 1 ended (it never powered on: the start barrier waits for every shard) and returned its snapshot.
    assert.equal(result.snapshots.length, 1);
    assert.ok(result.durationMs < 3000);
  });
});
