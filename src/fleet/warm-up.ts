/**
 * JIT warm-up of a worker thread before power-on. A cold thread (interpreted code, no inline caches, first
 * sockets) spends several times more CPU per session than a warm one, so at power-on a fleet due at a high rate
 * builds a backlog that a nearly busy thread takes seconds to clear: the simulator's own start-up would show as
 * lateness and as ACS latency measured from the due time. So each shard first runs a small throwaway fleet of its
 * own profiles through the very same code (Fleet, VirtualCpe, codec, HTTP client) against a private minimal ACS
 * (src/acs/minimal-acs.ts) on loopback. The ACS under test sees none of it, and none of it reaches the run's metrics.
 */
import { startMinimalAcs, GPV_PATH } from '../acs/minimal-acs.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { FleetGroup, Scenario } from '../scenario/scenario.js';
import type { AcsEndpoint } from '../transport/acs-http-session.js';
import { Fleet } from './fleet.js';
import { mergeWarmUps, type WarmUpReport } from './warm-up-report.js';

/** Per worker thread: about a second of work on a small machine, enough for the optimizing compiler. */
export const DEFAULT_WARM_UP_SESSIONS = 1000;
/** The warm-up never holds the start longer than this, whatever the profiles' quirks (slow answers, endless sessions). */
const WARM_UP_LIMIT_MS = 10_000;
/** Warm-up sessions still running at the limit get this long, then are abandoned. */
const WARM_UP_GRACE_MS = 1_000;
/** Sessions are due one per this many ms: the pace of a busy fleet, not a burst of thousands at once. */
const WARM_UP_SPACING_MS = 1;
const POLL_MS = 20;

/**
 * Runs `sessions` warm-up sessions (GetParameterValues dialogues, which also cover the plain Inform and empty
 * POST path) spread over the scenario's profiles in proportion to their CPEs; resolves when they ended or the
 * limit passed. Throws only if a minimal ACS cannot listen on loopback.
 */
export async function warmUp(
  scenario: Scenario,
  profiles: ReadonlyMap<string, CompiledProfile>,
  sessions: number,
): Promise<WarmUpReport | undefined> {
  // Only the profiles this shard has CPEs of (the shard compiled those).
  const byProfile = warmUpGroups(scenario.fleet.filter((g) => profiles.has(g.profile)), sessions);
  return mergeWarmUps(await Promise.all([...byProfile].map(([name, groups]) => warmUpProfile(scenario, name, profiles.get(name)!, groups))));
}

/** `sessions` split over the fleet's groups by their CPE counts (each group at least one), grouped by profile. */
export function warmUpGroups(fleet: readonly FleetGroup[], sessions: number): Map<string, FleetGroup[]> {
  const total = fleet.reduce((n, g) => n + g.count, 0);
  const byProfile = new Map<string, FleetGroup[]>();
  for (const group of fleet) {
    if (group.count === 0) continue;
    const count = Math.max(1, Math.round((sessions * group.count) / total));
    const list = byProfile.get(group.profile) ?? [];
    list.push({ profile: group.profile, count });
    byProfile.set(group.profile, list);
  }
  return byProfile;
}

async function warmUpProfile(scenario: Scenario, name: string, profile: CompiledProfile, groups: FleetGroup[]): Promise<WarmUpReport> {
  const started = performance.now();
  const acs = await startMinimalAcs(profile);
  try {
    const sessions = groups.reduce((n, g) => n + g.count, 0);
    const endpoint: AcsEndpoint = { url: acs.url + GPV_PATH, requestTimeoutMs: scenario.acs.requestTimeoutMs };
    const metrics = new MetricsRegistry();
    // Only what makes the CPEs inform once: no periodic informs, value changes, CPE actions, state or source addresses.
    const fleet = new Fleet({
      scenario: {
        name: `${scenario.name} warm-up`,
        file: scenario.file,
        durationMs: WARM_UP_LIMIT_MS,
        acs: { url: endpoint.url, username: undefined, password: undefined, insecure: false, ca: undefined, requestTimeoutMs: endpoint.requestTimeoutMs },
        referenceAcs: scenario.referenceAcs,
        fleet: groups,
        schedule: { periodicIntervalS: undefined, jitter: 0, rampMs: sessions * WARM_UP_SPACING_MS },
        seed: scenario.seed,
      },
      shard: { index: 0, count: 1 },
      acs: endpoint,
      profiles: new Map([[name, profile]]),
      metrics,
      // Never contacted: the minimal ACS sends no connection requests.
      connectionRequestUrl: (index) => `http://127.0.0.1:9/warm-up/${index}`,
    });
    fleet.start(performance.now());
    const ended = () => metrics.sessions.completed + metrics.sessions.failed >= sessions;
    let finished = false;
    void fleet.finished.then(() => (finished = true));
    while (!ended() && !finished) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    await fleet.drain(WARM_UP_GRACE_MS);
    const durationS = Math.round(performance.now() - started) / 1000;
    return { sessions, completed: metrics.sessions.completed, failed: metrics.sessions.failed, durationS };
  } finally {
    await acs.close();
  }
}
