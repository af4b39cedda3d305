/**
 * The fleet's schedules against the reference ACS on loopback (behind a recording proxy): the periodic phase
 * (PeriodicInformTime), power-on ramps, boot storms, pause/resume and the shutdown grace period.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { ABORTED_AT_SHUTDOWN, Fleet, powerOnOffsetMs } from '../../src/fleet/fleet.js';
import { nextPhaseInstant, periodicPhaseEpochMs } from '../../src/fleet/periodic-phase.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { informCpeIndex, informEvents, recordingProxy, testScenario } from './fleet-harness.js';
import { waitFor } from '../support/wait.js';

async function fleetFor(scenario: Scenario, acsUrl: string, shard = { index: 0, count: 1 }): Promise<{ fleet: Fleet; metrics: MetricsRegistry }> {
  const metrics = new MetricsRegistry();
  const profiles = new Map([['tr098', await loadProfile('tr098')]]);
  const fleet = new Fleet({
    scenario,
    shard,
    acs: { url: acsUrl, requestTimeoutMs: scenario.acs.requestTimeoutMs },
    profiles,
    metrics,
    connectionRequestUrl: (index) => `http://127.0.0.1:9/cr/${index}`,
  });
  return { fleet, metrics };
}

describe('periodic phase (PeriodicInformTime)', () => {
  it('parses absolute times and treats the Unknown Time and boot-relative years as no phase', () => {
    assert.equal(periodicPhaseEpochMs('0001-01-01T00:00:00Z'), undefined);
    assert.equal(periodicPhaseEpochMs('0999-12-31T00:00:00Z'), undefined);
    assert.equal(periodicPhaseEpochMs(''), undefined);
    assert.equal(periodicPhaseEpochMs('garbage'), undefined);
    assert.equal(periodicPhaseEpochMs('2024-01-01T00:00:00Z'), Date.UTC(2024, 0, 1));
    assert.equal(periodicPhaseEpochMs('2024-01-01T01:00:00+01:00'), Date.UTC(2024, 0, 1));
  });

  it('the next grid instant is strictly after the given time, for a phase in the past or the future', () => {
    assert.equal(nextPhaseInstant(0, 1000, 0), 1000);
    assert.equal(nextPhaseInstant(0, 1000, 999.5), 1000);
    assert.equal(nextPhaseInstant(500, 1000, 2600), 3500);
    // A reference far in the future: informs still begin at the very next grid instant.
    assert.equal(nextPhaseInstant(1_000_000_250, 1000, 7_000), 7_250);
    const far = nextPhaseInstant(-1e12 + 300, 60_000, 1e12);
    assert.ok(far > 1e12 && far - 1e12 <= 60_000 && (far - (-1e12 + 300)) % 60_000 === 0, String(far));
  });
});

describe('Fleet schedules', () => {
  const closers: (() => Promise<void>)[] = [];
  let acs: ReferenceAcs;
  after(async () => {
    for (const close of closers.reverse()) await close();
  });
  const referenceAcs = async () => {
    if (!acs) {
      acs = await startReferenceAcs({ provision: false });
      closers.push(() => acs.close());
    }
    return acs;
  };

  it('periodic informs fall on PeriodicInformTime + k·interval (phase .400 s of each second)', { timeout: 15_000 }, async () => {
    const proxy = await recordingProxy((await referenceAcs()).url);
    closers.push(() => proxy.close());
    // Phase: 400 ms past every whole second; interval 1 s; no jitter.
    const scenario = testScenario(proxy.url, {
      fleet: [{ profile: 'tr098', count: 2 }],
      schedule: { periodicIntervalS: 1, jitter: 0, periodicInformTime: '2020-01-01T00:00:00.400Z' },
    });
    const { fleet } = await fleetFor(scenario, proxy.url);
    closers.push(() => fleet.stop(0));
    fleet.start(performance.now());
    await waitFor('3 periodic informs per CPE', () => proxy.informs().filter((h) => informEvents(h.body).includes('2 PERIODIC')).length >= 6, 8000);
    await fleet.stop(1000);
    const periodic = proxy.informs().filter((h) => informEvents(h.body).includes('2 PERIODIC'));
    for (const hit of periodic) {
      const phase = hit.at % 1000;
      // Due at .400; the session reaches the proxy a few ms later (loopback), or later still on a stalled test machine.
      // Off the grid, a phase would fall anywhere in the second.
      assert.ok(phase >= 395 && phase <= 800, `periodic inform at .${String(phase).padStart(3, '0')} s, not on the .400 grid`);
    }
    // One inform per grid instant per CPE: no double inform for the same instant.
    const perCpe = new Map<number, number[]>();
    for (const hit of periodic) perCpe.set(informCpeIndex(hit.body), [...(perCpe.get(informCpeIndex(hit.body)) ?? []), Math.floor(hit.at / 1000)]);
    for (const seconds of perCpe.values()) assert.equal(new Set(seconds).size, seconds.length, `instants ${seconds}`);
  });

  it('a seeded jitter is the same CPE by CPE on one shard or two (each CPE draws its own numbers)', { timeout: 20_000 }, async () => {
    const cpes = 6;
    // Interval 1 s with jitter 0.5: the first periodic inform comes 0.5-1.5 s after the boot inform, at the CPE's draw.
    const scenario = (url: string) => testScenario(url, { fleet: [{ profile: 'tr098', count: cpes }], schedule: { periodicIntervalS: 1, jitter: 0.5 }, seed: 11 });
    const firstPeriodicAfterBoot = async (shards: number): Promise<number[]> => {
      const proxy = await recordingProxy((await referenceAcs()).url);
      closers.push(() => proxy.close());
      const fleets = await Promise.all(Array.from({ length: shards }, (_, index) => fleetFor(scenario(proxy.url), proxy.url, { index, count: shards })));
      const startAt = performance.now();
      for (const { fleet } of fleets) fleet.start(startAt);
      const informsOf = (cpe: number) => proxy.informs().filter((h) => informCpeIndex(h.body) === cpe);
      await waitFor('a boot and a periodic inform per CPE', () => Array.from({ length: cpes }, (_, i) => informsOf(i).length >= 2).every(Boolean), 8000);
      for (const { fleet } of fleets) await fleet.stop(0);
      return Array.from({ length: cpes }, (_, i) => {
        const [boot, periodic] = informsOf(i);
        assert.deepEqual([informEvents(boot!.body).includes('1 BOOT'), informEvents(periodic!.body)], [true, ['2 PERIODIC']]);
        return periodic!.at - boot!.at;
      });
    };
    const oneShard = await firstPeriodicAfterBoot(1);
    const twoShards = await firstPeriodicAfterBoot(2);
    for (let i = 0; i < cpes; i++) {
      assert.ok(oneShard[i]! >= 450 && oneShard[i]! <= 1650, `CPE ${i}: ${oneShard[i]} ms is not within the jitter`);
      // Far closer than two independent draws would be (they differ by ~330 ms on average; all six within 250 ms: < 1%).
      assert.ok(Math.abs(oneShard[i]! - twoShards[i]!) <= 250, `CPE ${i}: ${oneShard[i]} ms on one shard, ${twoShards[i]} ms on two`);
    }
    assert.ok(new Set(oneShard.map((ms) => Math.round(ms / 100))).size > 1, `every CPE drew alike: ${oneShard}`);
  });

  it('the ramp spreads CPEs over a time or powers them on at a rate', () => {
    const base = { periodicIntervalS: undefined, jitter: 0 };
    assert.deepEqual([0, 1, 2, 3].map((r) => powerOnOffsetMs({ ...base, rampMs: 4000 }, r, 4)), [0, 1000, 2000, 3000]);
    assert.deepEqual([0, 1, 5].map((r) => powerOnOffsetMs({ ...base, rampMs: 4000, rampRatePerS: 10 }, r, 4)), [0, 100, 500]);
    assert.equal(powerOnOffsetMs({ ...base, rampMs: 4000 }, 0, 1), 0);
  });

  it('rampRate powers CPEs on at R per second; a group with its own ramp ramps alone', { timeout: 15_000 }, async () => {
    const proxy = await recordingProxy((await referenceAcs()).url);
    closers.push(() => proxy.close());
    const scenario = testScenario(proxy.url, {
      // Group 0 (CPEs 0-4): the scenario's rate of 10/s → 0, 100, ..., 400 ms. Group 1 (CPE 5): its own ramp → at once.
      fleet: [
        { profile: 'tr098', count: 5 },
        { profile: 'tr098', count: 1, schedule: { rampMs: 0 } },
      ],
      schedule: { rampRatePerS: 10 },
    });
    const { fleet } = await fleetFor(scenario, proxy.url);
    closers.push(() => fleet.stop(0));
    const t0 = Date.now();
    fleet.start(performance.now());
    await waitFor('6 boot informs', () => proxy.informs().length >= 6, 8000);
    const bootAt = new Map(proxy.informs().map((h) => [informCpeIndex(h.body), h.at - t0]));
    // Never early; late only by the session's own time (more on a stalled machine). Ignoring its own ramp, CPE 5 would
    // be sixth on the scenario's: 500 ms.
    for (let i = 0; i < 5; i++) {
      assert.ok(bootAt.get(i)! >= i * 100 - 5 && bootAt.get(i)! < i * 100 + 400, `CPE ${i} booted at ${bootAt.get(i)} ms`);
    }
    assert.ok(bootAt.get(5)! < 400, `CPE 5 (own ramp 0) booted at ${bootAt.get(5)} ms`);
  });

  it('a connection request before a CPE is due on the ramp starts its first session then, and it does not power on again', { timeout: 15_000 }, async () => {
    const proxy = await recordingProxy((await referenceAcs()).url);
    closers.push(() => proxy.close());
    // CPE 1 is due on the ramp at 2 s; the request comes at once.
    const scenario = testScenario(proxy.url, { fleet: [{ profile: 'tr098', count: 2 }], schedule: { rampMs: 4000 } });
    const { fleet } = await fleetFor(scenario, proxy.url);
    closers.push(() => fleet.stop(0));
    const t0 = Date.now();
    fleet.start(performance.now());
    assert.equal(fleet.connectionRequest(1, performance.now()), 'accepted');
    await waitFor("CPE 1's inform", () => proxy.informs().some((h) => informCpeIndex(h.body) === 1), 8000);
    const first = proxy.informs().find((h) => informCpeIndex(h.body) === 1)!;
    assert.ok(first.at - t0 < 1500, `CPE 1 informed at ${first.at - t0} ms, not at once`);
    assert.ok(informEvents(first.body).includes('6 CONNECTION REQUEST'));
    // Its power-on wake-up was replaced by the request's: no second boot session when the ramp reaches it.
    await new Promise((resolve) => setTimeout(resolve, 2600 - (Date.now() - t0)));
    assert.equal(proxy.informs().filter((h) => informCpeIndex(h.body) === 1).length, 1);
  });

  it('a boot storm power-cycles every CPE: each comes back within the window with 1 BOOT (no M Reboot)', { timeout: 15_000 }, async () => {
    const proxy = await recordingProxy((await referenceAcs()).url);
    closers.push(() => proxy.close());
    const scenario = testScenario(proxy.url, {
      fleet: [{ profile: 'tr098', count: 6 }],
      schedule: { periodicIntervalS: 3600, bootStorm: { atMs: 600, windowMs: 500 } },
    });
    const { fleet, metrics } = await fleetFor(scenario, proxy.url);
    closers.push(() => fleet.stop(0));
    const t0 = Date.now();
    fleet.start(performance.now());
    await waitFor('12 informs (power-on and after the storm)', () => proxy.informs().length >= 12, 8000);
    const informs = proxy.informs();
    // Power-on informs also carry 0 BOOTSTRAP; the storm's comebacks only 1 BOOT.
    const afterStorm = informs.filter((h) => !informEvents(h.body).includes('0 BOOTSTRAP'));
    assert.equal(afterStorm.length, 6, `informs after the storm: ${afterStorm.map((h) => h.at - t0)}`);
    for (const hit of afterStorm) {
      // Never before the storm; after the window only by the session's own time (more on a stalled machine).
      assert.ok(hit.at - t0 >= 600 && hit.at - t0 < 600 + 500 + 500, `back at ${hit.at - t0} ms: outside the window`);
      assert.deepEqual(informEvents(hit.body), ['1 BOOT']);
    }
    assert.equal(new Set(afterStorm.map((h) => informCpeIndex(h.body))).size, 6);
    // Random instants within the window, not all at once.
    assert.ok(new Set(afterStorm.map((h) => Math.floor((h.at - t0) / 50))).size >= 3);
    assert.equal(metrics.sessions.failed, 0);
  });

  it('pause schedules nothing new; resume moves the schedule by the paused time (no burst, no inflated lateness)', { timeout: 15_000 }, async () => {
    const proxy = await recordingProxy((await referenceAcs()).url);
    closers.push(() => proxy.close());
    const scenario = testScenario(proxy.url, {
      durationMs: 1500,
      fleet: [{ profile: 'tr098', count: 2 }],
      schedule: { periodicIntervalS: 1, jitter: 0 },
    });
    const { fleet, metrics } = await fleetFor(scenario, proxy.url);
    closers.push(() => fleet.stop(0));
    const t0 = Date.now();
    fleet.start(performance.now());
    await waitFor('the boot informs', () => proxy.informs().length >= 2, 5000);
    await new Promise((r) => setTimeout(r, 200));
    fleet.pause();
    const pausedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(proxy.informs().filter((h) => h.at > pausedAt + 50).length, 0, 'an inform was sent while paused');
    fleet.resume();
    const resumedAt = Date.now();
    await fleet.finished;
    const report = await fleet.drain(2000);
    const resumed = proxy.informs().filter((h) => h.at >= resumedAt);
    // The periodic informs due at ~1 s came ~1.5 s later, after the resume: one per CPE, not lost, not doubled.
    assert.equal(resumed.length, 2, `informs after resume at ${resumed.map((h) => h.at - t0)}`);
    for (const hit of resumed) assert.ok(hit.at - t0 >= 2400, `periodic inform at ${hit.at - t0} ms`);
    assert.ok(report.pausedMs >= 1450 && report.pausedMs < 3000, `pausedMs ${report.pausedMs}`);
    assert.ok(Math.abs(report.activeMs - 1500) < 100, `activeMs ${report.activeMs}`);
    // Lateness excludes the pause (including it, the resumed informs would be ~1,500 ms late).
    assert.ok(metrics.histogram('lateness')!.maxValue / 1000 < 700, `lateness max ${metrics.histogram('lateness')!.maxValue / 1000} ms`);
  });

  it('stop: sessions that finish within the grace period count; the rest are aborted (failed: timeout)', { timeout: 15_000 }, async () => {
    const slow = await recordingProxy((await referenceAcs()).url, { delayMs: 300 });
    closers.push(() => slow.close());
    const finishing = await fleetFor(testScenario(slow.url, { fleet: [{ profile: 'tr098', count: 3 }] }), slow.url);
    closers.push(() => finishing.fleet.stop(0));
    finishing.fleet.start(performance.now());
    await waitFor('3 sessions running', () => finishing.fleet.sessionsInFlight === 3, 5000);
    const calm = await finishing.fleet.drain(5000);
    assert.equal(calm.aborted, 0);
    assert.deepEqual(finishing.metrics.sessions, { started: 3, completed: 3, failed: 0 });
    assert.ok(calm.drainMs > 0 && calm.drainMs < 3000, `drainMs ${calm.drainMs}`);

    const hung = await recordingProxy((await referenceAcs()).url, { hold: true });
    closers.push(() => hung.close());
    const stuck = await fleetFor(testScenario(hung.url, { fleet: [{ profile: 'tr098', count: 3 }], acs: { ...testScenario('').acs, url: hung.url, requestTimeoutMs: 30_000 } }), hung.url);
    closers.push(() => stuck.fleet.stop(0));
    stuck.fleet.start(performance.now());
    await waitFor('3 sessions hanging', () => hung.hits.length === 3, 5000);
    const stopAt = performance.now();
    const report = await stuck.fleet.drain(300);
    assert.ok(performance.now() - stopAt < 1500, 'the grace period bounds the stop');
    assert.equal(report.aborted, 3);
    assert.deepEqual(stuck.metrics.sessions, { started: 3, completed: 0, failed: 3 });
    assert.equal(stuck.metrics.errors.timeout, 3);
    assert.equal(stuck.metrics.snapshot().errorSamples.timeout?.[0], ABORTED_AT_SHUTDOWN);
  });

  it('CPE i connects from source address i mod N', { timeout: 15_000 }, async () => {
    const proxy = await recordingProxy((await referenceAcs()).url);
    closers.push(() => proxy.close());
    const scenario = testScenario(proxy.url, {
      fleet: [{ profile: 'tr098', count: 4 }],
      acs: { ...testScenario('').acs, url: proxy.url, sourceAddresses: ['127.0.0.2', '127.0.0.3'] },
    });
    const { fleet, metrics } = await fleetFor(scenario, proxy.url);
    closers.push(() => fleet.stop(0));
    fleet.start(performance.now());
    await waitFor('4 boot informs', () => proxy.informs().length >= 4, 5000);
    await fleet.stop(2000);
    for (const hit of proxy.informs()) {
      const i = informCpeIndex(hit.body);
      assert.equal(hit.remoteAddress.replace(/^::ffff:/, ''), `127.0.0.${2 + (i % 2)}`, `CPE ${i}`);
    }
    assert.equal(metrics.sessions.failed, 0);
  });
});
