/**
 * `cpesim merge` of shard results that carry the reference ACS's connection-request numbers: counts summed, the
 * request → Inform latency merged from the kept histograms (exactly), the HTML report shows them; results without
 * them merge as before. Shard folders are written by hand here (the real run → merge path: test/e2e/shards.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ConnectionRequestDriverReport } from '../../src/acs/connection-request-driver.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs, summarize, type Histogram } from '../../src/metrics/histogram.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { readReportInputs } from '../../src/report/html-report-inputs.js';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { MergeInputError, mergeResults } from '../../src/report/merge-results.js';
import { formatSummaryTable } from '../../src/report/plain-text.js';
import { emptyReport, mergeReferenceAcs, REFERENCE_ACS_FILE, type ReferenceAcsHistograms } from '../../src/report/reference-acs-results.js';
import type { RunResults } from '../../src/report/summary.js';
import { tempDir } from '../support/cli.js';

function histogramOf(...values: [ms: number, times: number][]): Histogram {
  const h = newHistogram();
  for (const [ms, times] of values) for (let i = 0; i < times; i++) recordMs(h, ms);
  return h;
}

function report(over: Partial<ConnectionRequestDriverReport>, toInform: Partial<Record<'http' | 'udp' | 'xmpp', Histogram>>): ConnectionRequestDriverReport {
  return {
    ...emptyReport(),
    ratePerS: 2,
    ...over,
    toInform: Object.fromEntries(Object.entries(toInform).map(([t, h]) => [t, summarize(h)])),
  };
}

/**
 * A shard's results folder as `cpesim run --shard I/N` writes it: summary.json, metrics.json, scenario.json and,
 * when its ACS sent connection requests, reference-acs.json (`histograms: false`: an older run that kept only the
 * summary).
 */
async function writeShard(
  dir: string,
  index: number,
  acs?: { report: ConnectionRequestDriverReport; toInform: Partial<Record<'http' | 'udp' | 'xmpp', Histogram>>; histograms?: boolean },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const registry = new MetricsRegistry();
  for (let i = 0; i < 3 + index; i++) {
    registry.sessionStarted();
    registry.latency('session', 10 + i, 10 + i);
    registry.sessionCompleted();
  }
  const keep = acs && acs.histograms !== false;
  const summary = {
    scenario: 'sharded', startedAt: '2026-01-01T00:00:00.000Z', acsUrl: 'http://127.0.0.1:1/', cpes: 2, durationS: 10,
    sessions: { started: 0, completed: 0, failed: 0, perSecond: 0 }, latency: {}, latencyFromSend: {}, errors: {}, errorSamples: {},
    bytes: { sent: 0, received: 0 }, cpeStates: { online: 0, booting: 0, offline: 0 }, warnings: [],
    ...(acs ? { referenceAcs: { connectionRequests: acs.report } } : {}),
    runId: `s${index}`, drainS: 0, abortedAtShutdown: 0, thresholds: [], passed: true, failures: [],
    files: { junit: 'junit.xml', scenario: 'scenario.json', histograms: {}, metrics: 'metrics.json', ...(keep ? { referenceAcs: REFERENCE_ACS_FILE } : {}) },
    shard: { index, count: 2 }, scenarioFingerprint: 'sha256:same', workerFailures: [],
  } satisfies RunResults;
  await writeFile(join(dir, 'summary.json'), JSON.stringify(summary));
  await writeFile(join(dir, 'metrics.json'), JSON.stringify([registry.snapshot()]));
  await writeFile(join(dir, 'scenario.json'), JSON.stringify({ thresholds: [] }));
  if (keep) {
    const kept: ReferenceAcsHistograms = { connectionRequests: { toInform: Object.fromEntries(Object.entries(acs.toInform).map(([t, h]) => [t, encodeHistogram(h)])) } };
    await writeFile(join(dir, REFERENCE_ACS_FILE), JSON.stringify(kept));
  }
}

const readResults = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResults;

