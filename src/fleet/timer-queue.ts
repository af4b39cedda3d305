/**
 * Many pending wake-ups behind one timer: a binary min-heap of (due time, callback target) drained by a
 * single setTimeout, so a shard with 100k CPEs does not hold 100k Node timers.
 */
export interface Due<T> {
  at: number; // performance.now() ms
  item: T;
}

export class TimerQueue<T> {
  private readonly heap: Due<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;
  /** performance.now() when pause() was called; undefined while running. */
  private pausedAt: number | undefined;

  constructor(private readonly fire: (item: T, dueAt: number) => void) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(at: number, item: T): void {
    if (this.stopped) return;
    const heap = this.heap;
    heap.push({ at, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
    if (at < this.armedFor && this.pausedAt === undefined) this.arm();
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  /** Nothing fires until resume(); schedule() still queues. */
  pause(): void {
    if (this.stopped || this.pausedAt !== undefined) return;
    this.pausedAt = performance.now();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
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
    for (const due of this.heap) due.at += pausedMs;
    this.arm();
    return pausedMs;
  }

  /** Drops everything pending; later schedule() calls are ignored. */
  stop(): void {
    this.stopped = true;
    this.heap.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const next = this.heap[0];
    if (!next) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = next.at;
    this.timer = setTimeout(() => this.drain(), Math.max(0, next.at - performance.now()));
  }

  private drain(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const due = this.pop();
      this.fire(due.item, due.at);
      if (this.stopped || this.pausedAt !== undefined) return;
    }
    this.arm();
  }

  private pop(): Due<T> {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && heap[l]!.at < heap[smallest]!.at) smallest = l;
        if (r < heap.length && heap[r]!.at < heap[smallest]!.at) smallest = r;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
