/**
 * slowAnswers and randomFaults draw from the scenario seed (src/quirks/quirk-random.ts): the same seed gives every
 * CPE the same faults and delays session by session, whatever the worker split; another seed gives others.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { deriveSeed } from '../../src/random.js';
import { RunControl } from '../../src/fleet/run-control.js';
import { runFleet } from '../../src/fleet/run-fleet.js';
import { RANDOM_QUIRKS, sessionQuirkRandom, slowAnswerMs } from '../../src/quirks/quirk-random.js';
import type { QuirkSet } from '../../src/quirks/quirk-set.js';
import { testScenario } from '../fleet/fleet-harness.js';
import { quirkyProfile } from './quirk-harness.js';
import { gpv, RecordingAcs } from './recording-acs.js';

const CPES = 4;
const RPCS = 6;
const SESSIONS = 2;
const LATENCY_MS = 40;
const JITTER_MS = 40;

/** What the ACS saw of one session: per RPC, whether the answer was a Fault, and the time it took to come. */
interface SeenSession {
  faults: boolean[];
  gapsMs: number[];
}

/** Key `index.session` (the Inform's cwmp:ID) → what that session of that CPE answered. */
type Seen = Map<string, SeenSession>;

describe('random quirks draw from the scenario seed', () => {
  let acs: RecordingAcs;
  let profilePath: string;
  let quirks: QuirkSet;
  before(async () => {
    acs = await RecordingAcs.start();
    const dir = await mkdtemp(join(tmpdir(), 'cpesim-quirk-seed-'));
    profilePath = join(dir, 'dice.yaml');
    await writeFile(
      profilePath,
      'profile: dice\nextends: tr181\ndeviceId: { manufacturer: Acme, oui: 00AABB, productClass: GW, serialNumber: "DICE{{index}}" }\n' +
        `quirks:\n  slowAnswers: { latency: ${LATENCY_MS}ms, jitter: ${JITTER_MS}ms }\n  randomFaults: { rate: 0.5, code: 9002 }\n`,
    );
    quirks = (await loadProfile(profilePath)).quirks;
  });
  after(async () => acs.close());

  /** A fleet run against the recording ACS, which sends RPCS GetParameterValues per session; stops after SESSIONS sessions of every CPE. */
  async function run(seed: number, workers: number): Promise<Seen> {
    const seen: Seen = new Map();
    const open = new Map<number, { key: string; sent: number; session: SeenSession; lastAnsweredAt: number }>();
    acs.reset({
      hook: (req) => {
        const id = /<cwmp:Inform>/.test(req.body) ? /<cwmp:ID[^>]*>([^<]*)<\/cwmp:ID>/.exec(req.body)?.[1] : undefined;
        if (id !== undefined) {
          open.set(req.conn, { key: id, sent: 0, session: { faults: [], gapsMs: [] }, lastAnsweredAt: 0 });
          return undefined; // the InformResponse
        }
        const state = open.get(req.conn)!;
        if (state.sent > 0) {
          state.session.faults.push(/<[\w-]+:Fault>/.test(req.body));
          state.session.gapsMs.push(req.receivedAt - state.lastAnsweredAt);
        }
        if (state.sent === RPCS) {
          seen.set(state.key, state.session);
          return { status: 204 };
        }
        state.sent++;
        // Stamped here, a moment before the answer goes out: the gap measured is never longer than the true one's start.
        state.lastAnsweredAt = performance.now();
        return { status: 200, body: gpv(['Device.DeviceInfo.UpTime'], `rpc-${state.sent}`) };
      },
    });
    const control = new RunControl();
    const done = () => Array.from({ length: CPES }, (_, i) => seen.has(`${i}.${SESSIONS}`)).every(Boolean);
    const result = await runFleet(
      testScenario(acs.url, { seed, fleet: [{ profile: profilePath, count: CPES }], schedule: { periodicIntervalS: 1, jitter: 0 } }),
      { acs: { url: acs.url, requestTimeoutMs: 10_000 }, workers, progressIntervalMs: 100, control, onProgress: () => done() && control.stop() },
    );
    assert.equal(result.shardFailures.length, 0, JSON.stringify(result.shardFailures));
    assert.ok(done(), `sessions seen: ${[...seen.keys()].join(' ')}`);
    return seen;
  }

  const sequences = (seen: Seen) => Array.from({ length: CPES * SESSIONS }, (_, n) => `${n % CPES}.${1 + Math.floor(n / CPES)}`).map((key) => [key, seen.get(key)!.faults]);

  it('the same seed repeats every CPE\'s fault sequence (one worker or two); another seed changes it', { timeout: 120_000 }, async () => {
    const first = await run(7, 1);
    const again = await run(7, 2);
    const other = await run(8, 1);
    assert.deepEqual(sequences(again), sequences(first));
    assert.notDeepEqual(sequences(other), sequences(first));
    // Rate 0.5 over 48 answers: both outcomes occur (the quirk is on), and sessions differ from each other.
    const all = sequences(first).flatMap(([, f]) => f as boolean[]);
    assert.ok(all.includes(true) && all.includes(false), JSON.stringify(all));
    assert.notDeepEqual(first.get('0.1')!.faults, first.get('0.2')!.faults);

    // The draws on the wire are the seeded ones, in order: per RPC the fault's coin, then the answer's delay.
    for (const [seed, seen] of [[7, first], [8, other]] as const) {
      for (const [key, session] of seen) {
        const [index, n] = key.split('.').map(Number) as [number, number];
        const random = sessionQuirkRandom(quirks, seed, index, n)!;
        for (let k = 0; k < RPCS; k++) {
          assert.equal(session.faults[k], random() < quirks.randomFaultRate, `seed ${seed}, session ${key}, RPC ${k + 1}`);
          const delayMs = slowAnswerMs(quirks, random);
          // A lower bound only (the delay is deliberate; how much longer the trip takes depends on the machine).
          assert.ok(session.gapsMs[k]! >= delayMs - 2, `seed ${seed}, session ${key}, RPC ${k + 1}: answer after ${session.gapsMs[k]} ms, drawn ${delayMs} ms`);
        }
      }
    }
  });
});

