import type { AcsRequest, CpeMessage } from '../cwmp/messages.js';

/** One ACS request waiting for its session, with the caller's promise settlers. */
export interface PendingRpc {
  readonly request: AcsRequest;
  resolve(answer: CpeMessage): void;
  reject(error: Error): void;
}

/** Per-device FIFO of ACS requests; a device's queue is drained in its current or next session. */
export class RpcQueue {
  private readonly byDevice = new Map<string, PendingRpc[]>();

  /** Appends a request; the promise settles with the CPE's answer (a response or a Fault). */
  add(deviceKey: string, request: AcsRequest): Promise<CpeMessage> {
    return new Promise((resolve, reject) => this.queueOf(deviceKey).push({ request, resolve, reject }));
  }

  /** Puts requests ahead of everything queued, keeping their order (provisioning goes first). */
  addFirst(deviceKey: string, requests: readonly AcsRequest[]): Promise<CpeMessage>[] {
    const pending: PendingRpc[] = [];
    const promises = requests.map(
      (request) => new Promise<CpeMessage>((resolve, reject) => pending.push({ request, resolve, reject })),
    );
    this.queueOf(deviceKey).unshift(...pending);
    return promises;
  }

  take(deviceKey: string): PendingRpc | undefined {
    const queue = this.byDevice.get(deviceKey);
    if (!queue) return undefined;
    const next = queue.shift();
    if (queue.length === 0) this.byDevice.delete(deviceKey);
    return next;
  }

  rejectAll(error: Error): void {
    for (const queue of this.byDevice.values()) for (const rpc of queue) rpc.reject(error);
    this.byDevice.clear();
  }

  private queueOf(deviceKey: string): PendingRpc[] {
    let queue = this.byDevice.get(deviceKey);
    if (!queue) {
      queue = [];
      this.byDevice.set(deviceKey, queue);
    }
    return queue;
  }
}
