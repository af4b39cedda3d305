/**
 * `--threshold` values: an expression (`session.p99 < 500ms`), or one scoped to a fleet profile with the profile
 * first and a colon (`tr181: session.p99 < 500ms`). The colon cannot be part of an expression (scenario/threshold.ts:
 * METRIC[.AGGREGATION] COMPARATOR VALUE[UNIT] has none), so the last one separates the two and a profile name or
 * path may hold colons of its own.
 */
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import { groupProfileKey } from '../scenario/load-scenario.js';
import type { FleetGroup } from '../scenario/scenario.js';
import { parseThreshold, ThresholdSyntaxError, type Threshold } from '../scenario/threshold.js';

const FLAG = '--threshold';

/**
 * Parses one `--threshold` value against the fleet that will run (after `--profile`). A profile is one of the
 * fleet's profiles as they run (a name, or the path the fleet uses); a relative path may also be written as in
 * the scenario (resolved against its folder). Errors are ConfigErrors naming the flag (exit 2).
 */
export function parseThresholdFlag(text: string, fleet: readonly FleetGroup[], scenarioFile: string | undefined): Threshold {
  const colon = text.lastIndexOf(':');
  const expr = colon < 0 ? text : text.slice(colon + 1);
  const profile = colon < 0 ? undefined : flagProfile(text.slice(0, colon).trim(), text, fleet, scenarioFile);
  try {
    return parseThreshold(expr, { profile });
  } catch (err) {
    if (err instanceof ThresholdSyntaxError) throw new ConfigError(err.message, { field: FLAG });
    throw err;
  }
}

function flagProfile(name: string, text: string, fleet: readonly FleetGroup[], scenarioFile: string | undefined): string {
  const profiles = [...new Set(fleet.map((g) => g.profile))];
  if (name === '') throw new ConfigError(`"${text}": no profile before the colon (write PROFILE: EXPR, e.g. "tr181: session.p99 < 500ms")`, { field: FLAG });
  if (profiles.includes(name)) return name;
  const key = groupProfileKey(name, scenarioFile === undefined ? process.cwd() : dirname(scenarioFile));
  if (profiles.includes(key)) return key;
  throw new ConfigError(`"${text}": unknown profile "${name}": not in the fleet (${profiles.join(', ')})`, { field: FLAG });
}
