/**
 * What the reference ACS's connection-request driver (connection-request-driver.ts) is told to do, and the parsing
 * of the two text forms users write it in (scenario `referenceAcs.connectionRequests`, `cpesim acs --cr-*` flags),
 * shared so both accept exactly the same input.
 */
import type { ConnectionRequestTransport } from '../metrics/counters.js';

export type { ConnectionRequestTransport } from '../metrics/counters.js';

export const CONNECTION_REQUEST_TRANSPORTS: readonly ConnectionRequestTransport[] = ['http', 'udp', 'xmpp'];

/** How the next device is chosen among those the transport can reach. */
export type DeviceSelection = 'roundRobin' | 'random';

export interface ConnectionRequestDriverSettings {
  /** Requests per second, sent on schedule (an open model) from `startAfterMs` on. */
  ratePerS: number;
  /** Relative weights of the transports (each request picks one); absent or 0: not used. */
  transports: Partial<Record<ConnectionRequestTransport, number>>;
  select: DeviceSelection;
  /** Delay after the ACS starts before the first request (the fleet needs time to bootstrap). */
  startAfterMs: number;
  /** A request due while this many are unfinished is skipped (counted), not queued: queueing would close the model. */
  maxInFlight: number;
  /** Seed of the random choices (transport mix, random selection). */
  seed: number;
  /** Per HTTP request and XMPP answer. */
  timeoutMs: number;
}

export const DEFAULT_CR_MAX_IN_FLIGHT = 100;
export const DEFAULT_CR_TIMEOUT_MS = 10_000;

/** A setting that cannot be used; the caller turns it into a ConfigError naming the file/line/field or the flag. */
export class ConnectionRequestSettingError extends Error {
  constructor(
    message: string,
    /** The setting at fault (a key of DriverSettingsInput), when the caller did not know it already. */
    readonly setting?: keyof DriverSettingsInput,
  ) {
    super(message);
  }
}

/** The settings as the user wrote them (durations already in ms): the scenario and the CLI both resolve through here. */
export interface DriverSettingsInput {
  rate: string | number;
  transport?: string | Partial<Record<string, number>> | undefined;
  select?: DeviceSelection | undefined;
  startAfterMs?: number | undefined;
  maxInFlight?: number | undefined;
  timeoutMs?: number | undefined;
  seed?: number | undefined;
}

/** Parses and checks `input`, filling in the defaults; a ConnectionRequestSettingError names the setting at fault. */
export function resolveDriverSettings(input: DriverSettingsInput, defaults: { startAfterMs: number; seed: number }): ConnectionRequestDriverSettings {
  const check = <T>(setting: keyof DriverSettingsInput, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof ConnectionRequestSettingError) throw new ConnectionRequestSettingError(err.message, setting);
      throw err;
    }
  };
  const maxInFlight = input.maxInFlight ?? DEFAULT_CR_MAX_IN_FLIGHT;
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) throw new ConnectionRequestSettingError(`must be a whole number >= 1, got ${maxInFlight}`, 'maxInFlight');
  const timeoutMs = input.timeoutMs ?? DEFAULT_CR_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ConnectionRequestSettingError('must be more than 0', 'timeoutMs');
  if (input.seed !== undefined && !Number.isInteger(input.seed)) throw new ConnectionRequestSettingError(`must be a whole number, got ${input.seed}`, 'seed');
  return {
    ratePerS: check('rate', () => parseRatePerS(input.rate)),
    transports: check('transport', () => parseTransports(input.transport ?? 'http')),
    select: input.select ?? 'roundRobin',
    startAfterMs: input.startAfterMs ?? defaults.startAfterMs,
    maxInFlight,
    seed: input.seed ?? defaults.seed,
    timeoutMs,
  };
}

/** `2`, `2/s`, `0.5/s`, `30/m`, `3600/h` → requests per second (> 0). */
export function parseRatePerS(input: string | number): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input > 0) return input;
    throw new ConnectionRequestSettingError(`must be a rate > 0 (examples: 2/s, 30/m), got ${input}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(input);
  const perUnit = m ? Number(m[1]) : NaN;
  if (!m || !(perUnit > 0)) throw new ConnectionRequestSettingError(`"${input}" is not a rate > 0 (examples: 2/s, 30/m, 0.5)`);
  return perUnit / { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

/**
 * `http`, `udp`, `xmpp`, a mix `http:3,udp:1` (weights), or the same as a map `{ http: 3, udp: 1 }` (scenario YAML).
 */
export function parseTransports(input: string | Partial<Record<string, number>>): Partial<Record<ConnectionRequestTransport, number>> {
  const entries: [string, number][] =
    typeof input === 'string'
      ? input.split(',').map((part) => {
          const [name = '', weight] = part.split(':').map((s) => s.trim());
          return [name, weight === undefined ? 1 : Number(weight)];
        })
      : Object.entries(input).map(([name, weight]) => [name, weight ?? 0]);
  const out: Partial<Record<ConnectionRequestTransport, number>> = {};
  for (const [name, weight] of entries) {
    if (!(CONNECTION_REQUEST_TRANSPORTS as readonly string[]).includes(name)) {
      throw new ConnectionRequestSettingError(`unknown transport "${name}" (use ${CONNECTION_REQUEST_TRANSPORTS.join(', ')}, or a mix like http:3,udp:1)`);
    }
    if (!(Number.isFinite(weight) && weight >= 0)) throw new ConnectionRequestSettingError(`the weight of ${name} must be a number >= 0, got ${weight}`);
    if (weight > 0) out[name as ConnectionRequestTransport] = weight;
  }
  if (Object.keys(out).length === 0) throw new ConnectionRequestSettingError('name at least one transport with a weight > 0');
  return out;
}

/** The transports a mix actually uses. */
export function usedTransports(settings: Pick<ConnectionRequestDriverSettings, 'transports'>): ConnectionRequestTransport[] {
  return CONNECTION_REQUEST_TRANSPORTS.filter((t) => (settings.transports[t] ?? 0) > 0);
}
