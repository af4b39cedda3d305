/**
 * Simulated IP ping and traceroute results (raw ICMP sockets are not available to an unprivileged simulator):
 * deterministic from a seed, shaped by where the resolved address lies (loopback: sub-millisecond, one hop;
 * private ranges: a few ms, 1-2 hops; elsewhere: 8-80 ms, 4-12 hops) and by the test's inputs (repetitions,
 * timeout, tries, MaxHopCount). Each result says how long the real test would have taken.
 */
import { isIP } from 'node:net';
import { seededRandom } from '../random.js';

/** The pause between two echo requests of a ping (the ping(8) default). */
export const PING_INTERVAL_MS = 1000;

/** 32-bit FNV-1a of a string: a seed from the CPE, the test and the host. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

type Reach = 'loopback' | 'private' | 'remote';

function reachOf(address: string): Reach {
  if (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')) return 'loopback';
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|f[cd][0-9a-f]{2}:|fe80:)/i.test(address)) return 'private';
  return 'remote';
}

/** Base round-trip time (ms) to an address, and how many hops away it is. */
function pathTo(address: string, random: () => number): { rttMs: number; hops: number; loss: number } {
  switch (reachOf(address)) {
    case 'loopback':
      return { rttMs: 0.02 + random() * 0.1, hops: 1, loss: 0 };
    case 'private':
      return { rttMs: 0.5 + random() * 3, hops: 1 + Math.floor(random() * 2), loss: 0.005 };
    case 'remote':
      return { rttMs: 8 + random() * 72, hops: 4 + Math.floor(random() * 9), loss: 0.02 };
  }
}

export interface PingInputs {
  address: string;
  repetitions: number;
  timeoutMs: number;
}

export interface PingResult {
  successCount: number;
  failureCount: number;
  /** Round-trip times in microseconds (0 when nothing answered). */
  averageUs: number;
  minimumUs: number;
  maximumUs: number;
  durationMs: number;
}

/** One echo request per PING_INTERVAL_MS; a reply later than the timeout (or lost) is a failure. */
export function simulatePing(input: PingInputs, seed: number): PingResult {
  const random = seededRandom(seed);
  const path = pathTo(input.address, random);
  const times: number[] = [];
  let last = 0;
  for (let i = 0; i < input.repetitions; i++) {
    const rtt = path.rttMs * (0.8 + 0.4 * random());
    const answered = random() >= path.loss && rtt <= input.timeoutMs;
    if (answered) times.push(Math.max(1, Math.round(rtt * 1000)));
    last = answered ? rtt : input.timeoutMs;
  }
  const sum = times.reduce((a, b) => a + b, 0);
  return {
    successCount: times.length,
    failureCount: input.repetitions - times.length,
    averageUs: times.length ? Math.round(sum / times.length) : 0,
    minimumUs: times.length ? Math.min(...times) : 0,
    maximumUs: times.length ? Math.max(...times) : 0,
    durationMs: (input.repetitions - 1) * Math.max(PING_INTERVAL_MS, input.timeoutMs) + last,
  };
}

export interface TraceRouteInputs {
  /** The Host as the ACS wrote it (the last hop's name). */
  host: string;
  address: string;
  tries: number;
  timeoutMs: number;
  maxHops: number;
}

export interface TraceRouteHop {
  /** Empty when no try of this hop answered within the timeout ("*"). */
  host: string;
  address: string;
  errorCode: number;
  /** One round-trip time (ms) per try, 0 for a try that timed out. */
  rtTimesMs: number[];
}

export interface TraceRouteResult {
  /** The destination answered within MaxHopCount hops. */
  reached: boolean;
  hops: TraceRouteHop[];
  /** Average round trip (ms) to the destination (0 when not reached). */
  responseTimeMs: number;
  durationMs: number;
}

/** An intermediate router's address on the way (documentation-free, plausible provider ranges). */
function routerAddress(target: string, hop: number, seed: number): string {
  if (isIP(target) === 6) return `2001:db8:${(seed & 0xfff).toString(16)}:${hop}::1`;
  return `100.${64 + ((seed >>> 8) & 63)}.${(seed >>> 16) & 255}.${hop}`;
}

/** Probes hop 1.. until the destination answers or MaxHopCount is reached; NumberOfTries probes per hop. */
export function simulateTraceRoute(input: TraceRouteInputs, seed: number): TraceRouteResult {
  const random = seededRandom(seed);
  const path = pathTo(input.address, random);
  const probed = Math.min(path.hops, input.maxHops);
  const hops: TraceRouteHop[] = [];
  let durationMs = 0;
  let reached = false;
  let responseTimeMs = 0;
  for (let k = 1; k <= probed; k++) {
    const last = k === path.hops;
    const rtTimesMs: number[] = [];
    const answeredTimes: number[] = [];
    for (let t = 0; t < input.tries; t++) {
      const rtt = path.rttMs * (k / path.hops) * (0.8 + 0.4 * random());
      const answered = rtt <= input.timeoutMs;
      durationMs += answered ? rtt : input.timeoutMs;
      const ms = answered ? Math.max(1, Math.round(rtt)) : 0;
      rtTimesMs.push(ms);
      if (answered) answeredTimes.push(ms);
    }
    const answered = answeredTimes.length > 0;
    const address = last ? input.address : routerAddress(input.address, k, seed);
    hops.push({ host: answered ? (last ? input.host : address) : '', address: answered ? address : '', errorCode: 0, rtTimesMs });
    if (last && answered) {
      reached = true;
      responseTimeMs = Math.round(answeredTimes.reduce((a, b) => a + b, 0) / answeredTimes.length);
    }
  }
  return { reached, hops, responseTimeMs, durationMs };
}
