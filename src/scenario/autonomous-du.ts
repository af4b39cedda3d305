/**
 * Scenario field `autonomousDuChanges:` (TR-069 A.3.3.3 AutonomousDUStateChangeComplete, "12 AUTONOMOUS DU STATE
 * CHANGE COMPLETE"): deployment units a fraction of the CPEs install, update or uninstall on their own (a user or
 * a local policy did it, not the ACS). Install and Update fetch `url` for real, like a ChangeDUState does.
 */
import type { DuOperation } from '../cwmp/messages.js';
import { timing, timingProperties, type CpeActionTiming, type TimingDocument } from './cpe-behaviour.js';

export type AutonomousDuOperation = 'install' | 'update' | 'uninstall';

export interface AutonomousDuChangeSettings extends CpeActionTiming {
  operation: AutonomousDuOperation;
  /** The unit's file (install, update). */
  url?: string | undefined;
  /** The unit (required for update and uninstall; install generates one per device and URL when absent). */
  uuid?: string | undefined;
  /** Install: the execution environment (default: the first one). */
  executionEnvRef?: string | undefined;
}

export interface AutonomousDuChangeDocument extends TimingDocument {
  operation: AutonomousDuOperation;
  url?: string;
  uuid?: string;
  executionEnvRef?: string;
}

/** cwmp-1-2.xsd DeploymentUnitUUID. */
const UUID_PATTERN = '^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$';

export const autonomousDuChangesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['at', 'operation'],
    properties: {
      ...timingProperties,
      operation: { enum: ['install', 'update', 'uninstall'] },
      url: { type: 'string', pattern: '^https?://', maxLength: 1024 },
      uuid: { type: 'string', pattern: UUID_PATTERN },
      executionEnvRef: { type: 'string', maxLength: 256 },
    },
  },
} as const;

type Fail = (message: string, path: (string | number)[]) => Error;

/** Which fields each operation needs (checked here: the loader's strict JSON schema has no conditional requirements). */
const NEEDS: Readonly<Record<AutonomousDuOperation, readonly ('url' | 'uuid')[]>> = {
  install: ['url'],
  update: ['url', 'uuid'],
  uninstall: ['uuid'],
};

export function resolveAutonomousDuChanges(docs: AutonomousDuChangeDocument[] | undefined, fail: Fail): AutonomousDuChangeSettings[] | undefined {
  docs?.forEach((d, i) => {
    for (const field of NEEDS[d.operation]) if (d[field] === undefined) throw fail(`${d.operation} needs a ${field}`, ['autonomousDuChanges', i]);
  });
  return docs?.map((d, i) => ({
    ...timing(d, fail, ['autonomousDuChanges', i]),
    operation: d.operation,
    url: d.url,
    uuid: d.uuid,
    executionEnvRef: d.executionEnvRef,
  }));
}

/** The one ChangeDUState-style operation the CPE carries out for the setting. */
export function autonomousDuOperation(s: AutonomousDuChangeSettings): DuOperation {
  switch (s.operation) {
    case 'install':
      return { op: 'Install', url: s.url ?? '', uuid: s.uuid, executionEnvRef: s.executionEnvRef };
    case 'update':
      return { op: 'Update', uuid: s.uuid, url: s.url };
    case 'uninstall':
      return { op: 'Uninstall', uuid: s.uuid ?? '' };
  }
}
