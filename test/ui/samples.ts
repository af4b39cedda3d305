/** Progress samples built the way run-fleet builds them (a registry's snapshot, merged), for the UI's tests. */
import type { ProgressSample } from '../../src/fleet/run-fleet.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';

export function sampleOf(registry: MetricsRegistry, elapsedMs: number, extra: Partial<ProgressSample> = {}): ProgressSample {
  const metrics = mergeSnapshots([registry.snapshot()]);
  return {
    elapsedMs,
    cpes: 10,
    sessions: { ...metrics.sessions },
    inFlight: metrics.sessionsInFlight,
    errors: Object.values(metrics.errors).reduce((a, b) => a + (b ?? 0), 0),
    sessionP99Ms: undefined,
    paused: false,
    cpeStates: metrics.cpes,
    metrics,
    startedAtEpochMs: 0,
    ...extra,
  };
}

/** Records `n` completed sessions of `sessionMs` each (and their lateness) into the registry. */
export function completeSessions(registry: MetricsRegistry, n: number, sessionMs: number, latenessMs = 1): void {
  for (let i = 0; i < n; i++) {
    registry.sessionStarted();
    registry.latency('lateness', latenessMs, latenessMs);
    registry.latency('inform', sessionMs / 2, sessionMs / 2);
    registry.latency('rpc.GetParameterValues', 1, 1);
    registry.latency('session', sessionMs, sessionMs);
    registry.sessionCompleted();
  }
}
