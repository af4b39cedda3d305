/**
 * Data-model benchmark (TR-181 profile): memory per CPE of DeviceModel (shared compiled profile + sparse
 * overlay) against the naive design of a per-CPE full copy of the tree (a Map of every concrete parameter
 * path → value), and GetParameterValues speed against iterating that naive Map. Both baselines are
 * measured in the same run. Run: node --expose-gc dist/benchmarks/datamodel.bench.js
 */
import { readFile } from 'node:fs/promises';
import type { ParameterValue } from '../src/cwmp/messages.js';
import { DeviceModel, type DeviceContext } from '../src/datamodel/device-model.js';
import { compileProfileText, loadProfile, resolveProfilePath } from '../src/datamodel/profile-loader.js';
import { bootstrapRequests, PROVISIONING_PARAMETER_KEY } from '../src/acs/provisioning.js';
import { CpesimError } from '../src/errors.js';
import { int, opsPerSecond, publish, ratio, retainedBytes, sinkValue } from './harness.js';

const PROFILE = 'tr181';
const ROOT = 'Device.';
const PARTIAL = 'Device.DeviceInfo.';
/** DeviceModels measured: the brief's fleet size. */
const MODELS = 20_000;
/**
 * Naive copies measured: ~150 KB each, so 20,000 would need gigabytes on a shared machine. Retained heap
 * grows linearly with the count, so bytes per CPE from this sample are what 20,000 copies would cost each.
 */
const NAIVE_COPIES = 500;

const profile = await loadProfile(PROFILE);
const bootTimeMs = Date.now();
const contextOf = (index: number): DeviceContext => ({
  index,
  connectionRequestUrl: `http://10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}:7547/cwmp-cr`,
  bootTimeMs,
});

// What the reference ACS writes on BOOTSTRAP: a DeviceModel after its first session carries this overlay.
const provisioning = bootstrapRequests('Device', { connectionRequestUsername: 'cr-user', connectionRequestPassword: 'cr-secret', periodicInformInterval: 300 }, 'bench')[0];

function provisionedModel(index: number): DeviceModel {
  const model = new DeviceModel(profile, contextOf(index));
  model.deviceId();
  model.setParameterValues(provisioning.parameterList, PROVISIONING_PARAMETER_KEY);
  model.confirmInform();
  return model;
}

/** The naive per-CPE copy: every concrete parameter of the device's own tree, with its own strings. */
function naiveCopy(model: DeviceModel): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of model.getParameterValues([ROOT])) map.set(p.name, p.value);
  return map;
}

// ---------------------------------------------------------------- memory

const profileText = await readFile(resolveProfilePath(PROFILE), 'utf8');
const compiled = retainedBytes(() => compileProfileText(profileText, PROFILE)).bytes;
const untouched = retainedBytes(() => Array.from({ length: MODELS }, (_, i) => new DeviceModel(profile, contextOf(i)))).bytes / MODELS;
const provisioned = retainedBytes(() => Array.from({ length: MODELS }, (_, i) => provisionedModel(i))).bytes / MODELS;
const ownStrings = retainedBytes(() => Array.from({ length: NAIVE_COPIES }, (_, i) => naiveCopy(new DeviceModel(profile, contextOf(i))))).bytes / NAIVE_COPIES;
// Lower bound of the naive design: copies that share one set of path and value strings (only the Maps are per CPE).
const shared = naiveCopy(new DeviceModel(profile, contextOf(0)));
const sharedStrings = retainedBytes(() => Array.from({ length: NAIVE_COPIES }, () => new Map(shared))).bytes / NAIVE_COPIES;

const mb = (bytesPerCpe: number): string => `${((bytesPerCpe * MODELS) / 2 ** 20).toFixed(1)} MB`.padStart(12);
const memoryRow = (what: string, n: number, bytesPerCpe: number): string => `  ${`${what} (n=${n})`.padEnd(46)} ${int(bytesPerCpe)}   ${mb(bytesPerCpe)}`;
console.log(`profile ${PROFILE}: ${profile.parameterCount} parameters, ${shared.size} concrete; compiled once per worker: ~${int(compiled / 1024, 0)} KB`);
console.log(`${'memory per CPE (heap after GC)'.padEnd(48)} ${'bytes/CPE'.padStart(10)}   ${`× ${MODELS.toLocaleString('en-US')} CPEs`.padStart(12)}`);
console.log(memoryRow('DeviceModel, untouched', MODELS, untouched));
console.log(memoryRow('DeviceModel, after bootstrap', MODELS, provisioned));
console.log(memoryRow('naive copy, own strings', NAIVE_COPIES, ownStrings));
console.log(memoryRow('naive copy, shared strings', NAIVE_COPIES, sharedStrings));
console.log(
  `  ratio naive/DeviceModel (after bootstrap): own strings ${ratio(ownStrings, provisioned)}, shared strings ${ratio(sharedStrings, provisioned)}`,
);

// ---------------------------------------------------------------- GetParameterValues speed

const model = provisionedModel(1);
const naive = naiveCopy(model);

/** The naive GetParameterValues: scan the whole copy for names under the path (a Map has no subtree index). */
function naiveGpv(prefix: string): ParameterValue[] {
  const out: ParameterValue[] = [];
  if (prefix === ROOT) for (const [name, value] of naive) out.push({ name, value });
  else for (const [name, value] of naive) if (name.startsWith(prefix)) out.push({ name, value });
  return out;
}

console.log('GetParameterValues                  DeviceModel ops/s   naive Map ops/s   ratio DeviceModel/naive');
const gpv: Record<string, { values: number; deviceModel: number; naiveMap: number }> = {};
for (const path of [ROOT, PARTIAL]) {
  const real = model.getParameterValues([path]);
  const copy = naiveGpv(path);
  // Same work on both sides, or the ratio means nothing. Names only: {{uptime}} and {{now}} values move.
  if (real.length !== copy.length || real.some((p, i) => p.name !== copy[i]!.name)) {
    throw new CpesimError('CPESIM_BENCH_MISMATCH', `GetParameterValues ${path}: DeviceModel and naive copy disagree`);
  }
  const a = opsPerSecond(() => model.getParameterValues([path]));
  const b = opsPerSecond(() => naiveGpv(path));
  console.log(`  ${`${path} (${real.length} values)`.padEnd(32)} ${int(a, 14)}   ${int(b, 15)}   ${ratio(a, b)}`);
  gpv[path] = { values: real.length, deviceModel: a, naiveMap: b };
}
if (sinkValue() === -1) console.log('');
publish({
  rows: [
    { metric: `DeviceModel heap per CPE after bootstrap (${PROFILE})`, value: provisioned, unit: 'B' },
    { metric: 'naive per-CPE copy ÷ DeviceModel heap (own strings)', value: ownStrings / provisioned, unit: 'x' },
  ],
  data: {
    profile: PROFILE,
    parameters: profile.parameterCount,
    concreteParameters: shared.size,
    compiledProfileBytes: compiled,
    heapBytesPerCpe: { deviceModelUntouched: untouched, deviceModelAfterBootstrap: provisioned, naiveOwnStrings: ownStrings, naiveSharedStrings: sharedStrings },
    samples: { deviceModels: MODELS, naiveCopies: NAIVE_COPIES },
    getParameterValuesOpsPerCpuSecond: gpv,
  },
});
