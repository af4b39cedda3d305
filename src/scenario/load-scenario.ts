import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ajv, YamlFile } from '../config/yaml-file.js';
import { parseDurationMs } from '../config/duration.js';
import type { Scenario } from './scenario.js';

/** The scenario file as written (before defaults and unit conversion). */
interface ScenarioDocument {
  name?: string;
  duration?: string | number;
  seed?: number;
  acs?: { url?: string; username?: string; password?: string; insecure?: boolean; ca?: string; timeout?: string | number };
  referenceAcs?: { provision?: boolean; maxConcurrentSessions?: number };
  fleet?: { profile: string; count: number }[];
  schedule?: { periodicInterval?: string | number; jitter?: number; ramp?: string | number };
}

const durationSchema = { type: ['string', 'number'] } as const;

const validateScenario = ajv.compile<ScenarioDocument>({
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    duration: durationSchema,
    seed: { type: 'integer' },
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
      },
    },
    referenceAcs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        provision: { type: 'boolean' },
        maxConcurrentSessions: { type: 'integer', minimum: 1 },
      },
    },
    fleet: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['profile', 'count'],
        properties: { profile: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 1 } },
      },
    },
    schedule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        periodicInterval: durationSchema,
        jitter: { type: 'number', minimum: 0, maximum: 1 },
        ramp: durationSchema,
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
  const periodic = doc.schedule?.periodicInterval;
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
    },
    referenceAcs: {
      provision: doc.referenceAcs?.provision ?? true,
      maxConcurrentSessions: doc.referenceAcs?.maxConcurrentSessions,
    },
    fleet: (doc.fleet ?? DEFAULT_SCENARIO_DOCUMENT.fleet!).map((g) => ({
      // A profile given as a path is relative to the scenario file, like any other path in it.
      profile: g.profile.includes('/') && !isAbsolute(g.profile) ? resolve(baseDir, g.profile) : g.profile,
      count: g.count,
    })),
    schedule: {
      periodicIntervalS: periodic === undefined ? undefined : duration(periodic, 0, ['schedule', 'periodicInterval']) / 1000,
      jitter: doc.schedule?.jitter ?? 0.1,
      rampMs: duration(doc.schedule?.ramp, 0, ['schedule', 'ramp']),
    },
  };
}
