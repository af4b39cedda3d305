import type { ErrorKind } from './observer.js';
import { decodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { MetricsCounts, MetricsSnapshot } from './registry.js';
import { addCounters, type Counters } from './counters.js';

/** Counters and gauges summed, histograms merged exactly (HDR add): of a whole fleet, or of one profile. */
export interface MergedCounts {
  sessions: MetricsSnapshot['sessions'];
  errors: Partial<Record<ErrorKind, number>>;
  bytes: MetricsSnapshot['bytes'];
  /** Gauges summed over the shards (each shard's at its snapshot's time). */
  cpes: MetricsSnapshot['cpes'];
  sessionsInFlight: number;
  latency: Map<string, { intended: Histogram; actual: Histogram }>;
}

/** Shard snapshots added together, the totals and each profile alike. */
export interface MergedMetrics extends MergedCounts {
  errorSamples: Partial<Record<ErrorKind, string[]>>;
  /** Per profile (the fleet group's `profile` string), in order of first appearance. Totals = their sum in a fleet. */
  profiles: Map<string, MergedCounts>;
  /** Named event counters summed over the shards (totals only: the registry keeps no per-profile counters). */
  counters: Counters;
}

export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MergedMetrics {
  const merged: MergedMetrics = { ...emptyCounts(), errorSamples: {}, profiles: new Map(), counters: {} };
  for (const snap of snapshots) {
    addCounts(merged, snap);
    // Like `profiles`: snapshots from before counters existed lack them.
    addCounters(merged.counters, snap.counters ?? {});
    for (const [kind, samples] of Object.entries(snap.errorSamples) as [ErrorKind, string[]][]) {
      const into = (merged.errorSamples[kind] ??= []);
      for (const sample of samples) if (!into.includes(sample)) into.push(sample);
    }
    // Older or hand-made snapshots may lack the per-profile part.
    for (const [name, counts] of Object.entries(snap.profiles ?? {})) {
      let into = merged.profiles.get(name);
      if (!into) merged.profiles.set(name, (into = emptyCounts()));
      addCounts(into, counts);
    }
  }
  return merged;
}

/** Zero counters and no histograms: the start of a merge, or a profile that recorded nothing. */
export function emptyCounts(): MergedCounts {
  return {
    sessions: { started: 0, completed: 0, failed: 0 },
    errors: {},
    bytes: { sent: 0, received: 0 },
    cpes: { booting: 0, online: 0, offline: 0 },
    sessionsInFlight: 0,
    latency: new Map(),
  };
}

function addCounts(into: MergedCounts, snap: MetricsCounts): void {
  into.sessions.started += snap.sessions.started;
  into.sessions.completed += snap.sessions.completed;
  into.sessions.failed += snap.sessions.failed;
  into.bytes.sent += snap.bytes.sent;
  into.bytes.received += snap.bytes.received;
  into.cpes.booting += snap.cpes.booting;
  into.cpes.online += snap.cpes.online;
  into.cpes.offline += snap.cpes.offline;
  into.sessionsInFlight += snap.sessionsInFlight;
  for (const [kind, n] of Object.entries(snap.errors) as [ErrorKind, number][]) {
    into.errors[kind] = (into.errors[kind] ?? 0) + n;
  }
  for (const [name, encoded] of Object.entries(snap.latency)) {
    let pair = into.latency.get(name);
    if (!pair) {
      pair = { intended: newHistogram(), actual: newHistogram() };
      into.latency.set(name, pair);
    }
    pair.intended.add(decodeHistogram(encoded.intended));
    pair.actual.add(decodeHistogram(encoded.actual));
  }
}
