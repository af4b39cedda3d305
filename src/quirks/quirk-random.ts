/**
 * The draws of the quirks that are random (slowAnswers' jitter, randomFaults' coin): seeded from the scenario seed,
 * so a run with the same seed answers the same ACS dialogue with the same faults and delays, CPE by CPE, and
 * another seed answers differently. Each session of a quirky CPE gets its own generator, seeded from the scenario
 * seed, the CPE's global index and the CPE's session number: a CPE's sequence does not depend on the shard layout
 * or on the other CPEs' timing, and no CPE keeps state for it (a per-CPE generator would cost each quirky CPE of a
 * million-CPE fleet an object; CPEs without these quirks get nothing at all).
 */
import { CpesimError } from '../errors.js';
import { deriveSeed, seededRandom } from '../random.js';
import { QUIRK, type QuirkSet } from './quirk-set.js';

/** The quirks that draw random numbers. */
export const RANDOM_QUIRKS = QUIRK.slowAnswers | QUIRK.randomFaults;

/** The [0, 1) source of one session's random quirks; undefined when the profile has none of them. */
export function sessionQuirkRandom(quirks: QuirkSet, seed: number, cpeIndex: number, session: number): (() => number) | undefined {
  return quirks.flags & RANDOM_QUIRKS ? seededRandom(deriveSeed(seed, cpeIndex, session)) : undefined;
}

/** Stands in when a session with a random quirk was given no source: a simulator bug (the session fails as internal). */
export function missingQuirkRandom(): number {
  throw new CpesimError('CPESIM_INTERNAL', 'a random quirk (slowAnswers, randomFaults) has no seeded source in this session');
}

/** slowAnswers: latency ± jitter, uniform. */
export function slowAnswerMs(q: QuirkSet, random: () => number): number {
  return Math.max(0, q.slowLatencyMs + (random() * 2 - 1) * q.slowJitterMs);
}