test('merge sums the reference ACS counts of the shards and merges the request -> inform latency from their histograms', async () => {
  const dir = await tempDir('cpesim-merge-acs-');
  // Shard 0's requests came back in 10 ms, shard 1's in 1 s: the merged p50 and p90 are those of the whole, which
  // no combination of the two summaries gives.
  const fast = histogramOf([10, 100]);
  const slow = histogramOf([1000, 100]);
  const udp = histogramOf([50, 7]);
  await writeShard(join(dir, 's0'), 0, {
    report: report({ scheduled: 120, sent: { http: 100 }, skipped: { inFlight: 5, noDevice: 15 }, answered: { http: { '2xx': 98, '4xx': 2 }, xmpp: { result: 0, error: {} } }, failed: {}, peakInFlight: 7, awaitingInform: 1 }, { http: fast }),
    toInform: { http: fast },
  });
  await writeShard(join(dir, 's1'), 1, {
    report: report(
      { scheduled: 130, sent: { http: 110, udp: 10 }, skipped: { inFlight: 0, noDevice: 10 }, answered: { http: { '2xx': 100, '5xx': 10 }, xmpp: { result: 0, error: {} } }, failed: { CPESIM_ACS_CR_TIMEOUT: 3 }, peakInFlight: 4, awaitingInform: 2 },
      { http: slow, udp },
    ),
    toInform: { http: slow, udp },
  });
  const out = join(dir, 'merged');
  const { results } = await mergeResults([join(dir, 's1'), join(dir, 's0')], out, 'merged');
  const cr = results.referenceAcs?.connectionRequests;
  assert.ok(cr);
  assert.equal(cr.ratePerS, 4, 'each shard\'s ACS sent at 2/s');
  assert.equal(cr.scheduled, 250);
  assert.deepEqual(cr.sent, { http: 210, udp: 10 });
  assert.deepEqual(cr.skipped, { inFlight: 5, noDevice: 25 });
  assert.deepEqual(cr.answered, { http: { '2xx': 198, '4xx': 2, '5xx': 10 }, xmpp: { result: 0, error: {} } });
  assert.deepEqual(cr.failed, { CPESIM_ACS_CR_TIMEOUT: 3 });
  assert.equal(cr.peakInFlight, 7, 'the highest shard\'s peak');
  assert.equal(cr.awaitingInform, 3);
  // What the merge does: the shards' kept (encoded) histograms added; the same values as recording them in one.
  const whole = newHistogram();
  for (const h of [fast, slow]) whole.add(decodeHistogram(encodeHistogram(h)));
  assert.deepEqual(cr.toInform.http, summarize(whole));
  assert.equal(cr.toInform.http!.count, 200);
  assert.ok(cr.toInform.http!.p50 < 11 && cr.toInform.http!.p90 > 999, JSON.stringify(cr.toInform.http));
  assert.deepEqual(cr.toInform.udp, summarize(decodeHistogram(encodeHistogram(udp))));
  assert.deepEqual(results.warnings, ['the reference ACS could not send 3 of its connection requests (CPESIM_ACS_CR_TIMEOUT 3)']);
  // The merged folder keeps the merged histograms too, and summary.json as written says the same.
  assert.equal(results.files.referenceAcs, REFERENCE_ACS_FILE);
  const kept = JSON.parse(await readFile(join(out, REFERENCE_ACS_FILE), 'utf8')) as ReferenceAcsHistograms;
  assert.deepEqual(summarize(decodeHistogram(kept.connectionRequests.toInform.http!)), summarize(whole));
  assert.deepEqual((await readResults(out)).referenceAcs, results.referenceAcs);
  assert.match(formatSummaryTable(results, 'x'), /reference ACS connection requests \(4\/s\): sent 220 \(http 210, udp 10\), skipped 30/);

  const html = renderHtmlReport(await readReportInputs(out));
  assert.match(html, /<section id="reference-acs"><h2>Reference ACS connection requests<\/h2>/);
  assert.match(html, /reference ACS connection requests \(4\/s\): sent 220 \(http 210, udp 10\), skipped 30 \(in flight 5, no device 25\), answered http 2xx 198, 4xx 2, 5xx 10, failed 3 \(CPESIM_ACS_CR_TIMEOUT 3\), awaiting inform 3; peak in flight 7\./);
  assert.match(html, new RegExp(`<tr><th>http: request -&gt; 6 CONNECTION REQUEST inform</th><td>200</td><td>${cr.toInform.http!.p50}</td>`));
  assert.match(html, /<tr><th>merged from<\/th><td>.*s0, .*s1<\/td><\/tr>/);
});

