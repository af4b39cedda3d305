import type { CpeState, ErrorKind, LatencyName, SessionObserver } from './observer.js';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from './histogram.js';

/** Gauges: how many CPEs are in each state right now. */
export type CpeGauges = Record<CpeState, number>;

/** Plain, transferable picture of a registry: what a shard sends to the coordinator (and what results are made of). */
export interface MetricsSnapshot {
  sessions: { started: number; completed: number; failed: number };
  errors: Partial<Record<ErrorKind, number>>;
  /** The first few distinct error details per kind, so a user sees *what* went wrong, not only how often. */
  errorSamples: Partial<Record<ErrorKind, string[]>>;
  bytes: { sent: number; received: number };
  /** Gauges at the snapshot's time: CPEs per state, and sessions started but not yet ended. */
  cpes: CpeGauges;
  sessionsInFlight: number;
  /** Encoded HDR histograms (µs), measured from the intended start (`intended`) and from the actual send (`actual`). */
  latency: Record<string, { intended: string; actual: string }>;
}

const SAMPLES_PER_KIND = 5;

interface LatencyPair {
  intended: Histogram;
  actual: Histogram;
}

/** The SessionObserver that counts and records everything a shard measures. */
export class MetricsRegistry implements SessionObserver {
  readonly sessions = { started: 0, completed: 0, failed: 0 };
  readonly errors: Partial<Record<ErrorKind, number>> = {};
  private readonly errorSamples: Partial<Record<ErrorKind, string[]>> = {};
  readonly bytesTotal = { sent: 0, received: 0 };
  readonly cpes: CpeGauges = { booting: 0, online: 0, offline: 0 };
  private readonly histograms = new Map<string, LatencyPair>();

  get inFlight(): number {
    return this.sessions.started - this.sessions.completed - this.sessions.failed;
  }

  latency(name: LatencyName, fromIntendedMs: number, fromActualMs: number): void {
    let pair = this.histograms.get(name);
    if (!pair) {
      pair = { intended: newHistogram(), actual: newHistogram() };
      this.histograms.set(name, pair);
    }
    recordMs(pair.intended, fromIntendedMs);
    recordMs(pair.actual, fromActualMs);
  }

  histogram(name: LatencyName, from: 'intended' | 'actual' = 'intended'): Histogram | undefined {
    return this.histograms.get(name)?.[from];
  }

  sessionStarted(): void {
    this.sessions.started++;
  }

  sessionCompleted(): void {
    this.sessions.completed++;
  }

  sessionFailed(kind: ErrorKind, detail: string): void {
    this.sessions.failed++;
    this.error(kind, detail);
  }

  error(kind: ErrorKind, detail: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    const samples = (this.errorSamples[kind] ??= []);
    if (samples.length < SAMPLES_PER_KIND && !samples.includes(detail)) samples.push(detail);
  }

  bytes(sent: number, received: number): void {
    this.bytesTotal.sent += sent;
    this.bytesTotal.received += received;
  }

  cpeState(from: CpeState | undefined, to: CpeState): void {
    if (from !== undefined) this.cpes[from]--;
    this.cpes[to]++;
  }

  snapshot(): MetricsSnapshot {
    const latency: MetricsSnapshot['latency'] = {};
    for (const [name, pair] of this.histograms) {
      latency[name] = { intended: encodeHistogram(pair.intended), actual: encodeHistogram(pair.actual) };
    }
    return {
      sessions: { ...this.sessions },
      errors: { ...this.errors },
      errorSamples: structuredClone(this.errorSamples),
      bytes: { ...this.bytesTotal },
      cpes: { ...this.cpes },
      sessionsInFlight: this.inFlight,
      latency,
    };
  }
}
