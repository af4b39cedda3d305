import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ajv, YamlFile } from '../config/yaml-file.js';
import { autonomousDuChangesSchema, resolveAutonomousDuChanges, type AutonomousDuChangeDocument } from './autonomous-du.js';
import { parseDurationMs } from '../config/duration.js';
import { parseHostPort } from '../config/host-port.js';
import { compileTemplate, TemplateError } from '../datamodel/template.js';
import {
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_VALUE_CHANGE_SETTINGS,
  type ConnectionRequestSettings,
  type FleetGroup,
  type ScheduleSettings,
  type Scenario,
  type XmppSettings,
} from './scenario.js';
import { expandSourceAddresses, SourceAddressError } from './source-addresses.js';
import {
  autonomousTransfersSchema,
  cpeBehaviourSchema,
  requestDownloadsSchema,
  resolveAutonomousTransfers,
  resolveCpeBehaviour,
  resolveRequestDownloads,
  type AutonomousTransferDocument,
  type CpeBehaviourDocument,
  type RequestDownloadDocument,
} from './cpe-behaviour.js';
import { parseThreshold, ThresholdSyntaxError, type Threshold } from './threshold.js';
import { resolveUdpSettings, udpSettingsSchema, type UdpSettingsDocument } from './udp-settings.js';
import {
  referenceAcsConnectionRequestsSchema,
  referenceAcsXmppSchema,
  resolveReferenceAcsConnectionRequests,
  type ReferenceAcsConnectionRequestsDocument,
  type ReferenceAcsXmppDocument,
} from './reference-acs-settings.js';

/** The scenario file as written (before defaults and unit conversion). */
interface ScenarioDocument {
  name?: string;
  duration?: string | number;
  seed?: number;
  gracePeriod?: string | number;
  warmUp?: number;
  /** State file (`--state`), relative to the scenario file. */
  state?: string;
  connectionRequests?: { host?: string; auth?: 'digest' | 'basic'; delay?: string | number; rateLimit?: { max: number; window: string | number }; udp?: UdpSettingsDocument; xmpp?: XmppDocument };
  valueChanges?: { rateScale?: number; notifyDelay?: string | number };
  acs?: {
    url?: string;
    username?: string;
    password?: string;
    insecure?: boolean;
    ca?: string;
    timeout?: string | number;
    sourceAddresses?: string[];
  };
  referenceAcs?: { provision?: boolean; maxConcurrentSessions?: number; connectionRequests?: ReferenceAcsConnectionRequestsDocument; xmpp?: ReferenceAcsXmppDocument };
  fleet?: { profile: string; count: number; schedule?: ScheduleDocument; cpe?: CpeBehaviourDocument }[];
  schedule?: ScheduleDocument;
  thresholds?: (string | { expr: string; abortOnFail?: boolean; delay?: string | number; profile?: string })[];
  cpe?: CpeBehaviourDocument;
  autonomousTransfers?: AutonomousTransferDocument[];
  requestDownloads?: RequestDownloadDocument[];
  autonomousDuChanges?: AutonomousDuChangeDocument[];
}

interface XmppDocument {
  server: string;
  domain: string;
  username?: string;
  password?: string;
  resource?: string;
  concurrency?: number;
  loginTimeout?: string | number;
}

interface ScheduleDocument {
  periodicInterval?: string | number;
  jitter?: number;
  ramp?: string | number;
  rampRate?: number;
  periodicInformTime?: string;
  bootStorm?: { at: string | number; window: string | number };
}

const durationSchema = { type: ['string', 'number'] } as const;

/** The same fields at the top level and in a fleet group (where they override the top level). */
const scheduleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    periodicInterval: durationSchema,
    jitter: { type: 'number', minimum: 0, maximum: 1 },
    ramp: durationSchema,
    rampRate: { type: 'number', exclusiveMinimum: 0 },
    periodicInformTime: { type: 'string' },
    bootStorm: {
      type: 'object',
      additionalProperties: false,
      required: ['at', 'window'],
      properties: { at: durationSchema, window: durationSchema },
    },
  },
} as const;

