/**
 * What a state file keeps of one CPE between runs (VirtualCpe.snapshotState / restoreState): plain JSON, every
 * key but `bootstrapped` and `model` optional, so features can add their own keys without a new file version
 * (a reader ignores keys it does not know).
 */
import type { ChangeDuStateRequest, EventStruct } from '../cwmp/messages.js';
import type { ModelSnapshot } from '../datamodel/device-model.js';
import { CpesimError } from '../errors.js';
import type { SessionObserver } from '../metrics/observer.js';
import type { QueuedCpeRequest } from './cpe-request-queue.js';
import type { TransferRequest } from './transfers.js';

export interface CpeSnapshot {
  /** A session with the ACS succeeded once: the next Inform carries no "0 BOOTSTRAP". */
  bootstrapped: boolean;
  /** The data model's overlay: values, attributes, instances and instance counters, pending value changes. */
  model: ModelSnapshot;
  /** Events not yet delivered (with their CommandKeys), oldest first. */
  events?: EventStruct[];
  /** CPE → ACS requests not yet acknowledged (TransferCompletes, (Autonomous)DUStateChangeCompletes, ... with their results). */
  cpeRequests?: QueuedCpeRequest[];
  /** Accepted Downloads/Uploads not yet complete: queued again, they start after the first session. */
  transfers?: TransferRequest[];
  /** Accepted ChangeDUStates not yet reported (waiting or cut off by the stop): accepted again, run after the first session. */
  duChanges?: ChangeDuStateRequest[];
  /** Accepted ScheduleInforms not yet due, at wall-clock instants (epoch ms). */
  scheduledInforms?: { commandKey: string; atEpochMs: number }[];
}

/**
 * Every queued request kind a snapshot may hold: undelivered DUStateChangeComplete / Autonomous... reports and an
 * unanswered RequestDownload come back after a restart like a TransferComplete does.
 */
const SNAPSHOT_CPE_REQUESTS: ReadonlySet<QueuedCpeRequest['method']> = new Set<QueuedCpeRequest['method']>([
  'TransferComplete',
  'GetRPCMethods',
  'AutonomousTransferComplete',
  'DUStateChangeComplete',
  'AutonomousDUStateChangeComplete',
  'RequestDownload',
]);

/** Checks the shape of a parsed snapshot; throws CPESIM_STATE_MISMATCH naming the first bad key. */
export function checkCpeSnapshot(raw: unknown): CpeSnapshot {
  const bad = (what: string) => new CpesimError('CPESIM_STATE_MISMATCH', what);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('the CPE state is not an object');
  const s = raw as Record<string, unknown>;
  if (typeof s.bootstrapped !== 'boolean') throw bad('"bootstrapped" is not a boolean');
  if (typeof s.model !== 'object' || s.model === null || Array.isArray(s.model)) throw bad('"model" is not an object');
  const list = (key: string, item: (x: Record<string, unknown>) => boolean) => {
    const v = s[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && item(x as Record<string, unknown>)))) {
      throw bad(`"${key}" is malformed`);
    }
  };
  list('events', (e) => typeof e.code === 'string' && typeof e.commandKey === 'string');
  list('cpeRequests', (r) => SNAPSHOT_CPE_REQUESTS.has(r.method as QueuedCpeRequest['method']));
  list('transfers', (t) => (t.method === 'Download' || t.method === 'Upload') && typeof t.url === 'string' && typeof t.commandKey === 'string');
  list('duChanges', (c) => c.method === 'ChangeDUState' && Array.isArray(c.operations));
  list('scheduledInforms', (x) => typeof x.commandKey === 'string' && Number.isFinite(x.atEpochMs));
  return raw as CpeSnapshot;
}

/**
 * Accepts a state file's saved requests (transfers, ChangeDUStates) again as if the ACS had just sent them: one
 * that no longer validates (`accept` throws) is counted as an error of CPE `index` and dropped, the others restored.
 */
export function reacceptSaved<T>(saved: readonly T[] | undefined, accept: (req: T) => void, describe: (req: T) => string, observer: SessionObserver, index: number): void {
  for (const req of saved ?? []) {
    try {
      accept(req);
    } catch (err) {
      observer.error('internal', `CPE ${index}: saved ${describe(req)} not restored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
