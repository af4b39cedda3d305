import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRunFlags } from '../../src/cli/run-options.js';
import { ConfigError } from '../../src/errors.js';
import { defaultScenario } from '../../src/scenario/load-scenario.js';
import type { Scenario } from '../../src/scenario/scenario.js';

async function mixed(): Promise<Scenario> {
  const s = await defaultScenario();
  return { ...s, fleet: [{ profile: 'tr098', count: 30 }, { profile: 'tr181', count: 10 }] };
}

test('--cpes scales a mixed fleet in proportion and keeps the exact total', async () => {
  const s = applyRunFlags(await mixed(), { cpes: 7 });
  assert.deepEqual(s.fleet, [{ profile: 'tr098', count: 5 }, { profile: 'tr181', count: 2 }]);
});

test('--profile puts every CPE on one profile', async () => {
  const s = applyRunFlags(await mixed(), { profile: 'tr181', cpes: 3 });
  assert.deepEqual(s.fleet, [{ profile: 'tr181', count: 3 }]);
});

test('flags override the ACS, duration and interval', async () => {
  const s = applyRunFlags(await mixed(), { acs: 'http://127.0.0.1:9/acs', duration: '2m', interval: 15, acsUsername: 'u', acsPassword: 'p' });
  assert.equal(s.acs.url, 'http://127.0.0.1:9/acs');
  assert.equal(s.durationMs, 120_000);
  assert.equal(s.schedule.periodicIntervalS, 15);
  assert.equal(s.acs.username, 'u');
  assert.equal(s.acs.password, 'p');
});

test('bad flag values are ConfigErrors naming the flag', async () => {
  const base = await mixed();
  for (const [flags, field] of [
    [{ cpes: 0 }, '--cpes'],
    [{ duration: 'soon' }, '--duration'],
    [{ interval: -1 }, '--interval'],
    [{ acs: 'ftp://x' }, '--acs'],
  ] as const) {
    assert.throws(() => applyRunFlags(base, flags), (e: unknown) => e instanceof ConfigError && e.field === field, field);
  }
});

test('--grace and --source-ips override the scenario; --interval also beats the groups\' own intervals', async () => {
  const base = await mixed();
  const withGroup = { ...base, fleet: [{ profile: 'tr098', count: 2, schedule: { periodicIntervalS: 60, jitter: 0.5 } }] };
  const s = applyRunFlags(withGroup, { grace: '2s', sourceIps: '127.0.0.2-127.0.0.3,127.0.0.9', interval: 7 });
  assert.equal(s.gracePeriodMs, 2000);
  assert.deepEqual(s.acs.sourceAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.9']);
  assert.equal(s.schedule.periodicIntervalS, 7);
  assert.deepEqual(s.fleet[0]!.schedule, { periodicIntervalS: undefined, jitter: 0.5 });
  assert.equal(applyRunFlags(base, { grace: '0s' }).gracePeriodMs, 0);
});

test('bad --grace, --source-ips and --interval values name the flag', async () => {
  const base = await mixed();
  for (const [flags, field] of [
    [{ grace: 'later' }, '--grace'],
    [{ sourceIps: '127.0.0.2-127.0.0.1' }, '--source-ips'],
    [{ sourceIps: 'eth0' }, '--source-ips'],
    [{ interval: 0.5 }, '--interval'],
  ] as const) {
    assert.throws(() => applyRunFlags(base, flags), (e: unknown) => e instanceof ConfigError && e.field === field, field);
  }
});

test('--shard and --start-at parse strictly; worker shards compose with machine shards into one partition', async () => {
  const { parseShardFlag, parseStartAt } = await import('../../src/cli/shard-flags.js');
  const { composeShards, machineShardSize } = await import('../../src/fleet/run-fleet.js');
  assert.deepEqual(parseShardFlag('1/4'), { index: 1, count: 4 });
  for (const bad of ['4/4', '-1/2', '1/0', 'a/b', '1']) assert.throws(() => parseShardFlag(bad), /--shard|shard I\/N/);
  assert.equal(parseStartAt('2030-01-01T00:00:00Z', 0), Date.UTC(2030, 0, 1));
  assert.throws(() => parseStartAt('2030-01-01T00:00:00', 0), /with a zone/);
  assert.throws(() => parseStartAt('2000-01-01T00:00:00Z', Date.now()), /in the past/);
  // 3 machines × 2 workers over 20 CPEs: every index on exactly one (machine, worker), and on its machine.
  const owners = new Map<number, string>();
  for (let m = 0; m < 3; m++) {
    for (let w = 0; w < 2; w++) {
      const s = composeShards({ index: m, count: 3 }, { index: w, count: 2 });
      for (let i = 0; i < 20; i++) {
        if (i % s.count !== s.index) continue;
        assert.equal(i % 3, m);
        assert.ok(!owners.has(i), `index ${i} owned twice`);
        owners.set(i, `${m}/${w}`);
      }
    }
  }
  assert.equal(owners.size, 20);
  assert.deepEqual([0, 1, 2].map((m) => machineShardSize(20, { index: m, count: 3 })), [7, 7, 6]);
  assert.equal(machineShardSize(2, { index: 2, count: 3 }), 0);
});
