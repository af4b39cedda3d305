import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { CpeState, ErrorKind, LatencyName, SessionObserver } from './observer.js';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from './histogram.js';
import { checkIncrement, type CounterName, type CounterSink, type Counters } from './counters.js';

/** Gauges: how many CPEs are in each state right now. */
export type CpeGauges = Record<CpeState, number>;

/** Counters, gauges and encoded histograms of a set of CPEs: a whole shard, or the CPEs of one profile on it. */
export interface MetricsCounts {
  sessions: { started: number; completed: number; failed: number };
  errors: Partial<Record<ErrorKind, number>>;
  bytes: { sent: number; received: number };
  /** Gauges at the snapshot's time: CPEs per state, and sessions started but not yet ended. */
  cpes: CpeGauges;
  sessionsInFlight: number;
  /** Encoded HDR histograms (µs), measured from the intended start (`intended`) and from the actual send (`actual`). */
  latency: Record<string, { intended: string; actual: string }>;
}

/** Plain, transferable picture of a registry: what a shard sends to the coordinator (and what results are made of). */
export interface MetricsSnapshot extends MetricsCounts {
  /** The first few distinct error details per kind, so a user sees *what* went wrong, not only how often. */
  errorSamples: Partial<Record<ErrorKind, string[]>>;
  /**
   * The same numbers per profile (key: the fleet group's `profile` as the scenario or `--profile` wrote it). The
   * top-level numbers are the sum of these plus whatever was recorded on the registry itself (nothing, in a fleet).
   */
  profiles: Record<string, MetricsCounts>;
  /**
   * Named event counters (counters.ts), for the whole shard only: what they count (connection requests) arrives
   * at the shard's listener, not at a CPE's profile part.
   */
  counters: Counters;
}

const SAMPLES_PER_KIND = 5;

interface LatencyPair {
  intended: Histogram;
  actual: Histogram;
}

type ErrorSamples = Partial<Record<ErrorKind, string[]>>;

/**
 * The counters, gauges and histograms of one part of a registry (one profile). Recording costs the same as before
 * profiles existed: a CPE is bound to its part at construction, so no lookup by profile name per sample.
 */
export class ProfileMetrics implements SessionObserver {
  readonly sessions = { started: 0, completed: 0, failed: 0 };
  readonly errors: Partial<Record<ErrorKind, number>> = {};
  readonly bytesTotal = { sent: 0, received: 0 };
  readonly cpes: CpeGauges = { booting: 0, online: 0, offline: 0 };
  readonly histograms = new Map<string, LatencyPair>();

  /** `samples`: the registry's error details, shared by its parts (kept for the whole shard, not per profile). */
  constructor(private readonly samples: ErrorSamples) {}

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
    const samples = (this.samples[kind] ??= []);
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

  /** Counters and gauges (histograms are encoded by the registry, which may reuse them for the totals). */
  counts(latency: MetricsCounts['latency']): MetricsCounts {
    return {
      sessions: { ...this.sessions },
      errors: { ...this.errors },
      bytes: { ...this.bytesTotal },
      cpes: { ...this.cpes },
      sessionsInFlight: this.inFlight,
      latency,
    };
  }
}

/**
 * The SessionObserver that counts and records everything a shard measures, with a profile dimension: the fleet
 * binds each CPE to `forProfile(name)`; recording on the registry itself (tests, a lone CPE) goes to an unnamed
 * part that counts in the totals only. The totals (the getters, snapshot()) are the sum of all parts, histograms
 * merged exactly (HDR add), so they equal what one undivided registry would have recorded.
 */
export class MetricsRegistry implements SessionObserver, CounterSink {
  private readonly errorSamples: ErrorSamples = {};
  private readonly counterValues: Counters = {};
  private readonly unnamed = new ProfileMetrics(this.errorSamples);
  private readonly named = new Map<string, ProfileMetrics>();

  /** The part of one profile (created on first use): what the CPEs of that profile report to. */
  forProfile(name: string): ProfileMetrics {
    let part = this.named.get(name);
    if (!part) this.named.set(name, (part = new ProfileMetrics(this.errorSamples)));
    return part;
  }

  private get parts(): ProfileMetrics[] {
    return [this.unnamed, ...this.named.values()];
  }

  get sessions(): ProfileMetrics['sessions'] {
    return sumOf(this.parts.map((p) => p.sessions), { started: 0, completed: 0, failed: 0 });
  }

  get errors(): Partial<Record<ErrorKind, number>> {
    const out: Partial<Record<ErrorKind, number>> = {};
    for (const p of this.parts) for (const [k, n] of Object.entries(p.errors) as [ErrorKind, number][]) out[k] = (out[k] ?? 0) + n;
    return out;
  }

