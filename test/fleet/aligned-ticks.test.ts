/** alignedTicks: due instants on the origin's grid, no drift from late calls, no burst after a blocked loop. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignedTicks } from '../../src/fleet/aligned-ticks.js';

const INTERVAL_MS = 40;

/** The ticks' timers are unref'd (they keep no process alive): the tests hold the loop open meanwhile. */
async function withLoopOpen<T>(run: () => Promise<T>): Promise<T> {
  const hold = setInterval(() => undefined, 1000);
  try {
    return await run();
  } finally {
    clearInterval(hold);
  }
}

test('ticks fall due at origin + k·interval; after a blocked loop the next one due is the first still ahead', { timeout: 10_000 }, async () => {
  const origin = performance.now();
  const calls: { due: number; at: number }[] = [];
  await withLoopOpen(() => new Promise<void>((resolve) => {
    const stop = alignedTicks(origin, INTERVAL_MS, (due) => {
      calls.push({ due, at: performance.now() });
      if (calls.length === 2) {
        // Block the loop for 2.5 intervals: the instants missed meanwhile must not come as a burst.
        const until = performance.now() + 2.5 * INTERVAL_MS;
        while (performance.now() < until);
      }
      if (calls.length === 5) {
        stop();
        resolve();
      }
    });
  }));
  for (const [i, { due, at }] of calls.entries()) {
    const k = (due - origin) / INTERVAL_MS;
    assert.ok(Math.abs(k - Math.round(k)) < 1e-6 && Math.round(k) >= 1, `call ${i} due at k=${k}: not on the grid`);
    assert.ok(at >= due, `call ${i} came ${due - at} ms before its instant`);
    if (i > 0) {
      assert.ok(due > calls[i - 1]!.due, 'due instants increase');
      // Each instant was still ahead when the previous call ended: no catching up on missed ones.
      assert.ok(due > calls[i - 1]!.at, `call ${i} (due ${due - origin} ms) was already past when call ${i - 1} ran (${calls[i - 1]!.at - origin} ms)`);
    }
  }
  assert.ok(Math.abs(calls[0]!.due - (origin + INTERVAL_MS)) < 1e-6);
  // Instants are doubles: two of them three intervals apart differ by 3·interval give or take a rounding.
  assert.ok(calls[2]!.due - calls[1]!.due >= 3 * INTERVAL_MS - 1e-6, `the blocked instants were not skipped: ${calls[2]!.due - calls[1]!.due} ms apart`);
});

test('stop() cancels the pending tick', { timeout: 5_000 }, async () => {
  let calls = 0;
  const stop = alignedTicks(performance.now(), 10, () => calls++);
  stop();
  await withLoopOpen(() => new Promise((resolve) => setTimeout(resolve, 50)));
  assert.equal(calls, 0);
});
