/**
 * The reference ACS's connection-request numbers in a results folder, and how machine shards' numbers add up.
 * summary.json `referenceAcs.connectionRequests` holds the driver's report (counts, latency summaries: what readers
 * want); reference-acs.json holds the request → Inform histograms those summaries come from (HDR, encoded), because
 * percentiles cannot be added: `cpesim merge` adds the histograms and summarizes the sum, like it does for the
 * fleet's own latencies (metrics.json).
 */
import type { ConnectionRequestDriver, ConnectionRequestDriverReport } from '../acs/connection-request-driver.js';
import { CONNECTION_REQUEST_TRANSPORTS, type ConnectionRequestTransport } from '../acs/connection-request-settings.js';
import { decodeHistogram, encodeHistogram, newHistogram, summarize } from '../metrics/histogram.js';

export const REFERENCE_ACS_FILE = 'reference-acs.json';

/** reference-acs.json: per transport, the encoded histogram of request sent → `6 CONNECTION REQUEST` Inform (µs). */
export interface ReferenceAcsHistograms {
  connectionRequests: { toInform: Partial<Record<ConnectionRequestTransport, string>> };
}

export function referenceAcsHistograms(driver: Pick<ConnectionRequestDriver, 'encodedToInform'>): ReferenceAcsHistograms {
  return { connectionRequests: { toInform: driver.encodedToInform() } };
}

/** One shard's numbers: the report from its summary.json, the histograms when its results hold them. */
export interface ReferenceAcsShard {
  /** Names the shard in warnings (its results folder). */
  name: string;
  report: ConnectionRequestDriverReport | undefined;
  histograms: ReferenceAcsHistograms | undefined;
}

export interface MergedReferenceAcs {
  report: ConnectionRequestDriverReport;
  histograms: ReferenceAcsHistograms;
  /** Latencies left out because a shard kept only their summary (results of an older cpesim), for summary.json. */
  warnings: string[];
}

/**
 * The shards' reference ACSs as one: counts summed over the shards that have them; `ratePerS` summed too (each
 * shard's ACS sent at its own rate); `peakInFlight` the highest shard's (each ACS has its own `maxInFlight`, and the
 * peaks need not have coincided); `toInform` from the summed histograms. Undefined when no shard has any.
 */
export function mergeReferenceAcs(shards: readonly ReferenceAcsShard[]): MergedReferenceAcs | undefined {
  const reports = shards.flatMap((s) => (s.report ? [s.report] : []));
  if (reports.length === 0) return undefined;
  const sum = emptyReport();
  for (const r of reports) {
    sum.ratePerS += r.ratePerS;
    sum.scheduled += r.scheduled;
    add(sum.sent, r.sent);
    sum.skipped.inFlight += r.skipped.inFlight;
    sum.skipped.noDevice += r.skipped.noDevice;
    add(sum.answered.http, r.answered.http);
    sum.answered.xmpp.result += r.answered.xmpp.result;
    add(sum.answered.xmpp.error, r.answered.xmpp.error);
    add(sum.failed, r.failed);
    sum.peakInFlight = Math.max(sum.peakInFlight, r.peakInFlight);
    sum.awaitingInform += r.awaitingInform;
  }
  // 3 x 0.1/s is 0.3/s, not 0.30000000000000004/s.
  sum.ratePerS = Math.round(sum.ratePerS * 1e9) / 1e9;
  // Transports in their fixed order, as one run's report lists them.
  const sent: ConnectionRequestDriverReport['sent'] = {};
  for (const t of CONNECTION_REQUEST_TRANSPORTS) if (sum.sent[t] !== undefined) sent[t] = sum.sent[t];
  sum.sent = sent;
  const toInform: ReferenceAcsHistograms['connectionRequests']['toInform'] = {};
  const warnings: string[] = [];
  for (const t of CONNECTION_REQUEST_TRANSPORTS) {
    const measured = shards.filter((s) => (s.report?.toInform[t]?.count ?? 0) > 0 || s.histograms?.connectionRequests.toInform[t] !== undefined);
    if (measured.length === 0) continue;
    const summaryOnly = measured.filter((s) => s.histograms?.connectionRequests.toInform[t] === undefined);
    if (summaryOnly.length > 0) {
      warnings.push(
        `the reference ACS's ${t} request -> 6 CONNECTION REQUEST inform latency is left out of the merge: ` +
          `${summaryOnly.map((s) => s.name).join(', ')} kept only its percentiles (no ${REFERENCE_ACS_FILE}), which cannot be added`,
      );
      continue;
    }
    const histogram = newHistogram();
    for (const s of measured) histogram.add(decodeHistogram(s.histograms!.connectionRequests.toInform[t]!));
    sum.toInform[t] = summarize(histogram);
    toInform[t] = encodeHistogram(histogram);
  }
  return { report: sum, histograms: { connectionRequests: { toInform } }, warnings };
}

/** Nothing scheduled, sent or measured: the start of a sum. */
export function emptyReport(): ConnectionRequestDriverReport {
  return {
    ratePerS: 0,
    scheduled: 0,
    sent: {},
    skipped: { inFlight: 0, noDevice: 0 },
    answered: { http: {}, xmpp: { result: 0, error: {} } },
    failed: {},
    peakInFlight: 0,
    awaitingInform: 0,
    toInform: {},
  };
}

function add(into: Record<string, number | undefined>, from: Record<string, number | undefined>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + (n ?? 0);
}
