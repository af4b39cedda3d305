/** The stub ACS (src/acs/minimal-acs.ts) in a child process of its own, so that its CPU time is not the client's. */
import { CpesimError } from '../src/errors.js';
import { PLAIN_PATH, type MinimalAcsStats } from '../src/acs/minimal-acs.js';
import type { Scenario, ScheduleSettings } from '../src/scenario/scenario.js';
import { BenchChild } from './child-process.js';

export { GPV_NAMES, GPV_PATH, PLAIN_PATH, type MinimalAcsStats } from '../src/acs/minimal-acs.js';

export type StubAcsRequest = { type: 'usage' } | { type: 'close' };
export type StubAcsMessage = { type: 'ready'; url: string } | { type: 'usage'; cpuMs: number; stats: MinimalAcsStats };

const ANSWER_TIMEOUT_MS = 10_000;

/** The parent's handle on a stub ACS child process (stub-acs-main.js): its URL, its CPU time and counters. */
export class StubAcsProcess {
  private constructor(
    private readonly child: BenchChild<StubAcsRequest, StubAcsMessage>,
    /** Base URL: append PLAIN_PATH or GPV_PATH. */
    readonly url: string,
  ) {}

  static async start(profileName: string): Promise<StubAcsProcess> {
    const child = BenchChild.start<StubAcsRequest, StubAcsMessage>(new URL('./stub-acs-main.js', import.meta.url), [profileName]);
    const m = await child.next(ANSWER_TIMEOUT_MS).catch((err: unknown) => {
      child.kill();
      throw err;
    });
    if (m.type !== 'ready') throw new CpesimError('CPESIM_BENCH_ACS_PROTOCOL', `stub ACS sent ${m.type} before ready`);
    return new StubAcsProcess(child, m.url);
  }

  /** A fleet of `count` CPEs of `profile` informing to the plain path (no auth, no TLS, no reference-ACS features). */
  scenario(name: string, profile: string, count: number, schedule: ScheduleSettings, durationMs: number): Scenario {
    return {
      name,
      file: undefined,
      durationMs,
      acs: { url: this.url + PLAIN_PATH, username: undefined, password: undefined, insecure: false, ca: undefined, requestTimeoutMs: 10_000 },
      referenceAcs: { provision: false, maxConcurrentSessions: undefined },
      fleet: [{ profile, count }],
      schedule,
      seed: 7,
    };
  }

  async usage(): Promise<{ cpuMs: number; stats: MinimalAcsStats }> {
    const m = await this.child.request({ type: 'usage' }, ANSWER_TIMEOUT_MS);
    if (m.type !== 'usage') throw new CpesimError('CPESIM_BENCH_ACS_PROTOCOL', `expected usage from the stub ACS, got ${m.type}`);
    return m;
  }

  async close(): Promise<void> {
    this.child.send({ type: 'close' });
    await this.child.exited(ANSWER_TIMEOUT_MS);
  }
}
