/** The XMPP login back-off's jitter comes from the scenario seed (per CPE and failure), not Math.random. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginBackOffMs } from '../../src/connreq/xmpp-connector.js';

test('the back-off doubles up to the maximum, jittered into [half, whole)', () => {
  for (let failures = 1; failures <= 10; failures++) {
    const base = Math.min(60_000, 1000 * 2 ** (failures - 1));
    for (let index = 0; index < 50; index++) {
      const ms = loginBackOffMs(7, index, failures, 1000, 60_000);
      assert.ok(ms >= base / 2 && ms < base, `failure ${failures}, CPE ${index}: ${ms} ms`);
    }
  }
});

test('the same seed, CPE and failure count give the same wait; the seed and the CPE change it', () => {
  const waits = (seed: number) => Array.from({ length: 20 }, (_, index) => loginBackOffMs(seed, index, 3, 1000, 60_000));
  assert.deepEqual(waits(7), waits(7));
  assert.notDeepEqual(waits(8), waits(7));
  // Spread over the CPEs: a server restart does not bring them back in one burst.
  assert.ok(new Set(waits(7)).size === 20);
  assert.notEqual(loginBackOffMs(7, 0, 2, 1000, 60_000) / 2, loginBackOffMs(7, 0, 1, 1000, 60_000));
});
