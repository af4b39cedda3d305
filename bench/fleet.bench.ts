/**
 * Whole-stack throughput on loopback: K VirtualCpes (TR-181) running back-to-back CWMP sessions against
 * the reference ACS (provisioning off, in its own process), against the cost floor of HTTP + ACS measured
 * in the same run: a raw undici client POSTing a prebuilt Inform and an empty POST with the same
 * concurrency. Rounds alternate between the two so that machine noise hits both alike; medians are printed.
 * Run: node dist/bench/fleet.bench.js
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Client } from 'undici';
import type { AcsStats } from '../src/acs/server.js';
import { buildCpeMessage } from '../src/cwmp/build.js';
import { cwmpNamespace } from '../src/cwmp/namespaces.js';
import { VirtualCpe } from '../src/cpe/virtual-cpe.js';
import { DeviceModel } from '../src/datamodel/device-model.js';
import { loadProfile } from '../src/datamodel/profile-loader.js';
import { CpesimError } from '../src/errors.js';
import { MetricsRegistry } from '../src/metrics/registry.js';
import type { AcsProcessMessage, AcsProcessRequest } from './acs-process.js';
import { cpuMs, median, ratio } from './harness.js';

const CONCURRENCY = 8;
const SESSIONS_PER_ROUND = 1500;
const WARMUP_SESSIONS = 300;
const ROUNDS = 3;
/** A round that takes longer than this means something hangs: fail instead of eating the bench budget. */
const ROUND_TIMEOUT_MS = 60_000;

/** One session of one simulated client; resolves true when it completed normally. */
type SessionRunner = () => Promise<boolean>;

interface RoundResult {
  perSecond: number;
  meanMs: number;
  clientCpuMs: number;
  acsCpuMs: number;
}

// ---------------------------------------------------------------- the ACS child process

class AcsProcess {
  private readonly waiting: ((m: AcsProcessMessage) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: AcsProcessMessage) => this.waiting.shift()?.(m));
  }

  static start(): Promise<AcsProcess> {
    const child = fork(new URL('./acs-process.js', import.meta.url), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new CpesimError('CPESIM_BENCH_ACS_EXIT', `ACS process exited (${code}) before it was ready`)));
      child.once('message', (m: AcsProcessMessage) => {
        if (m.type === 'ready') resolve(new AcsProcess(child, m.url));
        else reject(new CpesimError('CPESIM_BENCH_ACS_PROTOCOL', `ACS process sent ${m.type} before ready`));
      });
    });
  }

  usage(): Promise<{ cpuMs: number; stats: AcsStats }> {
    return new Promise((resolve, reject) => {
      this.waiting.push((m) => (m.type === 'usage' ? resolve(m) : reject(new CpesimError('CPESIM_BENCH_ACS_PROTOCOL', `expected usage, got ${m.type}`))));
      this.send({ type: 'usage' });
    });
  }

  close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ type: 'close' });
    return exited;
  }

  private send(request: AcsProcessRequest): void {
    this.child.send(request);
  }
}

// ---------------------------------------------------------------- the two kinds of client

const profile = await loadProfile('tr181');
const acs = await AcsProcess.start();
const endpoint = { url: acs.url, requestTimeoutMs: 10_000 };

function cpesimRunners(): SessionRunner[] {
  const observer = new MetricsRegistry();
  return Array.from({ length: CONCURRENCY }, (_, i) => {
    const cpe = new VirtualCpe({ index: i + 1, profile, acs: endpoint, observer, connectionRequestUrl: `http://10.0.0.${i + 1}:7547/cr` });
    return async () => {
      cpe.addEvent('2 PERIODIC');
      return (await cpe.runSession(performance.now())).ok;
    };
  });
}

/**
 * The floor: the same Inform (built once, from the same profile), its InformResponse read but not parsed,
 * then the empty POST with the session cookie. One connection per session, as a CWMP session has.
 */