test('results without reference ACS numbers merge as before: no referenceAcs, no reference-acs.json, no HTML section', async () => {
  const dir = await tempDir('cpesim-merge-plain-');
  await writeShard(join(dir, 's0'), 0);
  await writeShard(join(dir, 's1'), 1);
  const out = join(dir, 'merged');
  const { results } = await mergeResults([join(dir, 's0'), join(dir, 's1')], out, 'merged');
  assert.equal(results.referenceAcs, undefined);
  assert.equal(results.files.referenceAcs, undefined);
  assert.ok(!existsSync(join(out, REFERENCE_ACS_FILE)));
  assert.deepEqual(results.sessions, { started: 7, completed: 7, failed: 0, perSecond: 0.7 });
  assert.deepEqual(results.warnings, []);
  const html = renderHtmlReport(await readReportInputs(out));
  assert.doesNotMatch(html, /Reference ACS connection requests/);
  assert.doesNotMatch(formatSummaryTable(results, 'x'), /reference ACS/);
});

test('a shard that kept only the latency summary (older results): counts still summed, its latency left out with a warning', async () => {
  const dir = await tempDir('cpesim-merge-old-');
  const a = histogramOf([10, 5]);
  const b = histogramOf([20, 5]);
  await writeShard(join(dir, 's0'), 0, { report: report({ scheduled: 5, sent: { http: 5 } }, { http: a }), toInform: { http: a } });
  await writeShard(join(dir, 's1'), 1, { report: report({ scheduled: 5, sent: { http: 5 } }, { http: b }), toInform: { http: b }, histograms: false });
  const { results } = await mergeResults([join(dir, 's0'), join(dir, 's1')], join(dir, 'merged'), 'merged');
  const cr = results.referenceAcs!.connectionRequests;
  assert.deepEqual(cr.sent, { http: 10 });
  assert.deepEqual(cr.toInform, {}, 'half the samples would pass for the whole');
  assert.equal(results.warnings.length, 1);
  assert.match(results.warnings[0]!, /http request -> 6 CONNECTION REQUEST inform latency is left out of the merge: .*s1 kept only its percentiles/);
});

test('a reference-acs.json that summary.json names but that is broken stops the merge (MergeInputError)', async () => {
  const dir = await tempDir('cpesim-merge-bad-');
  const a = histogramOf([10, 5]);
  await writeShard(join(dir, 's0'), 0, { report: report({ sent: { http: 5 } }, { http: a }), toInform: { http: a } });
  await writeShard(join(dir, 's1'), 1, { report: report({ sent: { http: 5 } }, { http: a }), toInform: { http: a } });
  await writeFile(join(dir, 's1', REFERENCE_ACS_FILE), JSON.stringify({ connectionRequests: { toInform: { http: 'not a histogram' } } }));
  await assert.rejects(mergeResults([join(dir, 's0'), join(dir, 's1')], join(dir, 'm1'), 'm1'), (err: unknown) => {
    assert.ok(err instanceof MergeInputError);
    assert.match(err.message, /reference-acs\.json: not the reference ACS's connection-request histograms \(http: /);
    return true;
  });
  await writeFile(join(dir, 's1', REFERENCE_ACS_FILE), 'null');
  await assert.rejects(mergeResults([join(dir, 's0'), join(dir, 's1')], join(dir, 'm2'), 'm2'), /no connectionRequests\.toInform/);
});

test('mergeReferenceAcs: xmpp answers by condition add up, rates add without float noise, nothing to merge is undefined', () => {
  const xmpp = (result: number, error: Record<string, number>) =>
    report({ ratePerS: 0.1, sent: { xmpp: result }, answered: { http: {}, xmpp: { result, error } } }, {});
  const merged = mergeReferenceAcs([
    { name: 'a', report: xmpp(3, { 'service-unavailable': 1 }), histograms: { connectionRequests: { toInform: {} } } },
    { name: 'b', report: xmpp(4, { 'service-unavailable': 2, 'item-not-found': 1 }), histograms: { connectionRequests: { toInform: {} } } },
    { name: 'c', report: xmpp(0, {}), histograms: undefined },
  ]);
  assert.deepEqual(merged?.report.answered.xmpp, { result: 7, error: { 'service-unavailable': 3, 'item-not-found': 1 } });
  assert.equal(merged?.report.ratePerS, 0.3);
  assert.deepEqual(merged?.warnings, [], 'no latency measured anywhere: nothing left out');
  assert.equal(mergeReferenceAcs([{ name: 'a', report: undefined, histograms: undefined }]), undefined);
});
