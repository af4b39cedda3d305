import type { CompiledProfile } from '../datamodel/compiled-profile.js';
import { loadProfile } from '../datamodel/profile-loader.js';
import type { Scenario } from '../scenario/scenario.js';

/** Compiles each profile the scenario names once (per thread: the loader caches by file). */
export async function loadScenarioProfiles(scenario: Scenario): Promise<Map<string, CompiledProfile>> {
  const profiles = new Map<string, CompiledProfile>();
  for (const group of scenario.fleet) {
    if (!profiles.has(group.profile)) profiles.set(group.profile, await loadProfile(group.profile));
  }
  return profiles;
}
