/**
 * One memory sample of memory.bench (`node --expose-gc memory-child.js PROFILE COUNT`): constructs COUNT
 * idle VirtualCpes as a Fleet does (one shared CpeEnvironment; no session ever runs; the ACS URL points at a
 * closed port), collects garbage, and
 * sends the whole process's RSS and heap, before and after, to the parent. A process of its own per
 * sample, so that one sample's heap never inflates the next one's RSS.
 */
import { cpeEnvironment, VirtualCpe } from '../src/cpe/virtual-cpe.js';
import { loadProfile } from '../src/datamodel/profile-loader.js';
import { CpesimError } from '../src/errors.js';
import { disableAllocationSitePretenuring } from '../src/fleet/v8-tuning.js';
import { MetricsRegistry } from '../src/metrics/registry.js';
import { parentChannel } from './child-process.js';
import { fullGc } from './harness.js';

export interface MemorySample {
  profile: string;
  cpes: number;
  /** Whole process, after the profile was compiled and before any CPE existed. */
  baseline: { rss: number; heapUsed: number };
  /** Whole process with every CPE alive, after a full GC. */
  loaded: { rss: number; heapUsed: number };
  constructMs: number;
}

const send = parentChannel<MemorySample>('memory-child');
const [profileName, countText] = process.argv.slice(2);
const cpes = Number(countText);
if (!profileName || !Number.isInteger(cpes) || cpes <= 0) throw new CpesimError('CPESIM_BENCH_USAGE', 'usage: memory-child.js PROFILE COUNT');

// The V8 setting a fleet's threads build their CPEs under (runFleet).
disableAllocationSitePretenuring();
const profile = await loadProfile(profileName);
// Nothing listens on the discard port and nothing connects: idle CPEs never open a session.
const acs = { url: 'http://127.0.0.1:9/', requestTimeoutMs: 30_000 };
const observer = new MetricsRegistry();
// What Fleet builds once per fleet group and hands every CPE of it.
const environment = cpeEnvironment({ profile, observer });
const reading = (): { rss: number; heapUsed: number } => {
  fullGc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

const baseline = reading();
const t0 = performance.now();
const fleet: VirtualCpe[] = new Array<VirtualCpe>(cpes);
for (let i = 0; i < cpes; i++) {
  fleet[i] = new VirtualCpe({ index: i, acs, environment, connectionRequestUrl: `http://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:7547/cr` });
}
const constructMs = performance.now() - t0;
const loaded = reading();
send({ profile: profileName, cpes: fleet.length, baseline, loaded, constructMs });
process.disconnect?.();
