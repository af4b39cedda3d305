import type {
  AutonomousDuStateChangeCompleteRequest,
  AutonomousTransferCompleteRequest,
  DuStateChangeCompleteRequest,
  RequestDownloadRequest,
} from '../cwmp/messages.js';
import { firmwareVersion, type FirmwareVersionRule } from '../datamodel/firmware-rule.js';
import type { PendingCpeRequests, QueuedCpeRequest } from './cpe-request-queue.js';
import type { EventQueue } from './event-queue.js';
import type { FileFetchRequest } from './transfers.js';

/** CPE → ACS requests the CPE raises itself (beyond TransferComplete), each announced by its own event. */
export type CpeInitiatedRequest =
  | AutonomousTransferCompleteRequest
  | DuStateChangeCompleteRequest
  | AutonomousDuStateChangeCompleteRequest
  | RequestDownloadRequest;

/**
 * The Inform event that must accompany a queued CPE request (TR-069 §3.7.1.5, Table 7): it is raised again
 * whenever the request is still waiting, so a report is never sent in a session whose Inform does not announce it.
 */
const EVENT_OF: Readonly<Partial<Record<QueuedCpeRequest['method'], string>>> = {
  TransferComplete: '7 TRANSFER COMPLETE',
  RequestDownload: '9 REQUEST DOWNLOAD',
  AutonomousTransferComplete: '10 AUTONOMOUS TRANSFER COMPLETE',
  DUStateChangeComplete: '11 DU STATE CHANGE COMPLETE',
  AutonomousDUStateChangeComplete: '12 AUTONOMOUS DU STATE CHANGE COMPLETE',
};

export function cpeInitiatedEvent(req: { method: QueuedCpeRequest['method'] }): string | undefined {
  return EVENT_OF[req.method];
}

/** A report still waiting (its session failed after the Inform) goes into the next Inform with its event again. */
export function reannounceWaitingRequests(pending: PendingCpeRequests | undefined, events: EventQueue): void {
  for (const r of pending?.snapshot() ?? []) {
    const event = cpeInitiatedEvent(r);
    if (event !== undefined) events.add(event);
  }
}

/** The SoftwareVersion a successfully downloaded firmware image brings, per the profile's rule; undefined: unchanged. */
export function firmwareApplied(rule: FirmwareVersionRule | undefined, req: FileFetchRequest): string | undefined {
  return rule === undefined ? undefined : firmwareVersion(rule, req.url, req.targetFileName);
}
