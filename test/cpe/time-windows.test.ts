/** ScheduleDownload time windows (A.4.1.8): what is refused (9003) and which windows a download may use. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadSlots, lastWindowEndMs, validateTimeWindows } from '../../src/cpe/time-windows.js';
import { CwmpFault } from '../../src/cwmp/faults.js';
import type { TimeWindow } from '../../src/cwmp/messages.js';

const w = (over: Partial<TimeWindow>): TimeWindow => ({ windowStart: 0, windowEnd: 60, windowMode: '1 At Any Time', userMessage: '', maxRetries: 0, ...over });

test('valid lists pass; each malformed one is 9003', () => {
  validateTimeWindows([w({})]);
  validateTimeWindows([w({ windowStart: 100, windowEnd: 200 }), w({ windowStart: 0, windowEnd: 100, windowMode: '3 When Idle', maxRetries: -1 })]);
  const bad: TimeWindow[][] = [
    [],
    [w({}), w({ windowStart: 60, windowEnd: 70 }), w({ windowStart: 70, windowEnd: 80 })],
    [w({ windowStart: 10, windowEnd: 10 })],
    [w({ windowStart: 0, windowEnd: 50 }), w({ windowStart: 40, windowEnd: 90 })],
    [w({ windowMode: 'X 00D09E Night' })],
    [w({ windowMode: '5 Someday' })],
    [w({ maxRetries: -3 })],
    [w({ userMessage: 'x'.repeat(257) })],
  ];
  for (const list of bad) {
    assert.throws(() => validateTimeWindows(list), (e: unknown) => e instanceof CwmpFault && e.faultCode === 9003, JSON.stringify(list).slice(0, 120));
  }
});

test('slots: earliest first, in ms, MaxRetries -1 unbounded; confirmation windows only when a user confirms', () => {
  const list = [w({ windowStart: 300, windowEnd: 400, windowMode: '4 Confirmation Needed', maxRetries: 2 }), w({ windowStart: 10, windowEnd: 20, maxRetries: -1 })];
  assert.deepEqual(downloadSlots(list, false), [{ startMs: 10_000, endMs: 20_000, retries: Infinity }]);
  assert.deepEqual(downloadSlots(list, true), [
    { startMs: 10_000, endMs: 20_000, retries: Infinity },
    { startMs: 300_000, endMs: 400_000, retries: 2 },
  ]);
  assert.equal(lastWindowEndMs(list), 400_000);
});