describe('sessionQuirkRandom', () => {
  it('is there only for profiles with a random quirk', () => {
    assert.equal(sessionQuirkRandom(quirkyProfile('booleansAsDigits: true').quirks, 1, 0, 1), undefined);
    assert.equal(sessionQuirkRandom(quirkyProfile(undefined).quirks, 1, 0, 1), undefined);
    for (const q of ['slowAnswers: true', 'randomFaults: true']) {
      const quirks = quirkyProfile(q).quirks;
      assert.ok(quirks.flags & RANDOM_QUIRKS);
      assert.equal(typeof sessionQuirkRandom(quirks, 1, 0, 1), 'function', q);
    }
  });

  it('repeats for the same seed, CPE and session; any of the three changes the sequence', () => {
    const quirks = quirkyProfile('randomFaults: true').quirks;
    const draws = (seed: number, index: number, session: number) => Array.from({ length: 8 }, sessionQuirkRandom(quirks, seed, index, session)!);
    const base = draws(42, 3, 1);
    assert.deepEqual(draws(42, 3, 1), base);
    for (const x of base) assert.ok(x >= 0 && x < 1);
    for (const other of [draws(43, 3, 1), draws(42, 4, 1), draws(42, 3, 2), draws(3, 42, 1)]) assert.notDeepEqual(other, base);
  });

  it('deriveSeed mixes all three numbers into 32 bits', () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 4; seed++) for (let a = 0; a < 16; a++) for (let b = 0; b < 16; b++) seeds.add(deriveSeed(seed, a, b));
    assert.equal(seeds.size, 4 * 16 * 16);
    for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
  });
});
