/**
 * Heartbeat sessions (TR-069 Amendment 6 Annex O; TR-181 Device.ManagementServer.HeartbeatPolicy.): while Enable
 * is true, a CPE opens a session every ReportingInterval, on the grid InitiationTime + k·interval, whose Inform
 * carries "14 HEARTBEAT" alone. Each CPE has at most one live beat in the fleet's timer heap (no Node timer per
 * CPE). The policy is read when a session ended (the ACS may have changed it) and at each beat; a beat whose
 * policy changed meanwhile is stale and replaced by one on the new grid.
 */
import type { VirtualCpe } from '../cpe/virtual-cpe.js';
import { nextPhaseInstant, periodicPhaseEpochMs } from './periodic-phase.js';

/** The timer-heap item of a beat; stale (ignored) once its CPE's generation moved on. */
export interface HeartbeatDue {
  readonly heartbeat: true;
  readonly slot: number;
  readonly generation: number;
}

/** What the timers need from their fleet. */
export interface HeartbeatHost {
  cpe(slot: number): VirtualCpe;
  schedule(at: number, item: HeartbeatDue): void;
  /** The beat is due (`dueAt`, performance.now() ms): the fleet runs the heartbeat session if the CPE is free. */
  beat(slot: number, dueAt: number): void;
  /** The CPE's next random draw in [0, 1) (ScheduleDraws). */
  random(slot: number): number;
}

export class HeartbeatTimers {
  /** Per slot: the live beat's generation, due time (NaN: none) and the grid it is on (interval ms, phase epoch ms). */
  private readonly generation: Uint32Array;
  private readonly armedAt: Float64Array;
  private readonly intervalMs: Float64Array;
  private readonly phaseEpochMs: Float64Array;
  /**
   * Per slot: the CPE's own reference for an InitiationTime of Unknown Time (TR-181: "the CPE MUST locally choose
   * a random time reference"), as a fraction of the interval; chosen once (NaN: not yet).
   */
  private readonly ownPhase: Float64Array;

  constructor(
    size: number,
    private readonly host: HeartbeatHost,
  ) {
    this.generation = new Uint32Array(size);
    this.armedAt = new Float64Array(size).fill(Number.NaN);
    this.intervalMs = new Float64Array(size);
    this.phaseEpochMs = new Float64Array(size);
    this.ownPhase = new Float64Array(size).fill(Number.NaN);
  }

  /** A session ended: the ACS may have enabled, disabled or moved the heartbeat. */
  sessionEnded(slot: number): void {
    this.arm(slot);
  }

  fire(item: HeartbeatDue, dueAt: number): void {
    if (item.generation !== this.generation[item.slot]) return;
    this.armedAt[item.slot] = Number.NaN;
    // Only if the policy still holds: the ACS may have turned it off in a session since this beat was armed.
    if (this.arm(item.slot, true)) this.host.beat(item.slot, dueAt);
  }

  /** Moves pending beats later by a pause (the fleet's timer heap moved its items by as much). */
  shift(ms: number): void {
    for (let slot = 0; slot < this.armedAt.length; slot++) this.armedAt[slot]! += ms;
  }

  /**
   * Arms the next beat per the CPE's policy now (a live beat on the same grid is kept); disarms when the policy
   * is off. `firing`: the beat due now is the one being replaced. Returns whether the heartbeat is enabled.
   */
  private arm(slot: number, firing = false): boolean {
    const policy = this.host.cpe(slot).heartbeatPolicy();
    if (policy === undefined) {
      if (!Number.isNaN(this.armedAt[slot]!)) this.disarm(slot);
      return false;
    }
    const intervalMs = policy.reportingIntervalS * 1000;
    let phase = periodicPhaseEpochMs(policy.initiationTime);
    if (phase === undefined) {
      if (Number.isNaN(this.ownPhase[slot]!)) this.ownPhase[slot] = this.host.random(slot);
      phase = this.ownPhase[slot]! * intervalMs;
    }
    const armed = this.armedAt[slot]!;
    if (!firing && !Number.isNaN(armed) && this.intervalMs[slot] === intervalMs && this.phaseEpochMs[slot] === phase) return true;
    const now = performance.now();
    const at = nextPhaseInstant(phase - performance.timeOrigin, intervalMs, now);
    const generation = (this.generation[slot]! + 1) >>> 0;
    this.generation[slot] = generation;
    this.armedAt[slot] = at;
    this.intervalMs[slot] = intervalMs;
    this.phaseEpochMs[slot] = phase;
    this.host.schedule(at, { heartbeat: true, slot, generation });
    return true;
  }

  private disarm(slot: number): void {
    this.generation[slot] = (this.generation[slot]! + 1) >>> 0;
    this.armedAt[slot] = Number.NaN;
  }
}
