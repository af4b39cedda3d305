import type { AcsEndpoint } from '../cpe/virtual-cpe.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { loadProfile } from '../datamodel/profile-loader.js';
import { MetricsRegistry, type MetricsSnapshot } from '../metrics/registry.js';
import type { Scenario } from '../scenario/scenario.js';
import { Fleet } from './fleet.js';

/** What a progress listener sees once per interval: plain numbers, read from the metrics, never from the engine. */
export interface ProgressSample {
  elapsedMs: number;
  cpes: number;
  sessions: { started: number; completed: number; failed: number };
  inFlight: number;
  errors: number;
  /** p99 of the session latency so far (ms, from intended start), undefined before the first session. */
  sessionP99Ms: number | undefined;
}

export interface RunFleetOptions {
  acs: AcsEndpoint;
  connectionRequestBaseUrl: string;
  progressIntervalMs?: number;
  onProgress?: (sample: ProgressSample) => void;
  /** Aborting ends the run early (SIGINT): scheduling stops, running sessions finish, results are kept. */
  signal?: AbortSignal;
}

export interface FleetRunResult {
  cpes: number;
  durationMs: number;
  snapshots: MetricsSnapshot[];
  interrupted: boolean;
}

export async function loadScenarioProfiles(scenario: Scenario): Promise<Map<string, CompiledProfile>> {
  const profiles = new Map<string, CompiledProfile>();
  for (const group of scenario.fleet) {
    if (!profiles.has(group.profile)) profiles.set(group.profile, await loadProfile(group.profile));
  }
  return profiles;
}

export async function runFleet(scenario: Scenario, options: RunFleetOptions): Promise<FleetRunResult> {
  const profiles = await loadScenarioProfiles(scenario);
  const metrics = new MetricsRegistry();
  const fleet = new Fleet({ scenario, acs: options.acs, profiles, metrics, connectionRequestBaseUrl: options.connectionRequestBaseUrl });
  const startedAt = performance.now();
  const sample = (): ProgressSample => {
    const errors = Object.values(metrics.errors).reduce((a, b) => a + (b ?? 0), 0);
    const session = metrics.histogram('session');
    return {
      elapsedMs: performance.now() - startedAt,
      cpes: fleet.size,
      sessions: { ...metrics.sessions },
      inFlight: fleet.sessionsInFlight,
      errors,
      sessionP99Ms: session && session.totalCount > 0 ? session.getValueAtPercentile(99) / 1000 : undefined,
    };
  };
  const progress = options.onProgress
    ? setInterval(() => options.onProgress!(sample()), options.progressIntervalMs ?? 1000)
    : undefined;

  fleet.start();
  const interrupted = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), scenario.durationMs);
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    }, { once: true });
  });
  await fleet.stop();
  if (progress) clearInterval(progress);
  options.onProgress?.(sample());
  return { cpes: fleet.size, durationMs: performance.now() - startedAt, snapshots: [metrics.snapshot()], interrupted };
}
