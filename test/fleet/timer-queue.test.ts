import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_FIRES_PER_DRAIN, TimerQueue } from '../../src/fleet/timer-queue.js';
import { seededRandom } from '../../src/random.js';
import { waitFor } from '../support/wait.js';

test('items fire in due-time order whatever order they were scheduled in', async () => {
  const fired: number[] = [];
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const queue = new TimerQueue<number>((item) => {
    fired.push(item);
    if (fired.length === 200) resolveDone();
  });
  const random = seededRandom(7);
  const now = performance.now();
  const dues = Array.from({ length: 200 }, (_, i) => ({ i, at: now + random() * 40 }));
  for (const d of dues) queue.schedule(d.at, d.i);
  await done;
  const expected = [...dues].sort((a, b) => a.at - b.at).map((d) => d.i);
  assert.deepEqual(fired, expected);
  assert.equal(queue.size, 0);
});

test('an earlier item scheduled later re-arms the timer', async () => {
  const fired: { item: string; at: number }[] = [];
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const queue = new TimerQueue<string>((item) => {
    fired.push({ item, at: performance.now() });
    if (fired.length === 2) resolveDone();
  });
  const now = performance.now();
  queue.schedule(now + 1000, 'late');
  queue.schedule(now + 5, 'early');
  await done;
  assert.deepEqual(fired.map((f) => f.item), ['early', 'late']);
  // Without re-arming, 'early' would only fire with 'late', after the first timer (1 s).
  assert.ok(fired[0]!.at < now + 1000, `early fired after ${fired[0]!.at - now} ms`);
  assert.ok(fired[1]!.at >= now + 1000);
});

test('stop drops pending items and ignores new ones', async () => {
  const fired: number[] = [];
  const queue = new TimerQueue<number>((item) => fired.push(item));
  queue.schedule(performance.now() + 5, 1);
  queue.stop();
  queue.schedule(performance.now(), 2);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fired, []);
});

test('the seeded random source repeats with the same seed and stays in [0,1)', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, seededRandom(43)));
});

test('pause holds every item; resume shifts them by the paused time, in order', async () => {
  const fired: { item: number; dueAt: number; at: number }[] = [];
  const queue = new TimerQueue<number>((item, dueAt) => fired.push({ item, dueAt, at: performance.now() }));
  const now = performance.now();
  queue.schedule(now + 20, 1);
  queue.schedule(now + 40, 2);
  queue.pause();
  queue.schedule(now + 30, 3); // queued while paused
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(fired.length, 0);
  assert.ok(queue.paused);
  const pausedMs = queue.resume();
  assert.ok(pausedMs >= 95, `paused ${pausedMs} ms`);
  await waitFor('the three items', () => fired.length === 3);
  assert.deepEqual(fired.map((f) => f.item), [1, 3, 2]);
  // Due times moved by the pause, so none fires as overdue (a stalled test process may still fire them late).
  const dueAfterPause = { 1: 20, 3: 30, 2: 40 } as Record<number, number>;
  for (const f of fired) assert.ok(Math.abs(f.dueAt - (now + dueAfterPause[f.item]! + pausedMs)) < 1e-6, `item ${f.item} due at ${f.dueAt}`);
  for (const f of fired) assert.ok(f.at >= f.dueAt, `item ${f.item} fired before it was due`);
});

test('a burst of overdue items fires in batches of MAX_FIRES_PER_DRAIN, in order, with the event loop turning between them', async () => {
  const fired: number[] = [];
  /** fired.length each time an I/O-phase callback got to run while the burst was being drained. */
  const loopTurns: number[] = [];
  const total = MAX_FIRES_PER_DRAIN * 4 + 3;
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const queue = new TimerQueue<number>((item) => {
    fired.push(item);
    if (fired.length === 1) {
      // Queued behind the first batch: each runs only if the drain yields to the loop.
      for (let k = 0; k < 4; k++) setImmediate(() => loopTurns.push(fired.length));
    }
    if (fired.length === total) resolveDone();
  });
  const past = performance.now() - 10;
  for (let i = total - 1; i >= 0; i--) queue.schedule(past + i * 0.001, i);
  await done;
  assert.deepEqual(fired, Array.from({ length: total }, (_, i) => i));
  assert.ok(loopTurns.length > 0 && loopTurns[0]! < total, `the loop turned only after the burst: ${loopTurns.join(',')}`);
  assert.ok(loopTurns.every((n) => n % MAX_FIRES_PER_DRAIN === 0), `turns between whole batches: ${loopTurns.join(',')}`);
});

test('stop() during a batched drain ends it: nothing more fires', async () => {
  const fired: number[] = [];
  const queue = new TimerQueue<number>((item) => {
    fired.push(item);
    if (fired.length === MAX_FIRES_PER_DRAIN) setImmediate(() => queue.stop());
  });
  const past = performance.now() - 10;
  for (let i = 0; i < MAX_FIRES_PER_DRAIN * 3; i++) queue.schedule(past + i * 0.001, i);
  await waitFor('the queue to stop', () => queue.size === 0);
  // The continuation immediate was queued before stop()'s, so at most one more batch ran.
  assert.ok(fired.length <= MAX_FIRES_PER_DRAIN * 2 && fired.length >= MAX_FIRES_PER_DRAIN, `fired ${fired.length}`);
  assert.equal(queue.size, 0);
});