  get bytesTotal(): ProfileMetrics['bytesTotal'] {
    return sumOf(this.parts.map((p) => p.bytesTotal), { sent: 0, received: 0 });
  }

  get cpes(): CpeGauges {
    return sumOf(this.parts.map((p) => p.cpes), { booting: 0, online: 0, offline: 0 });
  }

  get inFlight(): number {
    return this.parts.reduce((n, p) => n + p.inFlight, 0);
  }

  /** The whole shard's histogram of one metric (merged over the profiles), undefined when nothing was recorded. */
  histogram(name: LatencyName, from: 'intended' | 'actual' = 'intended'): Histogram | undefined {
    const found = this.parts.map((p) => p.histograms.get(name)?.[from]).filter((h): h is Histogram => h !== undefined);
    if (found.length <= 1) return found[0];
    const merged = newHistogram();
    for (const h of found) merged.add(h);
    return merged;
  }

  /** Adds `n` to a named counter (totals only, see MetricsSnapshot.counters). */
  count(name: CounterName, n = 1): void {
    checkIncrement(name, n);
    this.counterValues[name] = (this.counterValues[name] ?? 0) + n;
  }

  /** A copy of the named counters (absent: never counted). */
  get counters(): Counters {
    return { ...this.counterValues };
  }

  latency(name: LatencyName, fromIntendedMs: number, fromActualMs: number): void {
    this.unnamed.latency(name, fromIntendedMs, fromActualMs);
  }

  sessionStarted(): void {
    this.unnamed.sessionStarted();
  }

  sessionCompleted(): void {
    this.unnamed.sessionCompleted();
  }

  sessionFailed(kind: ErrorKind, detail: string): void {
    this.unnamed.sessionFailed(kind, detail);
  }

  error(kind: ErrorKind, detail: string): void {
    this.unnamed.error(kind, detail);
  }

  bytes(sent: number, received: number): void {
    this.unnamed.bytes(sent, received);
  }

  cpeState(from: CpeState | undefined, to: CpeState): void {
    this.unnamed.cpeState(from, to);
  }

  snapshot(): MetricsSnapshot {
    const steps = this.snapshotSteps();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * snapshot() built in slices, one histogram encoding (~0.5 ms) each, letting the event loop run between them:
   * a shard's periodic progress report must not hold up the sessions due meanwhile (the whole snapshot takes
   * ~10 ms). Each histogram and counter is still cumulative, so intervals computed from two snapshots stay exact.
   */
  async snapshotInSlices(): Promise<MetricsSnapshot> {
    const steps = this.snapshotSteps();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await setImmediatePromise();
    }
  }

  private *snapshotSteps(): Generator<void, MetricsSnapshot> {
    // Each part's histograms are encoded once; a metric only one part recorded (every metric of a one-profile
    // fleet) reuses that encoding for the totals instead of merging and encoding again.
    const encodedParts = new Map<ProfileMetrics, MetricsCounts['latency']>();
    const sources = new Map<string, { part: ProfileMetrics; pair: LatencyPair }[]>();
    for (const part of this.parts) {
      const encoded: MetricsCounts['latency'] = {};
      for (const [name, pair] of part.histograms) {
        encoded[name] = { intended: encodeHistogram(pair.intended), actual: encodeHistogram(pair.actual) };
        yield;
        let list = sources.get(name);
        if (!list) sources.set(name, (list = []));
        list.push({ part, pair });
      }
      encodedParts.set(part, encoded);
    }
    const latency: MetricsCounts['latency'] = {};
    for (const [name, list] of sources) {
      const only = list.length === 1 ? encodedParts.get(list[0]!.part)![name] : undefined;
      if (only) {
        latency[name] = only;
        continue;
      }
      latency[name] = {
        intended: encodeHistogram(mergeAll(list.map((s) => s.pair.intended))),
        actual: encodeHistogram(mergeAll(list.map((s) => s.pair.actual))),
      };
      yield;
    }
    const profiles: Record<string, MetricsCounts> = {};
    for (const [name, part] of this.named) profiles[name] = part.counts(encodedParts.get(part)!);
    return {
      sessions: this.sessions,
      errors: this.errors,
      errorSamples: structuredClone(this.errorSamples),
      bytes: this.bytesTotal,
      cpes: this.cpes,
      sessionsInFlight: this.inFlight,
      latency,
      profiles,
      counters: this.counters,
    };
  }
}

function mergeAll(histograms: Histogram[]): Histogram {
  const out = newHistogram();
  for (const h of histograms) out.add(h);
  return out;
}

/** Field-wise sum of number records with the same keys. */
function sumOf<T extends Record<string, number>>(items: T[], zero: T): T {
  const out = { ...zero };
  for (const item of items) for (const k of Object.keys(zero) as (keyof T)[]) (out[k] as number) += item[k];
  return out;
}
