import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadScenario as load, scenarioConfigError as configError } from '../support/scenario-file.js';
import { groupSchedule } from '../../src/scenario/scenario.js';
import { expandSourceAddresses, MAX_SOURCE_ADDRESSES, SourceAddressError } from '../../src/scenario/source-addresses.js';

test('schedule fields, per-group overrides, grace period and source addresses load', async () => {
  const s = await load(
    [
      'gracePeriod: 3s',
      'warmUp: 200',
      'acs:',
      '  sourceAddresses: ["127.0.0.2-127.0.0.4", "::1"]',
      'fleet:',
      '  - profile: tr098',
      '    count: 2',
      '  - profile: tr181',
      '    count: 3',
      '    schedule: { periodicInterval: 60s, rampRate: 5, bootStorm: { at: 30s, window: 5s } }',
      'schedule:',
      '  periodicInterval: 10s',
      '  ramp: 4s',
      '  jitter: 0.3',
      '  periodicInformTime: "2024-01-01T00:00:00Z"',
      '',
    ].join('\n'),
  );
  assert.equal(s.gracePeriodMs, 3000);
  assert.equal(s.warmUpSessions, 200);
  assert.deepEqual(s.acs.sourceAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.4', '::1']);
  assert.deepEqual(s.schedule, { periodicIntervalS: 10, jitter: 0.3, rampMs: 4000, rampRatePerS: undefined, periodicInformTime: '2024-01-01T00:00:00Z', bootStorm: undefined });
  assert.equal(s.fleet[0]!.schedule, undefined);
  assert.deepEqual(groupSchedule(s.schedule, s.fleet[0]!), s.schedule);
  // The group's ramp replaces the scenario's (rate instead of spread); the rest is inherited.
  assert.deepEqual(groupSchedule(s.schedule, s.fleet[1]!), {
    periodicIntervalS: 60,
    jitter: 0.3,
    rampMs: 0,
    rampRatePerS: 5,
    periodicInformTime: '2024-01-01T00:00:00Z',
    bootStorm: { atMs: 30_000, windowMs: 5000 },
  });
});

test('defaults: grace period 10s, no source addresses, the default warm-up', async () => {
  const s = await load('fleet:\n  - profile: tr098\n    count: 1\n');
  assert.equal(s.gracePeriodMs, 10_000);
  assert.equal(s.warmUpSessions, undefined);
  assert.equal(s.acs.sourceAddresses, undefined);
});

test('ramp and rampRate together are rejected naming the line and field, at the top and in a group', async () => {
  const top = await configError('schedule:\n  ramp: 3s\n  rampRate: 10\n');
  assert.equal(top.field, 'schedule.rampRate');
  assert.equal(top.line, 3);
  assert.match(top.message, /mutually exclusive/);
  const group = await configError('fleet:\n  - profile: tr098\n    count: 1\n    schedule:\n      rampRate: 2\n      ramp: 1s\n');
  assert.equal(group.field, 'fleet[0].schedule.rampRate');
  assert.equal(group.line, 5);
});

test('bad schedule values name their field', async () => {
  assert.equal((await configError('schedule:\n  periodicInformTime: tomorrow\n')).field, 'schedule.periodicInformTime');
  assert.equal((await configError('schedule:\n  periodicInterval: 500ms\n')).field, 'schedule.periodicInterval');
  assert.equal((await configError('schedule:\n  rampRate: 0\n')).field, 'schedule.rampRate');
  assert.equal((await configError('schedule:\n  bootStorm: { at: 5s }\n')).line, 2);
  assert.equal((await configError('schedule:\n  bootStorm: { at: soon, window: 1s }\n')).field, 'schedule.bootStorm.at');
  assert.equal((await configError('gracePeriod: forever\n')).field, 'gracePeriod');
  const warmUp = await configError('name: x\nwarmUp: -5\n');
  assert.equal(warmUp.field, 'warmUp');
  assert.equal(warmUp.line, 2);
});

test('a bad source address names its entry and line', async () => {
  const err = await configError('acs:\n  sourceAddresses:\n    - 127.0.0.2\n    - 127.0.0.9-127.0.0.3\n');
  assert.equal(err.field, 'acs.sourceAddresses[1]');
  assert.equal(err.line, 4);
  assert.match(err.message, /ends before it starts/);
});

test('source address lists: ranges expand in order, single IPv4/IPv6, errors carry the entry', () => {
  assert.deepEqual(expandSourceAddresses(['10.0.0.254-10.0.1.1']), ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  assert.deepEqual(expandSourceAddresses([' 127.0.0.2 ', 'fe80::1']), ['127.0.0.2', 'fe80::1']);
  for (const [specs, entry] of [
    [['127.0.0.1', 'localhost'], 1],
    [['127.0.0.1-::1'], 0],
    [['127.0.0.300'], 0],
    [['10.0.0.0-10.255.255.255'], 0],
  ] as const) {
    assert.throws(() => expandSourceAddresses(specs), (e: unknown) => e instanceof SourceAddressError && e.entry === entry, specs.join());
  }
  assert.equal(expandSourceAddresses(['10.0.0.0-10.0.255.255']).length, MAX_SOURCE_ADDRESSES);
});
