/**
 * When the CPEs of a shard look at their generated values (value-change notifications, TR-069 §3.2.1 and
 * A.3.2.4). A generated value is computed on read; what needs a timer is the *news*: a generated parameter
 * with notification 1/2 changing. Each CPE has at most one live check in the fleet's timer heap, due at the
 * next such change (parameters already waiting for an Inform are skipped, so a passive counter costs one
 * check per Inform, not one per increment). A check records the changes (passive: they ride in the next
 * Inform) and, for an active one, asks the fleet for a session after a short coalescing delay and no earlier
 * than ManagementServer.DefaultActiveNotificationThrottle after the last successful session.
 */
import type { VirtualCpe } from '../cpe/virtual-cpe.js';

/** The timer-heap item of a check; stale (ignored) once its CPE's generation moved on. */
export interface ValueChangeCheck {
  readonly valueChange: true;
  readonly slot: number;
  readonly generation: number;
}

/** What the timers need from their fleet. */
export interface ValueChangeHost {
  cpe(slot: number): VirtualCpe;
  isRunning(slot: number): boolean;
  schedule(at: number, item: ValueChangeCheck): void;
  /** A session for an active notification at `at` (performance.now() ms), unless one is due earlier anyway. */
  activeNotification(slot: number, at: number): void;
}

export class ValueChangeTimers {
  /** Per slot: the live check's generation and due time (performance.now() ms; NaN: none). */
  private readonly generation: Uint32Array;
  private readonly armedAt: Float64Array;
  /** Per slot: when the last successful session ended (performance.now() ms), for the throttle. */
  private readonly lastSessionOkAt: Float64Array;

  constructor(
    size: number,
    private readonly host: ValueChangeHost,
    private readonly notifyDelayMs: number,
  ) {
    this.generation = new Uint32Array(size);
    this.armedAt = new Float64Array(size).fill(Number.NaN);
    this.lastSessionOkAt = new Float64Array(size).fill(-Infinity);
  }

  /** A session ended (a run that found the CPE offline is none): changes it did not report are looked at now. */
  sessionEnded(slot: number, ok: boolean): void {
    if (ok) this.lastSessionOkAt[slot] = performance.now();
    this.check(slot);
  }

  fire(item: ValueChangeCheck): void {
    if (item.generation !== this.generation[item.slot]) return;
    this.armedAt[item.slot] = Number.NaN;
    this.check(item.slot);
  }

  /** Moves pending checks later by a pause (the fleet's timer heap moved its items by as much). */
  shift(ms: number): void {
    for (let slot = 0; slot < this.armedAt.length; slot++) this.armedAt[slot]! += ms;
  }

  /** Looks at the CPE's changes now: generated ones, and device changes made outside a session (e.g. a STUN mapping). */
  check(slot: number): void {
    const cpe = this.host.cpe(slot);
    const wallNow = Date.now();
    const now = performance.now();
    cpe.model.recordGeneratedChanges(wallNow);
    // During a session the changes wait: its end looks again (the Inform already went out).
    if (!this.host.isRunning(slot) && cpe.model.pendingValueChange() === 2) {
      this.host.activeNotification(slot, Math.max(now + this.notifyDelayMs, this.lastSessionOkAt[slot]! + cpe.activeNotificationThrottleMs()));
    }
    const next = cpe.model.nextGeneratedChangeMs(wallNow);
    if (next === Infinity) return;
    const at = now + Math.max(0, next - wallNow);
    const armed = this.armedAt[slot]!;
    if (armed > now && armed <= at) return; // the live check comes first and looks again
    const generation = (this.generation[slot]! + 1) >>> 0;
    this.generation[slot] = generation;
    this.armedAt[slot] = at;
    this.host.schedule(at, { valueChange: true, slot, generation });
  }
}
