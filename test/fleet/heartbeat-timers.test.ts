/** HeartbeatTimers: one live beat per CPE on the InitiationTime grid, re-armed or dropped when the policy changes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { HeartbeatTimers, type HeartbeatDue } from '../../src/fleet/heartbeat-timers.js';

type Policy = ReturnType<VirtualCpe['heartbeatPolicy']>;

function rig(policy: Policy) {
  const state = { policy };
  const scheduled: { at: number; item: HeartbeatDue }[] = [];
  const beats: number[] = [];
  const timers = new HeartbeatTimers(1, {
    cpe: () => ({ heartbeatPolicy: () => state.policy }) as unknown as VirtualCpe,
    schedule: (at, item) => scheduled.push({ at, item }),
    beat: (slot) => beats.push(slot),
    random: () => 0.25,
  });
  return { state, scheduled, beats, timers };
}

/** performance.now() ms of an epoch instant. */
const perf = (epochMs: number) => epochMs - performance.timeOrigin;

test('a beat falls on InitiationTime + k·interval, the next one is armed when it fires', () => {
  const phase = Date.now() + 10_000;
  const r = rig({ reportingIntervalS: 60, initiationTime: new Date(phase).toISOString() });
  r.timers.sessionEnded(0);
  assert.equal(r.scheduled.length, 1);
  // The next grid instant after now: the InitiationTime itself (it lies 10 s ahead).
  assert.ok(Math.abs(r.scheduled[0]!.at - perf(phase)) < 1, `${r.scheduled[0]!.at} vs ${perf(phase)}`);
  // Another session end on the same policy keeps the live beat.
  r.timers.sessionEnded(0);
  assert.equal(r.scheduled.length, 1);
  r.timers.fire(r.scheduled[0]!.item, r.scheduled[0]!.at);
  assert.deepEqual(r.beats, [0]);
  assert.equal(r.scheduled.length, 2);
  // On the grid again (k whole intervals from InitiationTime).
  const k = (r.scheduled[1]!.at - perf(phase)) / 60_000;
  assert.ok(Math.abs(k - Math.round(k)) < 1e-6, String(k));
});

test('Unknown Time: the CPE picks its own reference once (random fraction of the interval)', () => {
  const r = rig({ reportingIntervalS: 40, initiationTime: '0001-01-01T00:00:00Z' });
  r.timers.sessionEnded(0);
  const offset = (r.scheduled[0]!.at + performance.timeOrigin) % 40_000;
  assert.ok(Math.abs(offset - 10_000) < 1, `0.25 of 40 s, got ${offset}`);
});

test('disabled: the live beat is stale and nothing beats; a changed interval moves the grid', () => {
  const r = rig({ reportingIntervalS: 30, initiationTime: '0001-01-01T00:00:00Z' });
  r.timers.sessionEnded(0);
  const first = r.scheduled[0]!;
  r.state.policy = undefined;
  r.timers.sessionEnded(0);
  r.timers.fire(first.item, first.at);
  assert.deepEqual(r.beats, []);
  assert.equal(r.scheduled.length, 1);
  r.state.policy = { reportingIntervalS: 120, initiationTime: '0001-01-01T00:00:00Z' };
  r.timers.sessionEnded(0);
  assert.equal(r.scheduled.length, 2);
  assert.ok(Math.abs(((r.scheduled[1]!.at + performance.timeOrigin) % 120_000) - 30_000) < 1);
  // The old item stays stale even with the policy back on.
  r.timers.fire(first.item, first.at);
  assert.deepEqual(r.beats, []);
});
