/** The plain UI's lines about the start: the progress line before power-on and the warm-up line of the summary table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProgressSample } from '../../src/fleet/run-fleet.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { formatProgressLine, formatSummaryTable } from '../../src/report/plain-text.js';
import { buildSummary } from '../../src/report/summary.js';

function sample(startedAtEpochMs: number | undefined): ProgressSample {
  const metrics = mergeSnapshots([new MetricsRegistry().snapshot()]);
  return {
    elapsedMs: 0,
    cpes: 40,
    sessions: metrics.sessions,
    inFlight: 0,
    errors: 0,
    sessionP99Ms: undefined,
    cpeStates: metrics.cpes,
    metrics,
    startedAtEpochMs,
  };
}

test('before power-on the progress line says the fleet is not running yet; after it, the counts', () => {
  assert.match(formatProgressLine(sample(undefined)), /^\[start\] cpes=40: not powered on yet \(building the CPEs, warming up/);
  assert.match(formatProgressLine(sample(Date.now())), /^\[ {3}0s\] cpes=40 .*sessions started=0/);
});

test('the summary table reports the warm-up when one ran, and its failures', () => {
  const summary = buildSummary({ scenario: 't', startedAt: new Date(0), acsUrl: 'http://127.0.0.1:1/', cpes: 2, durationMs: 1000, metrics: mergeSnapshots([new MetricsRegistry().snapshot()]) });
  assert.doesNotMatch(formatSummaryTable(summary, 'x/summary.json'), /warm-up/);
  const table = formatSummaryTable({ ...summary, warmUp: { sessions: 2000, completed: 1990, failed: 10, durationS: 1.2 } }, 'x/summary.json');
  assert.match(table, /warm-up before power-on \(private loopback ACS, not measured\): 2000 sessions in 1\.2s, 10 failed/);
});
