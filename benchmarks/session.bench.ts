/**
 * Client CPU per CWMP session on loopback, against the stub ACS in its own process (so this process's CPU
 * time is the client's alone), with the same concurrency for three kinds of session:
 *   floor  raw undici: a new Client (TCP connection) per session, kept alive within it, a fixed template
 *          Inform body built once, no data model; then the empty POST; then close. What HTTP alone costs.
 *   plain  cpesim's VirtualCpe (tr181): Inform/InformResponse, empty POST/204.
 *   gpv    the same with one GetParameterValues of 50 names answered from the data model before the 204.
 * Rounds alternate between the kinds so machine noise hits all alike; medians of CPU µs per session
 * (process.cpuUsage deltas) and ratios to the floor are reported. Target (scale issue #7): plain <= 1.5x floor.
 * Run: node dist/benchmarks/session.bench.js
 */
import { Client } from 'undici';
import { buildCpeMessage } from '../src/cwmp/build.js';
import { cwmpNamespace } from '../src/cwmp/namespaces.js';
import { VirtualCpe, type AcsEndpoint } from '../src/cpe/virtual-cpe.js';
import { DeviceModel } from '../src/datamodel/device-model.js';
import { loadProfile } from '../src/datamodel/profile-loader.js';
import { CpesimError } from '../src/errors.js';
import { disableAllocationSitePretenuring } from '../src/fleet/v8-tuning.js';
import { MetricsRegistry } from '../src/metrics/registry.js';
import { cpuMs, median, publish, ratio, withTimeout } from './harness.js';
import { GPV_NAMES, GPV_PATH, PLAIN_PATH, StubAcsProcess, type MinimalAcsStats } from './stub-acs-process.js';

const PROFILE = 'tr181';
const CONCURRENCY = 8;
const SESSIONS_PER_ROUND = 1000;
const WARMUP_SESSIONS = 300;
const ROUNDS = 5;
/** A round that takes longer than this means something hangs. */
const ROUND_TIMEOUT_MS = 60_000;
const PLAIN_TARGET = 1.5;

/** One session of one simulated client; resolves true when it completed normally. */
type SessionRunner = () => Promise<boolean>;
type Kind = 'floor' | 'plain' | 'gpv';
const KINDS: readonly Kind[] = ['floor', 'plain', 'gpv'];

interface RoundResult {
  perSecond: number;
  meanMs: number;
  clientCpuUs: number;
  acsCpuUs: number;
}

// The V8 setting a fleet runs with (runFleet), for the floor and cpesim alike.
disableAllocationSitePretenuring();
const profile = await loadProfile(PROFILE);
const acs = await StubAcsProcess.start(PROFILE);

function endpoint(path: string): AcsEndpoint {
  // One endpoint object per kind, as a fleet shares one.
  return { url: acs.url + path, requestTimeoutMs: 10_000 };
}

function cpesimRunners(path: string): SessionRunner[] {
  const observer = new MetricsRegistry();
  const acsEndpoint = endpoint(path);
  return Array.from({ length: CONCURRENCY }, (_, i) => {
    const cpe = new VirtualCpe({ index: i + 1, profile, acs: acsEndpoint, observer, connectionRequestUrl: `http://10.0.0.${i + 1}:7547/cr` });
    return async () => {
      cpe.addEvent('2 PERIODIC');
      return (await cpe.runSession(performance.now())).ok;
    };
  });
}

function floorRunners(): SessionRunner[] {
  const { origin, pathname } = new URL(acs.url + PLAIN_PATH);
  const soapAction = `"${cwmpNamespace(profile.cwmpVersion)}#Inform"`;
  const model = new DeviceModel(profile, { index: 1000, connectionRequestUrl: 'http://10.0.1.1:7547/cr', bootTimeMs: Date.now() });
  // The same Inform a plain session sends, built once: the floor does no per-session message work.
  const inform = buildCpeMessage(
    {
      method: 'Inform',
      deviceId: model.deviceId(),
      events: [{ code: '2 PERIODIC', commandKey: '' }],
      maxEnvelopes: 1,
      currentTime: new Date().toISOString(),
      retryCount: 0,
      parameterList: model.informParameters(),
    },
    { cwmpVersion: profile.cwmpVersion, id: '1' },
  );
  const informHeaders = { 'content-type': 'text/xml; charset="utf-8"', soapaction: soapAction };
  const emptyHeaders = { 'content-length': '0' };
  const session: SessionRunner = async () => {
    const client = new Client(origin, { pipelining: 1 });
    try {
      const informed = await client.request({ path: pathname, method: 'POST', headers: informHeaders, body: inform });
      const answer = await informed.body.text();
      const ended = await client.request({ path: pathname, method: 'POST', headers: emptyHeaders, body: null });
      await ended.body.dump();
      return informed.statusCode === 200 && answer.includes('InformResponse') && ended.statusCode === 204;
    } finally {
      await client.close();
    }
  };
  return Array.from({ length: CONCURRENCY }, () => session);
}

function delta(after: MinimalAcsStats, before: MinimalAcsStats, key: keyof MinimalAcsStats): number {
  return after[key] - before[key];
}

