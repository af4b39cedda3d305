import { cpeDraw, DRAW_STREAM } from '../random.js';

/**
 * The fleet's random draws per CPE: periodic jitter, boot-storm comebacks, CPE actions, heartbeat phases. Draw k of
 * the CPE in a slot is cpeDraw(seed, schedule, its global index, k), so a seeded schedule is the same CPE by CPE
 * whatever the number of worker threads or machines; the cost is a counter of 4 bytes per CPE.
 */
export class ScheduleDraws {
  private readonly drawn: Uint32Array;

  /** `slots` CPEs; `globalIndex` tells a slot's CPE's index in the whole fleet. */
  constructor(
    private readonly seed: number,
    slots: number,
    private readonly globalIndex: (slot: number) => number,
  ) {
    this.drawn = new Uint32Array(slots);
  }

  /** The next number in [0, 1) of the CPE in `slot`. */
  next(slot: number): number {
    const k = this.drawn[slot]!;
    this.drawn[slot] = k + 1;
    return cpeDraw(this.seed, DRAW_STREAM.schedule, this.globalIndex(slot), k);
  }
}