/** xsd:dateTime as TR-069 uses it (time zone optional); the Unknown Time 0001-01-01T00:00:00Z is one too. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

const validateScenario = ajv.compile<ScenarioDocument>({
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    duration: durationSchema,
    seed: { type: 'integer' },
    gracePeriod: durationSchema,
    warmUp: { type: 'integer', minimum: 0 },
    state: { type: 'string', minLength: 1 },
    connectionRequests: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        auth: { enum: ['digest', 'basic'] },
        delay: durationSchema,
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          required: ['max', 'window'],
          properties: { max: { type: 'integer', minimum: 1 }, window: durationSchema },
        },
        udp: udpSettingsSchema,
        xmpp: {
          type: 'object',
          additionalProperties: false,
          required: ['server', 'domain'],
          properties: {
            server: { type: 'string', minLength: 1 },
            domain: { type: 'string', minLength: 1, pattern: '^[^@/\\s]+$' },
            username: { type: 'string', minLength: 1 },
            password: { type: 'string' },
            resource: { type: 'string', minLength: 1 },
            concurrency: { type: 'integer', minimum: 1 },
            loginTimeout: durationSchema,
          },
        },
      },
    },
    valueChanges: {
      type: 'object',
      additionalProperties: false,
      properties: { rateScale: { type: 'number', minimum: 0 }, notifyDelay: durationSchema },
    },
    acs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        username: { type: 'string' },
        password: { type: 'string' },
        insecure: { type: 'boolean' },
        ca: { type: 'string' },
        timeout: durationSchema,
        sourceAddresses: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      },
    },
    referenceAcs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        provision: { type: 'boolean' },
        maxConcurrentSessions: { type: 'integer', minimum: 1 },
        connectionRequests: referenceAcsConnectionRequestsSchema,
        xmpp: referenceAcsXmppSchema,
      },
    },
    fleet: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['profile', 'count'],
        properties: { profile: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 1 }, schedule: scheduleSchema, cpe: cpeBehaviourSchema },
      },
    },
    schedule: scheduleSchema,
    cpe: cpeBehaviourSchema,
    autonomousTransfers: autonomousTransfersSchema,
    requestDownloads: requestDownloadsSchema,
    autonomousDuChanges: autonomousDuChangesSchema,
    thresholds: {
      type: 'array',
      items: {
        anyOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['expr'],
            properties: { expr: { type: 'string', minLength: 1 }, abortOnFail: { type: 'boolean' }, delay: durationSchema, profile: { type: 'string', minLength: 1 } },
          },
        ],
      },
    },
  },
});

export const DEFAULT_SCENARIO_DOCUMENT: ScenarioDocument = {
  name: 'cli',
  duration: '60s',
  fleet: [{ profile: 'tr098', count: 10 }],
};

/** Reads and validates a scenario file; every error names the file, line and field. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const yaml = await YamlFile.read(file);
  const doc = yaml.validate(validateScenario);
  return resolveScenario(doc, yaml);
}

/** The scenario used when `cpesim run` gets no file: flags fill it in. */
export function defaultScenario(): Promise<Scenario> {
  return resolveScenario(DEFAULT_SCENARIO_DOCUMENT, undefined);
}

