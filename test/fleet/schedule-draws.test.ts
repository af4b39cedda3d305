/** ScheduleDraws: each CPE's draws depend on the seed and its global index only, not on the shard layout or draw order. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScheduleDraws } from '../../src/fleet/schedule-draws.js';

/** The slots of shard `index` of `count` over `total` CPEs, as Fleet lays them out (global index modulo count). */
function shardDraws(seed: number, total: number, index: number, count: number): ScheduleDraws {
  const slots = Math.ceil((total - index) / count);
  return new ScheduleDraws(seed, slots, (slot) => index + slot * count);
}

test("a CPE draws the same sequence on one shard or on two, whatever the other CPEs draw in between", () => {
  const whole = shardDraws(7, 8, 0, 1);
  const odd = shardDraws(7, 8, 1, 2);
  // Global CPE 5 is slot 5 of the whole fleet and slot 2 of the odd shard. Other CPEs draw in between, in other orders.
  const fromWhole: number[] = [];
  const fromOdd: number[] = [];
  for (let k = 0; k < 5; k++) {
    whole.next(k);
    fromWhole.push(whole.next(5));
    fromOdd.push(odd.next(2));
    odd.next(0);
    odd.next(3);
  }
  assert.deepEqual(fromOdd, fromWhole);
  assert.equal(new Set(fromWhole).size, 5, 'successive draws differ');
});

test('draws lie in [0, 1), spread evenly, and change with the seed and the CPE', () => {
  const draws = shardDraws(1, 1000, 0, 1);
  let sum = 0;
  let below = 0;
  for (let slot = 0; slot < 1000; slot++) {
    for (let k = 0; k < 10; k++) {
      const x = draws.next(slot);
      assert.ok(x >= 0 && x < 1, String(x));
      sum += x;
      if (x < 0.1) below++;
    }
  }
  // 10,000 uniform draws: mean 0.5 (σ ~0.003), a tenth below 0.1 (σ ~30).
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02, `mean ${sum / 10_000}`);
  assert.ok(Math.abs(below - 1000) < 150, `${below} below 0.1`);
  assert.notEqual(shardDraws(1, 2, 0, 1).next(0), shardDraws(2, 2, 0, 1).next(0), 'another seed');
  assert.notEqual(shardDraws(1, 2, 0, 1).next(0), shardDraws(1, 2, 0, 1).next(1), 'another CPE');
});