function rawRunners(): SessionRunner[] {
  const { origin, pathname } = new URL(acs.url);
  const soapAction = `"${cwmpNamespace(profile.cwmpVersion)}#Inform"`;
  return Array.from({ length: CONCURRENCY }, (_, i) => {
    const model = new DeviceModel(profile, { index: 1000 + i, connectionRequestUrl: `http://10.0.1.${i + 1}:7547/cr`, bootTimeMs: Date.now() });
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
    return async () => {
      const client = new Client(origin, { pipelining: 1 });
      try {
        const informed = await client.request({
          path: pathname,
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: soapAction },
          body: inform,
        });
        const answer = await informed.body.text();
        const setCookie = informed.headers['set-cookie'];
        const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
        const ended = await client.request({
          path: pathname,
          method: 'POST',
          headers: cookie ? { 'content-length': '0', cookie } : { 'content-length': '0' },
          body: null,
        });
        await ended.body.dump();
        return informed.statusCode === 200 && answer.includes('InformResponse') && ended.statusCode === 204;
      } finally {
        await client.close();
      }
    };
  });
}

// ---------------------------------------------------------------- rounds

/** Runs `sessions` sessions over the runners, each runner one session at a time; checks the ACS saw them all end. */
async function round(label: string, runners: SessionRunner[], sessions: number): Promise<RoundResult> {
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
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CpesimError('CPESIM_BENCH_TIMEOUT', `${label}: round exceeded ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(loops), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const wallMs = performance.now() - t0;
  const clientCpuMs = cpuMs() - cpu0;
  const after = await acs.usage();
  const ended = after.stats.sessionsEnded - before.stats.sessionsEnded;
  const dropped = after.stats.sessionsDropped - before.stats.sessionsDropped;
  // A fast but broken round would make a meaningless ratio.
  if (failed > 0 || ended !== sessions || dropped > 0 || after.stats.protocolErrors > 0) {
    throw new CpesimError(
      'CPESIM_BENCH_SESSIONS',
      `${label}: ${failed} failed, ACS ended ${ended}/${sessions}, dropped ${dropped}, protocol errors ${after.stats.protocolErrors}`,
    );
  }
  return {
    perSecond: (sessions * 1000) / wallMs,
    meanMs: latencySum / sessions,
    clientCpuMs: clientCpuMs / sessions,
    acsCpuMs: (after.cpuMs - before.cpuMs) / sessions,
  };
}

try {
  const cpesim = cpesimRunners();
  const raw = rawRunners();
  // Warm-up: JIT, the ACS's code paths, and every VirtualCpe's BOOTSTRAP session out of the way.
  await round('cpesim warm-up', cpesim, WARMUP_SESSIONS);
  await round('raw warm-up', raw, WARMUP_SESSIONS);
  const results = { cpesim: [] as RoundResult[], raw: [] as RoundResult[] };
  for (let r = 0; r < ROUNDS; r++) {
    results.raw.push(await round(`raw round ${r + 1}`, raw, SESSIONS_PER_ROUND));
    results.cpesim.push(await round(`cpesim round ${r + 1}`, cpesim, SESSIONS_PER_ROUND));
  }
  const med = (rs: RoundResult[], key: keyof RoundResult): number => median(rs.map((x) => x[key]));
  const row = (name: string, rs: RoundResult[]): string =>
    `  ${name.padEnd(26)} ${med(rs, 'perSecond').toFixed(0).padStart(10)}   ${med(rs, 'meanMs').toFixed(2).padStart(7)}   ${med(rs, 'clientCpuMs').toFixed(3).padStart(13)}   ${med(rs, 'acsCpuMs').toFixed(3).padStart(10)}`;
  const rate = (key: keyof RoundResult): string => ratio(med(results.cpesim, key), med(results.raw, key)).padStart(key === 'perSecond' ? 10 : key === 'meanMs' ? 7 : key === 'clientCpuMs' ? 13 : 10);
  console.log(`reference ACS (provision off, own process) on loopback; ${CONCURRENCY} concurrent clients; ${ROUNDS} alternating rounds of ${SESSIONS_PER_ROUND} sessions; medians`);
  console.log(`  ${''.padEnd(26)} ${'sessions/s'.padStart(10)}   ${'mean ms'.padStart(7)}   ${'client CPU ms'.padStart(13)}   ${'ACS CPU ms'.padStart(10)}  (CPU per session)`);
  console.log(row('cpesim VirtualCpe (tr181)', results.cpesim));
  console.log(row('raw undici Inform+empty', results.raw));
  console.log(`  ${'ratio cpesim/raw'.padEnd(26)} ${rate('perSecond')}   ${rate('meanMs')}   ${rate('clientCpuMs')}   ${rate('acsCpuMs')}`);
} finally {
  await acs.close();
}
