import type {
  AutonomousDuStateChangeCompleteRequest,
  AutonomousTransferCompleteRequest,
  DuStateChangeCompleteRequest,
  RequestDownloadRequest,
  TransferCompleteRequest,
} from '../cwmp/messages.js';
import type { TransferRequest } from './transfers.js';

/**
 * A TransferComplete waiting for delivery; `transfer` is the request it reports (absent when unknown): while it
 * waits, Get(All)QueuedTransfers lists that transfer as completed, and its direction picks cwmp-1-0's fault code.
 */
export type QueuedTransferComplete = TransferCompleteRequest & { readonly transfer?: TransferRequest };

/** Requests the CPE itself sends to the ACS after the Inform (the Inform is not queued). */
export type QueuedCpeRequest =
  | QueuedTransferComplete
  | { method: 'GetRPCMethods' }
  | AutonomousTransferCompleteRequest
  | DuStateChangeCompleteRequest
  | AutonomousDuStateChangeCompleteRequest
  | RequestDownloadRequest;

/** The ACS response method that completes each queued request: the request's name + "Response". */
export function expectedResponse<M extends QueuedCpeRequest['method']>(req: { method: M }): `${M}Response` {
  return `${req.method}Response`;
}

/** What a session does with the waiting requests: offer them, drop the delivered ones. */
export interface PendingCpeRequests {
  readonly size: number;
  snapshot(): QueuedCpeRequest[];
  remove(req: QueuedCpeRequest): void;
}

/** No request waiting: what a CPE that never queued one hands its sessions (it holds no queue object). */
export const NO_CPE_REQUESTS: PendingCpeRequests = Object.freeze({
  size: 0,
  snapshot: (): QueuedCpeRequest[] => [],
  remove: (): void => {},
});

/**
 * CPE → ACS requests waiting for a session (TR-069 §3.7.1.5: e.g. a TransferComplete is resent in
 * later sessions until the ACS acknowledges it). A request leaves the queue only when delivered or
 * refused for good.
 */
export class CpeRequestQueue implements PendingCpeRequests {
  private items: QueuedCpeRequest[] = [];

  add(req: QueuedCpeRequest): void {
    this.items.push(req);
  }

  get size(): number {
    return this.items.length;
  }

  has(method: QueuedCpeRequest['method']): boolean {
    return this.items.some((r) => r.method === method);
  }

  /** The waiting requests, oldest first; a copy, so removing while iterating is safe. */
  snapshot(): QueuedCpeRequest[] {
    return this.items.length === 0 ? [] : this.items.slice();
  }

  remove(req: QueuedCpeRequest): void {
    const i = this.items.indexOf(req);
    if (i >= 0) this.items.splice(i, 1);
  }
}