async function resolveScenario(doc: ScenarioDocument, yaml: YamlFile | undefined): Promise<Scenario> {
  const fail = (message: string, path: (string | number)[]) =>
    yaml ? yaml.error(message, path) : new Error(`built-in scenario: ${message}`);
  const duration = (value: string | number | undefined, fallbackMs: number, path: (string | number)[]) => {
    if (value === undefined) return fallbackMs;
    const ms = parseDurationMs(value);
    if (ms === undefined) throw fail(`"${value}" is not a duration (examples: 500ms, 90s, 5m, 1h)`, path);
    return ms;
  };
  const baseDir = yaml ? dirname(yaml.file) : process.cwd();
  let ca: string | undefined;
  if (doc.acs?.ca !== undefined) {
    const caFile = isAbsolute(doc.acs.ca) ? doc.acs.ca : resolve(baseDir, doc.acs.ca);
    ca = await readFile(caFile, 'utf8').catch(() => {
      throw fail(`cannot read CA file ${caFile}`, ['acs', 'ca']);
    });
  }
  const connectionRequestSettings = (d: ScenarioDocument['connectionRequests']): ConnectionRequestSettings | undefined => {
    if (d === undefined) return undefined;
    const hostProblem = d.host === undefined ? undefined : connectionRequestHostProblem(d.host);
    if (hostProblem) throw fail(hostProblem, ['connectionRequests', 'host']);
    const delayMs = d.delay === undefined ? undefined : duration(d.delay, 0, ['connectionRequests', 'delay']);
    if (delayMs !== undefined && delayMs > MAX_CONNECTION_REQUEST_DELAY_MS) {
      throw fail('must be at most 30s (TR-069 §3.2.2: the session follows within 30 seconds)', ['connectionRequests', 'delay']);
    }
    const windowMs = d.rateLimit === undefined ? undefined : duration(d.rateLimit.window, 0, ['connectionRequests', 'rateLimit', 'window']);
    if (windowMs !== undefined && windowMs <= 0) throw fail('must be longer than 0s', ['connectionRequests', 'rateLimit', 'window']);
    return {
      host: d.host,
      auth: d.auth,
      delayMs,
      ...(d.rateLimit !== undefined && windowMs !== undefined ? { rateLimit: { maxPerWindow: d.rateLimit.max, windowMs } } : {}),
      ...(d.udp !== undefined ? { udp: resolveUdpSettings(d.udp, fail, duration) } : {}),
      ...(d.xmpp !== undefined ? { xmpp: xmppSettings(d.xmpp) } : {}),
    };
  };
  const xmppSettings = (d: XmppDocument): XmppSettings => {
    const at = ['connectionRequests', 'xmpp'];
    const server = parseHostPort(d.server, DEFAULT_XMPP_PORT);
    if (server === undefined) throw fail(`"${d.server}" is not host:port (examples: 127.0.0.1:5222, xmpp.example.net, [::1]:5222)`, [...at, 'server']);
    const template = (field: 'username' | 'password' | 'resource', fallback: string): string => {
      const text = d[field] ?? fallback;
      try {
        compileTemplate(text, { tableDepth: 0 });
      } catch (err) {
        if (err instanceof TemplateError) throw fail(err.message, [...at, field]);
        throw err;
      }
      return text;
    };
    return {
      ...server,
      domain: d.domain,
      username: template('username', DEFAULT_XMPP_USERNAME),
      password: template('password', DEFAULT_XMPP_PASSWORD),
      resource: template('resource', DEFAULT_XMPP_RESOURCE),
      concurrency: d.concurrency ?? DEFAULT_XMPP_CONCURRENCY,
      loginTimeoutMs: duration(d.loginTimeout, DEFAULT_XMPP_LOGIN_TIMEOUT_MS, [...at, 'loginTimeout']),
    };
  };
  const schedule = (d: ScheduleDocument | undefined, at: (string | number)[]): Partial<ScheduleSettings> => {
    if (d === undefined) return {};
    if (d.ramp !== undefined && d.rampRate !== undefined) {
      throw fail('"ramp" (spread over a time) and "rampRate" (CPEs per second) are mutually exclusive: give one', [...at, 'rampRate']);
    }
    if (d.periodicInformTime !== undefined && (!DATE_TIME.test(d.periodicInformTime) || Number.isNaN(Date.parse(d.periodicInformTime)))) {
      throw fail(`"${d.periodicInformTime}" is not a dateTime (example: 2024-01-01T00:00:00Z)`, [...at, 'periodicInformTime']);
    }
    const out: Partial<ScheduleSettings> = {};
    if (d.periodicInterval !== undefined) {
      const ms = duration(d.periodicInterval, 0, [...at, 'periodicInterval']);
      if (ms < 1000 || ms % 1000 !== 0) throw fail('must be whole seconds >= 1s (PeriodicInformInterval is an unsignedInt >= 1)', [...at, 'periodicInterval']);
      out.periodicIntervalS = ms / 1000;
    }
    if (d.jitter !== undefined) out.jitter = d.jitter;
    if (d.ramp !== undefined) out.rampMs = duration(d.ramp, 0, [...at, 'ramp']);
    if (d.rampRate !== undefined) out.rampRatePerS = d.rampRate;
    if (d.periodicInformTime !== undefined) out.periodicInformTime = d.periodicInformTime;
    if (d.bootStorm !== undefined) {
      out.bootStorm = {
        atMs: duration(d.bootStorm.at, 0, [...at, 'bootStorm', 'at']),
        windowMs: duration(d.bootStorm.window, 0, [...at, 'bootStorm', 'window']),
      };
    }
    return out;
  };
  let sourceAddresses: string[] | undefined;
  if (doc.acs?.sourceAddresses !== undefined) {
    try {
      sourceAddresses = expandSourceAddresses(doc.acs.sourceAddresses);
    } catch (err) {
      if (err instanceof SourceAddressError) throw fail(err.message, ['acs', 'sourceAddresses', err.entry]);
      throw err;
    }
  }
  const fleetDoc = doc.fleet ?? DEFAULT_SCENARIO_DOCUMENT.fleet!;
  const thresholds = (doc.thresholds ?? []).map((entry, i): Threshold => {
    const item = typeof entry === 'string' ? { expr: entry, profile: undefined } : entry;
    const at = typeof entry === 'string' ? ['thresholds', i] : ['thresholds', i, 'expr'];
    const profile = item.profile === undefined ? undefined : thresholdProfile(item.profile, fleetDoc, baseDir, (m) => fail(m, ['thresholds', i, 'profile']));
    try {
      return parseThreshold(item.expr, { abortOnFail: item.abortOnFail, delayMs: duration(item.delay, 0, ['thresholds', i, 'delay']), profile });
    } catch (err) {
      if (err instanceof ThresholdSyntaxError) throw fail(err.message, at);
      throw err;
    }
  });
  const top = schedule(doc.schedule, ['schedule']);
  const cpeConnectionRequests = connectionRequestSettings(doc.connectionRequests);
  const provision = doc.referenceAcs?.provision ?? true;
  const acsXmpp = doc.referenceAcs?.xmpp;
  const acsConnectionRequests = resolveReferenceAcsConnectionRequests(
    doc.referenceAcs?.connectionRequests,
    { provision, seed: doc.seed ?? 1, cpeSide: cpeConnectionRequests, acsXmpp },
    fail,
    duration,
  );
  return {
    name: doc.name ?? 'scenario',
    file: yaml?.file,
    durationMs: duration(doc.duration, 60_000, ['duration']),
    seed: doc.seed ?? 1,
    acs: {
      url: doc.acs?.url,
      username: doc.acs?.username,
      password: doc.acs?.password,
      insecure: doc.acs?.insecure ?? false,
      ca,
      requestTimeoutMs: duration(doc.acs?.timeout, 30_000, ['acs', 'timeout']),
      sourceAddresses,
    },
    referenceAcs: {
      provision,
      maxConcurrentSessions: doc.referenceAcs?.maxConcurrentSessions,
      ...(acsConnectionRequests ? { connectionRequests: acsConnectionRequests } : {}),
      ...(acsXmpp ? { xmpp: acsXmpp } : {}),
    },
    fleet: (doc.fleet ?? DEFAULT_SCENARIO_DOCUMENT.fleet!).map((g, i) => {
      const group: FleetGroup = {
        // A profile given as a path is relative to the scenario file, like any other path in it.
        profile: groupProfileKey(g.profile, baseDir),
        count: g.count,
      };
      if (g.schedule !== undefined) group.schedule = schedule(g.schedule, ['fleet', i, 'schedule']);
      if (g.cpe !== undefined) group.cpe = resolveCpeBehaviour(g.cpe, fail, ['fleet', i, 'cpe']);
      return group;
    }),
    schedule: {
      periodicIntervalS: top.periodicIntervalS,
      jitter: top.jitter ?? 0.1,
      rampMs: top.rampMs ?? 0,
      rampRatePerS: top.rampRatePerS,
      periodicInformTime: top.periodicInformTime,
      bootStorm: top.bootStorm,
    },
    gracePeriodMs: duration(doc.gracePeriod, DEFAULT_GRACE_PERIOD_MS, ['gracePeriod']),
    ...(doc.warmUp !== undefined ? { warmUpSessions: doc.warmUp } : {}),
    ...(doc.state !== undefined ? { stateFile: isAbsolute(doc.state) ? doc.state : resolve(baseDir, doc.state) } : {}),
    connectionRequests: cpeConnectionRequests,
    valueChanges: doc.valueChanges === undefined ? undefined : {
      rateScale: doc.valueChanges.rateScale ?? DEFAULT_VALUE_CHANGE_SETTINGS.rateScale,
      notifyDelayMs: duration(doc.valueChanges.notifyDelay, DEFAULT_VALUE_CHANGE_SETTINGS.notifyDelayMs, ['valueChanges', 'notifyDelay']),
    },
    thresholds,
    cpe: resolveCpeBehaviour(doc.cpe, fail, ['cpe']),
    autonomousTransfers: resolveAutonomousTransfers(doc.autonomousTransfers, fail),
    requestDownloads: resolveRequestDownloads(doc.requestDownloads, fail),
    autonomousDuChanges: resolveAutonomousDuChanges(doc.autonomousDuChanges, fail),
  };
}

