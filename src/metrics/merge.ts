import type { ErrorKind } from './observer.js';
import { decodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { MetricsSnapshot } from './registry.js';

/** Shard snapshots added together: counters summed, histograms merged exactly (HDR add). */
export interface MergedMetrics {
  sessions: MetricsSnapshot['sessions'];
  errors: Partial<Record<ErrorKind, number>>;
  errorSamples: Partial<Record<ErrorKind, string[]>>;
  bytes: MetricsSnapshot['bytes'];
  /** Gauges summed over the shards (each shard's at its snapshot's time). */
  cpes: MetricsSnapshot['cpes'];
  sessionsInFlight: number;
  latency: Map<string, { intended: Histogram; actual: Histogram }>;
}

export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MergedMetrics {
  const merged: MergedMetrics = {
    sessions: { started: 0, completed: 0, failed: 0 },
    errors: {},
    errorSamples: {},
    bytes: { sent: 0, received: 0 },
    cpes: { booting: 0, online: 0, offline: 0 },
    sessionsInFlight: 0,
    latency: new Map(),
  };
  for (const snap of snapshots) {
    merged.sessions.started += snap.sessions.started;
    merged.sessions.completed += snap.sessions.completed;
    merged.sessions.failed += snap.sessions.failed;
    merged.bytes.sent += snap.bytes.sent;
    merged.bytes.received += snap.bytes.received;
    merged.cpes.booting += snap.cpes.booting;
    merged.cpes.online += snap.cpes.online;
    merged.cpes.offline += snap.cpes.offline;
    merged.sessionsInFlight += snap.sessionsInFlight;
    for (const [kind, n] of Object.entries(snap.errors) as [ErrorKind, number][]) {
      merged.errors[kind] = (merged.errors[kind] ?? 0) + n;
    }
    for (const [kind, samples] of Object.entries(snap.errorSamples) as [ErrorKind, string[]][]) {
      const into = (merged.errorSamples[kind] ??= []);
      for (const sample of samples) if (!into.includes(sample)) into.push(sample);
    }
    for (const [name, encoded] of Object.entries(snap.latency)) {
      let pair = merged.latency.get(name);
      if (!pair) {
        pair = { intended: newHistogram(), actual: newHistogram() };
        merged.latency.set(name, pair);
      }
      pair.intended.add(decodeHistogram(encoded.intended));
      pair.actual.add(decodeHistogram(encoded.actual));
    }
  }
  return merged;
}
