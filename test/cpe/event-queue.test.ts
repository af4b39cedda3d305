import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventQueue, MAX_INFORM_EVENTS } from '../../src/cpe/event-queue.js';

const codes = (list: { code: string; commandKey: string }[]) => list.map((e) => (e.commandKey ? `${e.code}/${e.commandKey}` : e.code));

describe('EventQueue', () => {
  it('keeps single events once and M events once per CommandKey', () => {
    const q = new EventQueue();
    q.add('1 BOOT');
    q.add('1 BOOT');
    q.add('M Reboot', 'k1');
    q.add('M Reboot', 'k2');
    q.add('M Reboot', 'k1');
    q.add('4 VALUE CHANGE');
    assert.deepEqual(codes(q.take()), ['1 BOOT', 'M Reboot/k1', 'M Reboot/k2', '4 VALUE CHANGE']);
  });

  it('confirm clears only the events taken; events raised meanwhile wait for the next Inform', () => {
    const q = new EventQueue();
    q.add('0 BOOTSTRAP');
    q.add('1 BOOT');
    assert.deepEqual(codes(q.take()), ['0 BOOTSTRAP', '1 BOOT']);
    q.add('1 BOOT'); // a new occurrence during the session is not swallowed by the confirm
    q.add('2 PERIODIC');
    q.confirm();
    assert.deepEqual(codes(q.take()), ['1 BOOT', '2 PERIODIC']);
    q.confirm();
    assert.deepEqual(q.take(), []);
  });

  it('release (failed session) puts events back first, without duplicates', () => {
    const q = new EventQueue();
    q.add('0 BOOTSTRAP');
    q.add('1 BOOT');
    q.take();
    q.add('1 BOOT');
    q.add('6 CONNECTION REQUEST');
    q.release();
    assert.deepEqual(codes(q.take()), ['0 BOOTSTRAP', '1 BOOT', '6 CONNECTION REQUEST']);
    // a take without confirm/release (defensive) also keeps the events
    assert.deepEqual(codes(q.take()), ['0 BOOTSTRAP', '1 BOOT', '6 CONNECTION REQUEST']);
  });

  it(`hands at most ${MAX_INFORM_EVENTS} events to one Inform`, () => {
    const q = new EventQueue();
    for (let i = 0; i < MAX_INFORM_EVENTS + 3; i++) q.add('M Download', `k${i}`);
    assert.equal(q.take().length, MAX_INFORM_EVENTS);
    q.confirm();
    assert.deepEqual(codes(q.take()), [`M Download/k${MAX_INFORM_EVENTS}`, `M Download/k${MAX_INFORM_EVENTS + 1}`, `M Download/k${MAX_INFORM_EVENTS + 2}`]);
  });
});