/** A threshold's `profile`: one of the fleet's profiles as written there, turned into the metrics key (paths resolved like the fleet's). */
function thresholdProfile(name: string, fleet: NonNullable<ScenarioDocument['fleet']>, baseDir: string, fail: (message: string) => Error): string {
  const group = fleet.find((g) => g.profile === name);
  if (!group) throw fail(`unknown profile "${name}": not in the fleet (${[...new Set(fleet.map((g) => g.profile))].join(', ')})`);
  return groupProfileKey(group.profile, baseDir);
}

/** A fleet group's profile: a NAME as is, a relative path resolved against the scenario's folder. */
export function groupProfileKey(profile: string, baseDir: string): string {
  return profile.includes('/') && !isAbsolute(profile) ? resolve(baseDir, profile) : profile;
}

/** XMPP defaults: the c2s port (RFC 6120), each CPE's account, logins in flight per shard, a login's time limit. */
const DEFAULT_XMPP_PORT = 5222;
const DEFAULT_XMPP_USERNAME = 'cpe-{{serial}}';
const DEFAULT_XMPP_PASSWORD = 'cpesim-{{serial}}';
/** The resource part of the CPEs' full JIDs. */
const DEFAULT_XMPP_RESOURCE = 'cwmp';
const DEFAULT_XMPP_CONCURRENCY = 20;
const DEFAULT_XMPP_LOGIN_TIMEOUT_MS = 10_000;


/** TR-069 §3.2.2: the session a connection request asks for starts within 30 seconds. */
const MAX_CONNECTION_REQUEST_DELAY_MS = 30_000;

/** Why `host` cannot be the connection-request listeners' address (they bind it and CPEs advertise it), if it cannot. */
export function connectionRequestHostProblem(host: string): string | undefined {
  if (isIP(host) === 0 || host === '0.0.0.0' || host === '::') {
    return `must be an IPv4 or IPv6 address of this host (not a wildcard), got "${host}"`;
  }
  return undefined;
}
