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
