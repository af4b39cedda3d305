/**
 * A shard's CPEs in power-on order, handed to the timer heap shortly before they are due rather than all at
 * power-on. Pushing every CPE's first wake-up at start cost ~50 ms of CPU for 100,000 CPEs (several times that
 * on a loaded machine), during which the first CPEs of the ramp were already due: lateness the scheduler caused
 * itself. Fed in small batches, the heap also holds only the CPEs due soon.
 */

/** How far ahead of their due time CPEs are handed to the heap. */
export const RAMP_LOOKAHEAD_MS = 50;
/** CPEs handed over per feed at most, so one feed never blocks the loop for long (a ramp of 0 s: all due at once). */
export const RAMP_FEED_BATCH = 512;

export class PowerOnRamp {
  /** Slots by ascending power-on offset (stable: equal offsets keep slot order). */
  private readonly order: Uint32Array;
  private next = 0;

  constructor(private readonly offsets: Float64Array) {
    const order = new Uint32Array(offsets.length);
    let sorted = true;
    for (let i = 0; i < order.length; i++) {
      order[i] = i;
      if (i > 0 && offsets[i]! < offsets[i - 1]!) sorted = false;
    }
    // One ramp is already in slot order; several cohorts (groups with ramps of their own) interleave.
    this.order = sorted ? order : Uint32Array.from([...order].sort((a, b) => offsets[a]! - offsets[b]! || a - b));
  }

  /**
   * Hands `visit` the slots whose power-on (`base` + offset, performance.now() ms) is at or before `horizon`, at
   * most `max` of them, in order. Returns the power-on instant of the next slot left, undefined when all are fed.
   */
  feed(base: number, horizon: number, max: number, visit: (slot: number) => void): number | undefined {
    const { order, offsets } = this;
    let fed = 0;
    while (this.next < order.length) {
      const slot = order[this.next]!;
      const at = base + offsets[slot]!;
      if (at > horizon || fed === max) return at;
      this.next++;
      fed++;
      visit(slot);
    }
    return undefined;
  }
}
