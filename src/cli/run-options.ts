import { connectionRequestHostProblem } from '../scenario/load-scenario.js';
import { ConfigError } from '../errors.js';
import { parseDurationMs } from '../config/duration.js';
import type { FleetGroup, Scenario } from '../scenario/scenario.js';
import { expandSourceAddresses, SourceAddressError } from '../scenario/source-addresses.js';
import { parseThresholdFlag } from './threshold-flag.js';

/** `cpesim run` flags that override the scenario. These names are a contract (see README). */
export interface RunFlags {
  acs?: string | undefined;
  cpes?: number | undefined;
  profile?: string | undefined;
  duration?: string | undefined;
  interval?: number | undefined;
  acsUsername?: string | undefined;
  acsPassword?: string | undefined;
  insecure?: boolean | undefined;
  /** PEM text of the --ca file (read by the caller). */
  ca?: string | undefined;
  seed?: number | undefined;
  /** How long running sessions may finish after scheduling stops (`10s`). */
  grace?: string | undefined;
  /** Local source IPs: `127.0.0.2-127.0.0.50`, comma-separated ranges or addresses. */
  sourceIps?: string | undefined;
  /** Address of the CPEs' connection-request listeners (bound and advertised in ConnectionRequestURL). */
  crHost?: string | undefined;
  /** Extra thresholds (`--threshold "session.p99 < 500ms"`, `"PROFILE: EXPR"` scoped to a profile), checked at the end of the run. */
  thresholds?: string[] | undefined;
}

/** Returns the scenario with the flags applied; flag errors name the flag. */
export function applyRunFlags(scenario: Scenario, flags: RunFlags): Scenario {
  const acs = { ...scenario.acs };
  if (flags.acs !== undefined) {
    if (!/^https?:\/\/[^/]/.test(flags.acs)) throw new ConfigError(`"${flags.acs}" is not an http(s) URL`, { field: '--acs' });
    acs.url = flags.acs;
  }
  if (flags.acsUsername !== undefined) acs.username = flags.acsUsername;
  if (flags.acsPassword !== undefined) acs.password = flags.acsPassword;
  if (flags.insecure) acs.insecure = true;
  if (flags.ca !== undefined) acs.ca = flags.ca;
  if (flags.sourceIps !== undefined) {
    try {
      acs.sourceAddresses = expandSourceAddresses(flags.sourceIps.split(','));
    } catch (err) {
      if (err instanceof SourceAddressError) throw new ConfigError(err.message, { field: '--source-ips' });
      throw err;
    }
  }

  let fleet: FleetGroup[] = scenario.fleet;
  if (flags.profile !== undefined) {
    fleet = [{ profile: flags.profile, count: fleet.reduce((n, g) => n + g.count, 0) }];
  }
  if (flags.cpes !== undefined) {
    if (!Number.isInteger(flags.cpes) || flags.cpes < 1) throw new ConfigError(`must be a whole number >= 1, got ${flags.cpes}`, { field: '--cpes' });
    fleet = scaleFleet(fleet, flags.cpes);
  }

  let durationMs = scenario.durationMs;
  if (flags.duration !== undefined) {
    const ms = parseDurationMs(flags.duration);
    if (ms === undefined || ms <= 0) throw new ConfigError(`"${flags.duration}" is not a duration (examples: 90s, 5m)`, { field: '--duration' });
    durationMs = ms;
  }

  let gracePeriodMs = scenario.gracePeriodMs;
  if (flags.grace !== undefined) {
    const ms = parseDurationMs(flags.grace);
    if (ms === undefined) throw new ConfigError(`"${flags.grace}" is not a duration (examples: 0s, 10s, 1m)`, { field: '--grace' });
    gracePeriodMs = ms;
  }

  const schedule = { ...scenario.schedule };
  if (flags.interval !== undefined) {
    if (!(Number.isInteger(flags.interval) && flags.interval >= 1)) {
      throw new ConfigError(`must be a whole number of seconds >= 1, got ${flags.interval}`, { field: '--interval' });
    }
    schedule.periodicIntervalS = flags.interval;
    // The flag is for every CPE: it also beats the groups' own intervals.
    fleet = fleet.map((g) => (g.schedule?.periodicIntervalS === undefined ? g : { ...g, schedule: { ...g.schedule, periodicIntervalS: undefined } }));
  }
  let connectionRequests = scenario.connectionRequests;
  if (flags.crHost !== undefined) {
    // Advertised to the ACS as is: it must be one concrete address of this host, not a wildcard or a name.
    const problem = connectionRequestHostProblem(flags.crHost);
    if (problem) throw new ConfigError(problem, { field: '--cr-host' });
    connectionRequests = { ...connectionRequests, host: flags.crHost };
  }
  const thresholds = [...(scenario.thresholds ?? [])];
  // `--profile` replaces the fleet: a threshold scoped to a profile that no longer runs could never be met.
  const orphan = thresholds.find((t) => t.profile !== undefined && !fleet.some((g) => g.profile === t.profile));
  if (orphan) throw new ConfigError(`the scenario's threshold "${orphan.expr}" is scoped to profile ${orphan.profile}, which --profile replaced`, { field: '--profile' });
  for (const text of flags.thresholds ?? []) thresholds.push(parseThresholdFlag(text, fleet, scenario.file));
  return { ...scenario, acs, fleet, durationMs, schedule, seed: flags.seed ?? scenario.seed, gracePeriodMs, thresholds, connectionRequests };
}

/** Spreads `total` CPEs over the groups in proportion to their counts (largest remainder, every group keeps >= 0). */
function scaleFleet(groups: FleetGroup[], total: number): FleetGroup[] {
  const before = groups.reduce((n, g) => n + g.count, 0);
  const exact = groups.map((g) => (g.count * total) / before);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (missing-- <= 0) break;
    counts[i]!++;
  }
  return groups.map((g, i) => ({ ...g, count: counts[i]! })).filter((g) => g.count > 0);
}
