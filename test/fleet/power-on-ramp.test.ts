import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PowerOnRamp } from '../../src/fleet/power-on-ramp.js';

function feedAll(ramp: PowerOnRamp, base: number, horizon: number, max: number): { slots: number[]; next: number | undefined } {
  const slots: number[] = [];
  const next = ramp.feed(base, horizon, max, (slot) => slots.push(slot));
  return { slots, next };
}

test('hands out slots by power-on time up to the horizon, and says when the next one is due', () => {
  const ramp = new PowerOnRamp(Float64Array.from([0, 10, 20, 30, 40]));
  assert.deepEqual(feedAll(ramp, 1000, 1015, 100), { slots: [0, 1], next: 1020 });
  assert.deepEqual(feedAll(ramp, 1000, 1015, 100), { slots: [], next: 1020 }, 'nothing is handed out twice');
  // A pause moved the base: the same offsets are due later.
  assert.deepEqual(feedAll(ramp, 1500, 1530, 100), { slots: [2, 3], next: 1540 });
  assert.deepEqual(feedAll(ramp, 1500, 9999, 100), { slots: [4], next: undefined });
});

test('interleaved ramps (groups with ramps of their own) come out in time order, equal times in slot order', () => {
  // Two cohorts: slots 0-2 ramp over 0, 30, 60; slots 3-5 over 0, 15, 30.
  const ramp = new PowerOnRamp(Float64Array.from([0, 30, 60, 0, 15, 30]));
  assert.deepEqual(feedAll(ramp, 0, 100, 100), { slots: [0, 3, 4, 1, 5, 2], next: undefined });
});

test('one feed hands out at most `max` slots, even when more are due (a ramp of 0 s)', () => {
  const ramp = new PowerOnRamp(new Float64Array(5));
  assert.deepEqual(feedAll(ramp, 100, 100, 2), { slots: [0, 1], next: 100 });
  assert.deepEqual(feedAll(ramp, 100, 100, 2), { slots: [2, 3], next: 100 });
  assert.deepEqual(feedAll(ramp, 100, 100, 2), { slots: [4], next: undefined });
});
