import { setFlagsFromString } from 'node:v8';

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
 *
 * V8 reads this flag whenever it decides about a site, so setting it at run time takes effect; it is process-wide.
 */
export function disableAllocationSitePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
