import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { loadProfile } from '../datamodel/profile-loader.js';
import type { Scenario } from '../scenario/scenario.js';
import type { ShardSelector } from './protocol.js';

/**
 * Compiles each profile the scenario names once (per thread: the loader caches by file). Given a shard, only
 * the profiles of groups with at least one CPE on that shard (a CPE's global index i is on shard i % count).
 */
export async function loadScenarioProfiles(scenario: Scenario, shard?: ShardSelector): Promise<Map<string, CompiledProfile>> {
  const profiles = new Map<string, CompiledProfile>();
  let first = 0;
  for (const group of scenario.fleet) {
    const needed = shard === undefined || groupHasShardCpe(first, group.count, shard);
    first += group.count;
    if (needed && !profiles.has(group.profile)) profiles.set(group.profile, await loadProfile(group.profile));
  }
  return profiles;
}

/** Whether some global index in [first, first + count) falls on the shard. */
function groupHasShardCpe(first: number, count: number, shard: ShardSelector): boolean {
  const firstOnShard = first + ((((shard.index - first) % shard.count) + shard.count) % shard.count);
  return firstOnShard < first + count;
}
