import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/**
 * The V8 settings a fleet's worker threads run under (runFleet), set before they start. V8's flags are
 * process-wide, and it reads these two at each decision, so setting them at run time takes effect.
 */
export function tuneV8ForFleet(workerThreads: number): void {
  disableAllocationSitePretenuring();
  // Young-generation GCs (scavenges) run on the thread alone when every core has a worker thread: their parallel
  // helpers would wait for a core a JS thread holds, and ~100 KB surviving a scavenge is little work to split. The
  // pauses got shorter and the CPU per session lower (README, the lateness row). With a core to spare the helpers
  // get one, and stay.
  // Explicit both ways: one process may run fleets of different sizes (tests do).
  setFlagsFromString(workerThreads >= availableParallelism() ? '--no-parallel-scavenge' : '--parallel-scavenge');
}

/**
 * Turns off V8's allocation-site pretenuring for this process (and so for the worker threads started after it).
 *
 * Why: V8 allocates objects straight in old space from any allocation site whose objects it saw survive, and
 * building a fleet's CPEs teaches it that about many sites that sessions use too. A session's objects allocated
 * there are dead soon after, but they stay in old space until the next full GC, and every young object they point
 * to survives each young-generation GC meanwhile: copied, then promoted. In the lateness bench (100,000 CPEs,
 * ~1,000 sessions/s, two threads) that was 1.5 MB surviving each scavenge and 6-10 ms pauses; without pretenuring
 * it is ~100 KB and 1-2 ms, and a late session is mostly one due during such a pause (README, the lateness row).
 * The cost is at start-up: the CPEs' long-lived objects are copied out of the young generation once.
 */
export function disableAllocationSitePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
