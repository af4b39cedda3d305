/**
 * Memory per idle CPE: for each profile × fleet size, a child process (memory-child.js) constructs that many
 * VirtualCpes and reports its RSS after a full GC. Per the scale issue (#7) the figure is the RSS of the
 * whole process divided by the CPEs (so the process's own baseline is included, which weighs more at
 * 10,000 than at 100,000); the heap per CPE and the increments over the empty process are printed beside it.
 * Target: <= 2 KB per idle CPE with tr181 at the scale, 100,000 CPEs (at 10,000 the baseline alone is ~10 KB
 * per CPE, so that row has no verdict). Then the design's scale as a run holds it: 1,000,000 idle tr181 CPEs in
 * runFleet on the default worker threads (fleet-memory-child.js), timer heaps and schedule state included.
 * Run: node dist/benchmarks/memory.bench.js
 */
import { availableParallelism } from 'node:os';
import { BenchChild } from './child-process.js';
import type { FleetMemorySample } from './fleet-memory-child.js';
import { int, publish, type SummaryRow } from './harness.js';
import type { MemorySample } from './memory-child.js';

const PROFILES = ['tr098', 'tr181'] as const;
const COUNTS = [10_000, 100_000] as const;
const TARGET_BYTES = 2048;
const TARGET_PROFILE = 'tr181';
const TARGET_CPES = 100_000;
/** Per sample; 100,000 CPEs are built in a few seconds on one core. */
const SAMPLE_TIMEOUT_MS = 90_000;
const FLEET_CPES = 1_000_000;
/** 1,000,000 CPEs are built in ~10 s on two cores; the run adds a warm-up and 3 s. */
const FLEET_SAMPLE_TIMEOUT_MS = 150_000;

function fleetSample(profile: string, count: number, workers: number): Promise<FleetMemorySample> {
  return BenchChild.result(new URL('./fleet-memory-child.js', import.meta.url), [profile, String(count), String(workers)], FLEET_SAMPLE_TIMEOUT_MS);
}

function sample(profile: string, count: number): Promise<MemorySample> {
  return BenchChild.result(new URL('./memory-child.js', import.meta.url), [profile, String(count)], SAMPLE_TIMEOUT_MS, ['--expose-gc']);
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`.padStart(10);
const samples: MemorySample[] = [];
const rows: SummaryRow[] = [];
console.log('idle VirtualCpes (no session), whole process after a full GC; bytes per CPE');
console.log(
  `  ${'profile'.padEnd(7)} ${'CPEs'.padStart(8)}   ${'RSS'.padStart(10)} ${'RSS/CPE'.padStart(8)}   ${'heap'.padStart(10)} ${'heap/CPE'.padStart(8)}` +
    `   ${'ΔRSS/CPE'.padStart(8)} ${'Δheap/CPE'.padStart(9)}   ${'build s'.padStart(7)}   target`,
);
for (const profile of PROFILES) {
  for (const count of COUNTS) {
    const s = await sample(profile, count);
    samples.push(s);
    const rssPer = s.loaded.rss / s.cpes;
    const heapPer = s.loaded.heapUsed / s.cpes;
    const targeted = profile === TARGET_PROFILE && count === TARGET_CPES;
    const verdict = targeted ? `<= ${TARGET_BYTES} B: ${rssPer <= TARGET_BYTES ? 'PASS' : 'MISS'}` : '';
    console.log(
      `  ${profile.padEnd(7)} ${int(count, 8)}   ${mb(s.loaded.rss)} ${int(rssPer, 8)}   ${mb(s.loaded.heapUsed)} ${int(heapPer, 8)}` +
        `   ${int((s.loaded.rss - s.baseline.rss) / s.cpes, 8)} ${int((s.loaded.heapUsed - s.baseline.heapUsed) / s.cpes, 9)}` +
        `   ${(s.constructMs / 1000).toFixed(1).padStart(7)}   ${verdict}`,
    );
    rows.push({
      metric: `RSS per idle CPE, ${profile}, ${count.toLocaleString('en-US')} CPEs`,
      value: rssPer,
      unit: 'B',
      ...(targeted ? { target: { max: TARGET_BYTES, text: `<= ${TARGET_BYTES} B` } } : {}),
    });
  }
}
const baselineRss = Math.max(...samples.map((s) => s.baseline.rss));
console.log(`  (RSS of the process before any CPE existed, profile compiled: up to ${mb(baselineRss).trim()}; Δ = increase over it)`);

const fleet = await fleetSample(TARGET_PROFILE, FLEET_CPES, availableParallelism());
const fleetRssPer = fleet.rssRunning / fleet.cpes;
console.log(
  `\n${fleet.cpes.toLocaleString('en-US')} idle ${fleet.profile} CPEs in a running fleet (runFleet, ${fleet.workers} worker threads, every CPE's inform pending; ` +
    `${fleet.sessions} sessions ran), whole process, no forced GC`,
);
console.log(
  `  RSS ${mb(fleet.rssRunning).trim()} = ${int(fleetRssPer, 0)} B per CPE (<= ${TARGET_BYTES} B: ${fleetRssPer <= TARGET_BYTES ? 'PASS' : 'MISS'}); ` +
    `peak while building ${mb(fleet.rssPeak).trim()}; built and warmed up in ${(fleet.startUpMs / 1000).toFixed(1)} s`,
);
rows.push({
  metric: `RSS per idle CPE, ${fleet.profile}, ${fleet.cpes.toLocaleString('en-US')} CPEs in a running fleet`,
  value: fleetRssPer,
  unit: 'B',
  target: { max: TARGET_BYTES, text: `<= ${TARGET_BYTES} B` },
});

publish({
  rows,
  data: {
    fleet: { ...fleet, rssPerCpe: fleetRssPer },
    samples: samples.map((s) => ({
      ...s,
      rssPerCpe: s.loaded.rss / s.cpes,
      heapPerCpe: s.loaded.heapUsed / s.cpes,
      rssIncreasePerCpe: (s.loaded.rss - s.baseline.rss) / s.cpes,
      heapIncreasePerCpe: (s.loaded.heapUsed - s.baseline.heapUsed) / s.cpes,
    })),
  },
});
