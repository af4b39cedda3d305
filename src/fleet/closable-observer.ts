import type { CpeState, ErrorKind, LatencyName, SessionObserver } from '../metrics/observer.js';

/**
 * Forwards to a SessionObserver until closed, then drops everything. At shutdown the fleet counts the sessions
 * still running after the grace period as aborted and closes this gate, so a session that ends later (its HTTP
 * request bounded only by the request timeout) is not counted twice or after the results were taken.
 * One per fleet, shared by all its CPEs.
 */
export class ClosableObserver implements SessionObserver {
  private open = true;

  constructor(private readonly target: SessionObserver) {}

  close(): void {
    this.open = false;
  }

  latency(name: LatencyName, fromIntendedMs: number, fromActualMs: number): void {
    if (this.open) this.target.latency(name, fromIntendedMs, fromActualMs);
  }

  sessionStarted(): void {
    if (this.open) this.target.sessionStarted();
  }

  sessionCompleted(): void {
    if (this.open) this.target.sessionCompleted();
  }

  sessionFailed(kind: ErrorKind, detail: string): void {
    if (this.open) this.target.sessionFailed(kind, detail);
  }

  error(kind: ErrorKind, detail: string): void {
    if (this.open) this.target.error(kind, detail);
  }

  bytes(sent: number, received: number): void {
    if (this.open) this.target.bytes(sent, received);
  }

  cpeState(from: CpeState | undefined, to: CpeState): void {
    if (this.open) this.target.cpeState(from, to);
  }
}
