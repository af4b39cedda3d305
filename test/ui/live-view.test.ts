import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { LATENESS_WARNING_MS } from '../../src/metrics/bottleneck.js';
import { BOTTLENECK_WINDOW, LiveView } from '../../src/ui/live-view.js';
import { percentileCurve, percentileX } from '../../src/ui/percentile-scale.js';
import { completeSessions, sampleOf } from './samples.js';

test('LiveView: sessions/s and p99 per second come from the interval, not from the cumulative totals', () => {
  const registry = new MetricsRegistry();
  const live = new LiveView();
  completeSessions(registry, 10, 100);
  let state = live.update(sampleOf(registry, 1000));
  assert.equal(state.sessionsPerSecond, 10);
  completeSessions(registry, 40, 5);
  state = live.update(sampleOf(registry, 3000));
  // 40 sessions in the 2 s since the last sample.
  assert.equal(state.sessionsPerSecond, 20);
  const p99 = live.p99OverTime('session');
  assert.equal(p99.length, 2);
  assert.ok(Math.abs(p99[0]! - 100) < 0.2, String(p99[0]));
  // The second interval held only the 5 ms sessions; the cumulative p99 still remembers the 100 ms ones.
  assert.ok(Math.abs(p99[1]! - 5) < 0.01, String(p99[1]));
  assert.ok(state.latency.find((r) => r.name === 'session')!.p99 > 99);
  // An interval without sessions is a gap, not a zero latency.
  live.update(sampleOf(registry, 4000));
  assert.equal(live.p99OverTime('session')[2], undefined);
  assert.equal(live.sessionsPerSecond.at(-1), 0);
});

test('LiveView: latency rows are phases in session order, then RPCs, then the simulator lateness', () => {
  const registry = new MetricsRegistry();
  registry.latency('connect', 1, 1);
  completeSessions(registry, 1, 10);
  const state = new LiveView().update(sampleOf(registry, 1000));
  assert.deepEqual(
    state.latency.map((r) => `${r.group}:${r.name}`),
    ['phase:connect', 'phase:inform', 'phase:session', 'rpc:rpc.GetParameterValues', 'simulator:lateness'],
  );
});

test('LiveView: errors largest first; the bottleneck warning follows the last interval\'s lateness', () => {
  const registry = new MetricsRegistry();
  const live = new LiveView();
  registry.sessionStarted();
  registry.sessionFailed('timeout', 'no answer in 30 s');
  registry.error('protocol', 'bad xml');
  registry.error('protocol', 'bad xml again');
  completeSessions(registry, 10, 10, LATENESS_WARNING_MS * 4);
  let state = live.update(sampleOf(registry, 1000));
  assert.deepEqual(state.errors.map(([k]) => k), ['protocol', 'timeout']);
  assert.ok(state.simulatorBottleneck && state.simulatorBottleneck.lateMs >= LATENESS_WARNING_MS * 3.9, JSON.stringify(state.simulatorBottleneck));
  // The simulator caught up: the warning goes although the run's cumulative p99 is still high.
  completeSessions(registry, 1000, 10, 1);
  state = live.update(sampleOf(registry, 2000));
  assert.equal(state.simulatorBottleneck, undefined);
});

test('LiveView: the banner judges the latest seconds that hold enough samples: one stalled session raises nothing, a late median or p99 does', () => {
  const registry = new MetricsRegistry();
  const live = new LiveView();
  // A quickstart-sized second: a handful of sessions, one caught by a GC pause. Its p99 is that session.
  completeSessions(registry, 19, 10, 1);
  completeSessions(registry, 1, 10, LATENESS_WARNING_MS * 20);
  assert.equal(live.update(sampleOf(registry, 1000)).simulatorBottleneck, undefined);
  // The next second all 30 late: over both seconds (50 sessions) the median is late.
  completeSessions(registry, 30, 10, LATENESS_WARNING_MS * 2);
  let late = live.update(sampleOf(registry, 2000)).simulatorBottleneck;
  assert.deepEqual([late?.statistic, late?.count, late?.seconds], ['p50', 50, 2]);
  // 1,000 sessions in one second, 2 % of them late: that second alone is enough for a p99, and it is late.
  completeSessions(registry, 980, 10, 1);
  completeSessions(registry, 20, 10, LATENESS_WARNING_MS * 2);
  late = live.update(sampleOf(registry, 3000)).simulatorBottleneck;
  assert.deepEqual([late?.statistic, late?.count, late?.seconds], ['p99', 1000, 1]);
  // Caught up: 1,000 on time clear it at once.
  completeSessions(registry, 1000, 10, 1);
  assert.equal(live.update(sampleOf(registry, 4000)).simulatorBottleneck, undefined);
  // A slow trickle of late sessions: judged over at most BOTTLENECK_WINDOW seconds.
  for (let second = 5; second <= 5 + BOTTLENECK_WINDOW; second++) {
    completeSessions(registry, 2, 10, LATENESS_WARNING_MS * 2);
    late = live.update(sampleOf(registry, second * 1000)).simulatorBottleneck;
  }
  assert.deepEqual([late?.statistic, late?.count, late?.seconds], ['p50', 2 * BOTTLENECK_WINDOW, BOTTLENECK_WINDOW]);
});

test('percentile scale: 90/99/99.9 % are evenly spaced and the curve climbs to the tail', () => {
  assert.equal(percentileX(0), 0);
  assert.ok(Math.abs(percentileX(90) - 1) < 1e-9 && Math.abs(percentileX(99.9) - 3) < 1e-9);
  const registry = new MetricsRegistry();
  for (let ms = 1; ms <= 1000; ms++) registry.latency('session', ms, ms);
  const curve = percentileCurve(registry.histogram('session')!, 5);
  assert.deepEqual(curve.map((p) => Number(p.percentile.toFixed(2))), [0, 90, 99, 99.9, 99.99]);
  assert.ok(Math.abs(curve[1]!.ms - 900) < 1 && Math.abs(curve[3]!.ms - 999) < 1.5, JSON.stringify(curve));
});
