/**
 * Many pending wake-ups behind one timer: a binary min-heap of (due time, callback target) drained by a
 * single setTimeout, so a shard with 100k CPEs does not hold 100k Node timers. The heap is two parallel
 * arrays (due times as unboxed doubles, items), not an object per entry: a million pending wake-ups cost
 * about 16 bytes each here.
 */

/**
 * Items fired per drain before the queue yields to the event loop (setImmediate) and goes on: a burst of
 * overdue items (a boot storm, a stalled loop) must not start hundreds of sessions in one synchronous run
 * while the responses of running sessions wait unread. Each later batch is measured against its own start.
 */
export const MAX_FIRES_PER_DRAIN = 16;
export class TimerQueue<T> {
  /** Due times (performance.now() ms) and their items: entry i of the heap is (ats[i], items[i]). */
  private readonly ats: number[] = [];
  private readonly items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** A drain continues here after a full batch (armedFor is -Infinity meanwhile: nothing re-arms). */
  private immediate: NodeJS.Immediate | undefined;
  private armedFor = Infinity;
  private stopped = false;
  /** performance.now() when pause() was called; undefined while running. */
  private pausedAt: number | undefined;

  constructor(private readonly fire: (item: T, dueAt: number) => void) {}

  get size(): number {
    return this.ats.length;
  }

  schedule(at: number, item: T): void {
    if (this.stopped) return;
    const { ats, items } = this;
    // Sift up: move parents down until the new entry's place is found, then write it once.
    let i = ats.length;
    ats.push(at);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ats[parent]! <= at) break;
      ats[i] = ats[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    ats[i] = at;
    items[i] = item;
    if (at < this.armedFor && this.pausedAt === undefined) this.arm();
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  /** Nothing fires until resume(); schedule() still queues. */
  pause(): void {
    if (this.stopped || this.pausedAt !== undefined) return;
    this.pausedAt = performance.now();
    this.disarm();
  }

  /**
   * Moves every pending item later by the paused time (the queue's clock stood still: no burst of overdue
   * items, and each keeps its distance from the others) and fires again. Returns the paused milliseconds.
   * O(n) once per resume: adding one constant to every key keeps the heap ordered.
   */
  resume(): number {
    if (this.pausedAt === undefined) return 0;
    const pausedMs = performance.now() - this.pausedAt;
    this.pausedAt = undefined;
    if (this.stopped) return pausedMs;
    const ats = this.ats;
    for (let i = 0; i < ats.length; i++) ats[i]! += pausedMs;
    this.arm();
    return pausedMs;
  }

  /** Drops everything pending; later schedule() calls are ignored. */
  stop(): void {
    this.stopped = true;
    this.ats.length = 0;
    this.items.length = 0;
    this.disarm();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    if (this.immediate) return; // a drain is under way and re-arms when it is done
    if (this.timer) clearTimeout(this.timer);
    if (this.ats.length === 0) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    const next = this.ats[0]!;
    this.armedFor = next;
    this.timer = setTimeout(() => this.drain(), Math.max(0, next - performance.now()));
  }

  private drain(): void {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    let fired = 0;
    while (this.ats.length > 0 && this.ats[0]! <= now) {
      if (fired === MAX_FIRES_PER_DRAIN) {
        if (this.timer) clearTimeout(this.timer); // armed by a fire() above: the batch continuation covers it
        this.timer = undefined;
        this.armedFor = -Infinity;
        this.immediate = setImmediate(() => this.drain());
        return;
      }
      const at = this.ats[0]!;
      const item = this.pop();
      this.fire(item, at);
      fired++;
      if (this.stopped || this.pausedAt !== undefined) return;
    }
    this.arm();
  }

  /** Removes the earliest entry and returns its item (sift down: children move up, the last entry is written once). */
  private pop(): T {
    const { ats, items } = this;
    const top = items[0]!;
    const lastAt = ats.pop()!;
    const lastItem = items.pop()!;
    const n = ats.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && ats[r]! < ats[l]! ? r : l;
        if (ats[child]! >= lastAt) break;
        ats[i] = ats[child]!;
        items[i] = items[child]!;
        i = child;
      }
      ats[i] = lastAt;
      items[i] = lastItem;
    }
    return top;
  }
}
