/**
 * The scenario's `referenceAcs.connectionRequests` and `referenceAcs.xmpp`: the connection requests the built-in
 * reference ACS sends while the fleet runs (src/acs/connection-request-driver.ts).
 *
 *   referenceAcs:
 *     connectionRequests:
 *       rate: 2/s                # requests per second (N, N/s, N/m, N/h), on schedule
 *       transport: http          # http | udp | xmpp, or weights: { http: 3, udp: 1 }
 *       select: roundRobin       # or random (seeded with `seed`, default the scenario's)
 *       startAfter: 5s           # after the ACS starts (default 5s: the fleet bootstraps first)
 *       maxInFlight: 100         # requests due beyond this many unfinished are skipped (counted)
 *       timeout: 10s             # per HTTP request / XMPP answer
 *     xmpp: { username: acs, password: secret }   # the ACS's account on connectionRequests.xmpp's server
 */
import {
  ConnectionRequestSettingError,
  resolveDriverSettings,
  type ConnectionRequestDriverSettings,
  type DeviceSelection,
  type DriverSettingsInput,
} from '../acs/connection-request-settings.js';
import type { ConnectionRequestSettings } from './scenario.js';

/** As written in the YAML. */
export interface ReferenceAcsConnectionRequestsDocument {
  rate: string | number;
  transport?: string | Partial<Record<string, number>>;
  select?: DeviceSelection;
  startAfter?: string | number;
  maxInFlight?: number;
  timeout?: string | number;
  seed?: number;
}

export interface ReferenceAcsXmppDocument {
  username: string;
  password: string;
  resource?: string;
}

/** The reference ACS's own XMPP account (server and domain: the scenario's connectionRequests.xmpp). */
export interface ReferenceAcsXmppAccount {
  username: string;
  password: string;
  resource?: string | undefined;
}

const durationSchema = { type: ['string', 'number'] } as const;
const weightSchema = { type: 'number', minimum: 0 } as const;

export const referenceAcsConnectionRequestsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rate'],
  properties: {
    rate: { type: ['string', 'number'] },
    transport: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', additionalProperties: false, minProperties: 1, properties: { http: weightSchema, udp: weightSchema, xmpp: weightSchema } },
      ],
    },
    select: { enum: ['roundRobin', 'random'] },
    startAfter: durationSchema,
    maxInFlight: { type: 'integer', minimum: 1 },
    timeout: durationSchema,
    seed: { type: 'integer' },
  },
} as const;

export const referenceAcsXmppSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1 }, password: { type: 'string' }, resource: { type: 'string', minLength: 1 } },
} as const;

/** The default start delay: the fleet's first sessions (bootstrap, provisioning) come first. */
export const DEFAULT_CR_START_AFTER_MS = 5000;

type Fail = (message: string, path: (string | number)[]) => Error;
type Duration = (value: string | number | undefined, fallbackMs: number, path: (string | number)[]) => number;

/**
 * Units, defaults and the checks that need the rest of the scenario: each transport must exist on the CPE side
 * (`connectionRequests.udp` / `.xmpp`), XMPP needs the ACS's account, and the ACS must provision (its requests use
 * the credentials it sets).
 */
export function resolveReferenceAcsConnectionRequests(
  d: ReferenceAcsConnectionRequestsDocument | undefined,
  context: { provision: boolean; seed: number; cpeSide: ConnectionRequestSettings | undefined; acsXmpp: ReferenceAcsXmppAccount | undefined },
  fail: Fail,
  duration: Duration,
): ConnectionRequestDriverSettings | undefined {
  if (d === undefined) return undefined;
  const at = ['referenceAcs', 'connectionRequests'];
  /** The YAML field of each setting. */
  const FIELD: Record<keyof DriverSettingsInput, string> = {
    rate: 'rate',
    transport: 'transport',
    select: 'select',
    startAfterMs: 'startAfter',
    maxInFlight: 'maxInFlight',
    timeoutMs: 'timeout',
    seed: 'seed',
  };
  let settings: ConnectionRequestDriverSettings;
  try {
    settings = resolveDriverSettings(
      {
        ...d,
        startAfterMs: d.startAfter === undefined ? undefined : duration(d.startAfter, 0, [...at, 'startAfter']),
        timeoutMs: d.timeout === undefined ? undefined : duration(d.timeout, 0, [...at, 'timeout']),
      },
      { startAfterMs: DEFAULT_CR_START_AFTER_MS, seed: context.seed },
    );
  } catch (err) {
    if (err instanceof ConnectionRequestSettingError) throw fail(err.message, err.setting ? [...at, FIELD[err.setting]] : at);
    throw err;
  }
  const { transports } = settings;
  if (!context.provision) throw fail('needs referenceAcs.provision: true (the requests carry the credentials the ACS sets)', at);
  if (transports.udp && !context.cpeSide?.udp?.enabled) {
    throw fail('transport udp needs connectionRequests.udp (the CPEs\' UDP connection-request socket)', [...at, 'transport']);
  }
  if (transports.xmpp && !context.cpeSide?.xmpp) throw fail('transport xmpp needs connectionRequests.xmpp (the CPEs\' XMPP server)', [...at, 'transport']);
  if (transports.xmpp && !context.acsXmpp) throw fail('transport xmpp needs referenceAcs.xmpp (the ACS\'s own account on that server)', [...at, 'transport']);
  return settings;
}
