/**
 * The structure of a profile YAML file (JSON schema checked with ajv; strict: unknown fields are errors)
 * and the TypeScript shape of a document that passed it. Semantic rules live in compile-profile.ts.
 */
import { GENERATOR_KINDS, type RawGenerator } from './generators.js';
import { PARAM_TYPES } from './value-types.js';

export interface RawObject {
  writable?: boolean;
  instances?: number;
  maxEntries?: number;
  numEntries?: string;
}

export interface RawParameter {
  type: string;
  writable?: boolean;
  value?: string | number | boolean;
  /** Per-instance value templates keyed by the path's instance numbers joined with "." ("1.2"). */
  instanceValues?: Record<string, string | number | boolean>;
  hidden?: boolean;
  notification?: 0 | 1 | 2;
  activeNotify?: 'normal' | 'canDeny' | 'forceEnabled' | 'forceDefaultEnabled';
  forcedInform?: boolean;
  enum?: (string | number | boolean)[];
  range?: { min?: number; max?: number };
  minLength?: number;
  maxLength?: number;
  list?: boolean;
  /** The device changes the value by itself (generators.ts). */
  generator?: RawGenerator;
}

export interface RawProfile {
  profile: string;
  description?: string;
  root: 'InternetGatewayDevice' | 'Device';
  cwmpVersion?: 0 | 1 | 2 | 3 | 4;
  deviceId: { manufacturer: string; oui: string; productClass: string; serialNumber: string };
  objects?: Record<string, RawObject | null>;
  parameters?: Record<string, RawParameter>;
  /** Vendor quirks: name → true or options; checked and compiled by src/quirks/catalogue.ts. */
  quirks?: Record<string, unknown> | null;
  /** How a firmware download changes DeviceInfo.SoftwareVersion (see firmware-rule.ts). */
  firmware?: { softwareVersion: string | { match: string; version: string }[] };
  /** The base profile this one layers over (profile-layers.ts merges them before compiling). */
  extends?: string;
  /** Base paths this layer leaves out: parameters, or objects (ending in ".") with everything below. */
  remove?: string[];
}

const scalar = { type: ['string', 'number', 'boolean'] };
const count = { type: 'integer', minimum: 0 };

export const PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['profile', 'root', 'deviceId'],
  properties: {
    profile: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
    description: { type: 'string' },
    extends: { type: 'string', minLength: 1 },
    remove: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    root: { enum: ['InternetGatewayDevice', 'Device'] },
    cwmpVersion: { enum: [0, 1, 2, 3, 4] },
    deviceId: {
      type: 'object',
      additionalProperties: false,
      required: ['manufacturer', 'oui', 'productClass', 'serialNumber'],
      properties: {
        manufacturer: { type: 'string', minLength: 1 },
        oui: { type: 'string', pattern: '^[0-9A-F]{6}$' },
        productClass: { type: 'string' },
        serialNumber: { type: 'string', minLength: 1 },
      },
    },
    objects: {
      type: ['object', 'null'],
      additionalProperties: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          writable: { type: 'boolean' },
          instances: count,
          maxEntries: { type: 'integer', minimum: 1 },
          numEntries: { type: 'string' },
        },
      },
    },
    firmware: {
      type: 'object',
      additionalProperties: false,
      required: ['softwareVersion'],
      properties: {
        // A string ("from-filename" or a template) or a list of rules; each keyword applies to its own type.
        softwareVersion: {
          type: ['string', 'array'],
          minLength: 1,
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['match', 'version'],
            properties: { match: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    parameters: {
      type: ['object', 'null'],
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {
          type: { enum: PARAM_TYPES },
          writable: { type: 'boolean' },
          value: scalar,
          // Keys are checked against the path's tables in compile-profile.ts (a schema cannot count "{i}").
          instanceValues: { type: 'object', additionalProperties: scalar, minProperties: 1 },
          hidden: { type: 'boolean' },
          notification: { enum: [0, 1, 2] },
          activeNotify: { enum: ['normal', 'canDeny', 'forceEnabled', 'forceDefaultEnabled'] },
          forcedInform: { type: 'boolean' },
          enum: { type: 'array', items: scalar, minItems: 1 },
          range: {
            type: 'object',
            additionalProperties: false,
            properties: { min: { type: 'number' }, max: { type: 'number' } },
          },
          minLength: count,
          maxLength: count,
          list: { type: 'boolean' },
          // Which fields apply to which kind is checked in generators.ts (with a clearer message than oneOf's).
          generator: {
            type: 'object',
            additionalProperties: false,
            required: ['kind'],
            properties: {
              kind: { enum: GENERATOR_KINDS },
              rate: { type: ['number', 'string'] },
              min: { type: 'number' },
              max: { type: 'number' },
              step: { type: 'number' },
              start: { type: 'number' },
              interval: { type: ['string', 'number'] },
              period: { type: ['string', 'number'] },
              values: { type: 'array', items: scalar },
            },
          },
        },
      },
    },
    // Only the shape here: names and options are checked by compileQuirks (messages name the quirk).
    quirks: { type: ['object', 'null'] },
  },
} as const;
