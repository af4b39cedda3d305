import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordGcPauses } from '../../src/metrics/gc-pauses.js';
import type { LatencyName } from '../../src/metrics/observer.js';

/** Allocates short-lived garbage until `done()` or the bound (young-generation collections follow within a few MB). */
async function churn(done: () => boolean): Promise<void> {
  let keep: unknown[] = [];
  for (let round = 0; round < 200 && !done(); round++) {
    for (let i = 0; i < 20_000; i++) keep.push({ i, text: `garbage ${i}` });
    keep = [];
    // GC entries reach the observer asynchronously.
    await sleep(5);
  }
}

test('recordGcPauses records each collection of this thread as gcPause, and nothing once stopped', async () => {
  const samples: [LatencyName, number, number][] = [];
  const stop = recordGcPauses({ latency: (name, fromIntended, fromActual) => samples.push([name, fromIntended, fromActual]) });
  await churn(() => samples.length > 0);
  stop();
  assert.ok(samples.length > 0, 'allocating garbage caused at least one recorded collection');
  for (const [name, fromIntended, fromActual] of samples) {
    assert.equal(name, 'gcPause');
    assert.ok(fromIntended >= 0 && fromIntended === fromActual);
  }
  // Entries of collections before stop() may still be on their way: let them land, then churn again.
  await sleep(50);
  const recorded = samples.length;
  let rounds = 0;
  await churn(() => ++rounds > 20);
  await sleep(50);
  assert.equal(samples.length, recorded);
});
