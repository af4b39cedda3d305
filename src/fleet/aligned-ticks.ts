/**
 * Calls `tick(dueMs)` at origin + k·interval for k = 1, 2, … (performance.now() ms). Each timer is set from the
 * origin, not from the previous call, so timers that start from the same instant stay in step for the whole run: the
 * shards' progress reports land just before the coordinator's samples, every interval, instead of drifting across
 * them (a sample then counted two intervals of one shard and none of another). After a late call (a blocked loop)
 * the next due instant is the first one still ahead, not a burst of the missed ones. Returns the function that stops it.
 */
export function alignedTicks(originMs: number, intervalMs: number, tick: (dueMs: number) => void): () => void {
  // Each instant from its own k, not by adding the interval up: a sum would carry its rounding from tick to tick.
  let k = 1;
  let due = originMs + intervalMs;
  let timer: NodeJS.Timeout;
  let stopped = false;
  const arm = (): void => {
    // A reporting clock alone never keeps a process alive.
    timer = setTimeout(fire, Math.max(0, due - performance.now())).unref();
  };
  const fire = (): void => {
    // Node times a timer from the loop's cached clock, which a long callback leaves behind: such a timer can fire
    // before its instant. A tick never comes early.
    if (performance.now() < due) return arm();
    tick(due);
    if (stopped) return; // stopped by the tick itself
    const now = performance.now();
    do due = originMs + ++k * intervalMs;
    while (due <= now);
    arm();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
