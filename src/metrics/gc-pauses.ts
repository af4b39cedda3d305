import { PerformanceObserver } from 'node:perf_hooks';
import type { SessionObserver } from './observer.js';

/**
 * Records every garbage-collection pause of the calling thread as the `gcPause` latency (ms). While V8 collects, the
 * thread's event loop stands still: a session due meanwhile starts late by up to the pause, so this metric is the
 * usual explanation of a lateness tail on an otherwise idle machine. Measured on the simulator's threads only; the
 * ACS's pauses are the ACS's business. Returns the function that stops recording.
 */
export function recordGcPauses(observer: Pick<SessionObserver, 'latency'>): () => void {
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) observer.latency('gcPause', entry.duration, entry.duration);
  });
  gcs.observe({ entryTypes: ['gc'] });
  return () => gcs.disconnect();
}
