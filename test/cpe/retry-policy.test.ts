import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryWaitMs } from '../../src/cpe/retry-policy.js';

const LOW = 0;
const HIGH = 1 - Number.EPSILON;

describe('retryWaitMs (TR-069 §3.2.1.1)', () => {
  it('defaults m=5, k=2000: the table of cwmp-facts.md for n = 1..12', () => {
    const table: [number, number][] = [[5, 10], [10, 20], [20, 40], [40, 80], [80, 160], [160, 320], [320, 640], [640, 1280], [1280, 2560], [2560, 5120], [2560, 5120], [2560, 5120]];
    table.forEach(([lo, hi], i) => {
      const n = i + 1;
      assert.equal(retryWaitMs(n, LOW), lo * 1000, `n=${n} low`);
      assert.ok(Math.abs(retryWaitMs(n, HIGH) - hi * 1000) < 1e-6, `n=${n} high`);
      const mid = retryWaitMs(n, 0.5);
      assert.equal(mid, ((lo + hi) / 2) * 1000, `n=${n} is uniform between the bounds`);
    });
  });

  it('custom m and k', () => {
    // m=10, k=1500: [10·1.5^(n-1), 10·1.5^n]
    for (let n = 1; n <= 12; n++) {
      const e = Math.min(n, 10);
      assert.ok(Math.abs(retryWaitMs(n, LOW, 10, 1500) - 10 * 1.5 ** (e - 1) * 1000) < 1e-6, `n=${n} low`);
      assert.ok(Math.abs(retryWaitMs(n, HIGH, 10, 1500) - 10 * 1.5 ** e * 1000) < 1e-3, `n=${n} high`);
    }
    // k=1000: no growth, always exactly m
    assert.equal(retryWaitMs(7, 0.3, 30, 1000), 30_000);
  });

  it('random values always fall inside the bounds', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 48271) % 0x7fffffff) / 0x7fffffff);
    for (let n = 1; n <= 12; n++) {
      for (let i = 0; i < 50; i++) {
        const w = retryWaitMs(n, rnd());
        const e = Math.min(n, 10);
        assert.ok(w >= 5 * 2 ** (e - 1) * 1000 && w <= 5 * 2 ** e * 1000, `n=${n}: ${w}`);
      }
    }
  });

  it('no failure, no wait', () => {
    assert.equal(retryWaitMs(0, HIGH), 0);
  });
});
