/**
 * The built-in reference ACS drives connection requests during `cpesim run` (scenario referenceAcs.connectionRequests):
 * HTTP (Digest) and UDP (Annex G, the address read with GetParameterValues) to a fleet on two worker threads. The CPE
 * side counts them accepted and starts `6 CONNECTION REQUEST` sessions; the ACS side's numbers reach summary.json.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeHistogram, summarize } from '../../src/metrics/histogram.js';
import { readReportInputs } from '../../src/report/html-report-inputs.js';
import { renderHtmlReport } from '../../src/report/html-report.js';
import type { ReferenceAcsHistograms } from '../../src/report/reference-acs-results.js';
import type { RunResults } from '../../src/report/summary.js';
import { readSummary, runCli, tempDir } from '../support/cli.js';

test('cpesim run with referenceAcs.connectionRequests over http and udp: the CPEs accept them and inform 6 CONNECTION REQUEST', { timeout: 120_000 }, async () => {
  const dir = await tempDir('cpesim-acs-cr-');
  const file = join(dir, 'scenario.yaml');
  await writeFile(
    file,
    [
      'name: acs-cr-e2e',
      'duration: 8s',
      'seed: 3',
      'gracePeriod: 5s',
      'connectionRequests:',
      '  udp: {}',
      'referenceAcs:',
      '  connectionRequests: { rate: 4/s, transport: { http: 1, udp: 1 }, startAfter: 2s, seed: 8 }',
      'fleet:',
      '  - { profile: tr098, count: 2 }',
      '  - { profile: tr181, count: 2 }',
      'schedule: { periodicInterval: 3600s, jitter: 0, ramp: 0 }',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'out');
  const run = await runCli(['run', file, '--workers', '2', '--ui', 'none', '--out', out], { timeoutMs: 110_000 });
  assert.equal(run.code, 0, run.stderr);
  const summary = await readSummary(out);
  const counters = summary.counters ?? {};
  const cr = summary.referenceAcs?.connectionRequests;
  assert.ok(cr, 'summary.json has the ACS side');
  const detail = JSON.stringify({ counters, cr });
  // The CPE side took requests of both transports (a request during a running session is merged into it).
  assert.ok((counters['cr.http.accepted'] ?? 0) >= 1, detail);
  assert.ok((counters['cr.udp.accepted'] ?? 0) >= 1, detail);
  assert.equal(counters['cr.udp.rejected.ambiguous_user'], undefined, detail);
  assert.ok((summary.latency['cr.toInform']?.count ?? 0) >= 2, detail);
  // The ACS side: sent both kinds, HTTP answered 200 after the Digest round trip. The requests stop with the fleet's
  // scheduling; on a loaded machine one may still reach a shard whose listener just closed (refused), nothing else.
  assert.ok((cr.sent.http ?? 0) >= 1 && (cr.sent.udp ?? 0) >= 1, detail);
  assert.ok((cr.answered.http['2xx'] ?? 0) >= 1, detail);
  assert.deepEqual(Object.keys(cr.failed).filter((code) => code !== 'ECONNREFUSED'), [], detail);
  assert.ok((cr.failed['ECONNREFUSED'] ?? 0) <= 1, detail);
  // Request → 6 CONNECTION REQUEST Inform, measured at the ACS, per transport.
  assert.ok((cr.toInform.http?.count ?? 0) >= 1, detail);
  assert.ok((cr.toInform.udp?.count ?? 0) >= 1, detail);
  assert.ok(cr.toInform.http!.p50 <= cr.toInform.http!.max);
  // Periodic informs are an hour apart: sessions beyond the 4 bootstraps are the requested ones.
  assert.ok(summary.sessions.completed > 4, detail);
  assert.match(run.stdout, /reference ACS connection requests \(4\/s\): sent \d+ \(http \d+, udp \d+\)/);
  assert.match(run.stdout, /http: request -> 6 CONNECTION REQUEST inform/);
  // The histograms behind toInform are kept for cpesim merge, and decode to the summary's numbers.
  assert.equal((summary as RunResults).files.referenceAcs, 'reference-acs.json');
  const kept = JSON.parse(await readFile(join(out, 'reference-acs.json'), 'utf8')) as ReferenceAcsHistograms;
  for (const t of ['http', 'udp'] as const) {
    const decoded = summarize(decodeHistogram(kept.connectionRequests.toInform[t]!));
    assert.equal(decoded.count, cr.toInform[t]!.count, t);
    // HDR's 3 significant digits: a decoded value is its bucket's top.
    assert.ok(Math.abs(decoded.p99 - cr.toInform[t]!.p99) <= cr.toInform[t]!.p99 * 0.001, JSON.stringify({ t, decoded, summary: cr.toInform[t] }));
  }
  // The HTML report shows the ACS side like the summary table does.
  const html = renderHtmlReport(await readReportInputs(out));
  assert.match(html, /<h2>Reference ACS connection requests<\/h2><p>reference ACS connection requests \(4\/s\): sent \d+ \(http \d+, udp \d+\)/);
  assert.match(html, /<th>udp: request -&gt; 6 CONNECTION REQUEST inform<\/th>/);
  assert.match(html, /<h2>Connection requests<\/h2><ul><li>connection requests \(http\): received \d+/);
});