/** Runs `sessions` sessions over the runners, each runner one session at a time; checks the stub saw them all end. */
async function round(label: string, kind: Kind, runners: SessionRunner[], sessions: number): Promise<RoundResult> {
  const before = await acs.usage();
  let started = 0;
  let failed = 0;
  let latencySum = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const loops = runners.map(async (run) => {
    while (started < sessions) {
      started++;
      const s = performance.now();
      if (!(await run())) failed++;
      latencySum += performance.now() - s;
    }
  });
  await withTimeout(Promise.all(loops), ROUND_TIMEOUT_MS, label);
  const wallMs = performance.now() - t0;
  const clientCpuMs = cpuMs() - cpu0;
  const after = await acs.usage();
  const ended = delta(after.stats, before.stats, 'ended');
  const gpvAnswered = delta(after.stats, before.stats, 'gpvAnswered');
  const unexpected = delta(after.stats, before.stats, 'unexpected');
  // A fast but broken round would make a meaningless ratio.
  if (failed > 0 || ended !== sessions || unexpected > 0 || gpvAnswered !== (kind === 'gpv' ? sessions : 0)) {
    throw new CpesimError(
      'CPESIM_BENCH_SESSIONS',
      `${label}: ${failed} failed, stub ACS ended ${ended}/${sessions}, GPV answered ${gpvAnswered}, unexpected requests ${unexpected}`,
    );
  }
  return {
    perSecond: (sessions * 1000) / wallMs,
    meanMs: latencySum / sessions,
    clientCpuUs: (clientCpuMs * 1000) / sessions,
    acsCpuUs: ((after.cpuMs - before.cpuMs) * 1000) / sessions,
  };
}

try {
  const runners: Record<Kind, SessionRunner[]> = { floor: floorRunners(), plain: cpesimRunners(PLAIN_PATH), gpv: cpesimRunners(GPV_PATH) };
  // Warm-up: JIT, the stub's code paths, and every VirtualCpe's BOOTSTRAP session out of the way.
  for (const kind of KINDS) await round(`${kind} warm-up`, kind, runners[kind], WARMUP_SESSIONS);
  const rounds: Record<Kind, RoundResult[]> = { floor: [], plain: [], gpv: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of KINDS) rounds[kind].push(await round(`${kind} round ${r + 1}`, kind, runners[kind], SESSIONS_PER_ROUND));
  }
  const med = (kind: Kind, key: keyof RoundResult): number => median(rounds[kind].map((x) => x[key]));
  const floorCpu = med('floor', 'clientCpuUs');
  const names: Record<Kind, string> = {
    floor: 'floor: raw undici',
    plain: 'cpesim plain session',
    gpv: `cpesim + GPV of ${GPV_NAMES}`,
  };
  console.log(
    `stub ACS (own process) on loopback; ${PROFILE}; ${CONCURRENCY} concurrent clients; ${ROUNDS} alternating rounds of ` +
      `${SESSIONS_PER_ROUND} sessions per kind; medians; CPU per session`,
  );
  console.log(`  ${''.padEnd(26)} ${'sessions/s'.padStart(10)}   ${'mean ms'.padStart(7)}   ${'client CPU µs'.padStart(13)}   ${'÷ floor'.padStart(7)}   ${'ACS CPU µs'.padStart(10)}`);
  for (const kind of KINDS) {
    console.log(
      `  ${names[kind].padEnd(26)} ${med(kind, 'perSecond').toFixed(0).padStart(10)}   ${med(kind, 'meanMs').toFixed(2).padStart(7)}   ` +
        `${med(kind, 'clientCpuUs').toFixed(0).padStart(13)}   ${ratio(med(kind, 'clientCpuUs'), floorCpu).padStart(7)}   ${med(kind, 'acsCpuUs').toFixed(0).padStart(10)}`,
    );
  }
  const plainRatio = med('plain', 'clientCpuUs') / floorCpu;
  console.log(`  target: plain session CPU <= ${PLAIN_TARGET}x the floor: ${plainRatio <= PLAIN_TARGET ? 'PASS' : 'MISS'} (${plainRatio.toFixed(2)}x)`);
  publish({
    rows: [
      { metric: 'client CPU per session, floor (raw undici)', value: floorCpu, unit: 'µs' },
      { metric: 'client CPU per session, plain', value: med('plain', 'clientCpuUs'), unit: 'µs' },
      { metric: 'plain session CPU ÷ floor', value: plainRatio, unit: 'x', target: { max: PLAIN_TARGET, text: `<= ${PLAIN_TARGET}x` } },
      { metric: `client CPU per session, GPV ${GPV_NAMES}`, value: med('gpv', 'clientCpuUs'), unit: 'µs' },
      { metric: `GPV ${GPV_NAMES} session CPU ÷ floor`, value: med('gpv', 'clientCpuUs') / floorCpu, unit: 'x' },
    ],
    data: {
      profile: PROFILE,
      concurrency: CONCURRENCY,
      sessionsPerRound: SESSIONS_PER_ROUND,
      rounds: ROUNDS,
      median: Object.fromEntries(
        KINDS.map((kind) => [
          kind,
          { perSecond: med(kind, 'perSecond'), meanMs: med(kind, 'meanMs'), clientCpuUs: med(kind, 'clientCpuUs'), acsCpuUs: med(kind, 'acsCpuUs') },
        ]),
      ),
      ratioToFloor: { plain: plainRatio, gpv: med('gpv', 'clientCpuUs') / floorCpu },
      perRound: rounds,
    },
  });
} finally {
  await acs.close();
}
