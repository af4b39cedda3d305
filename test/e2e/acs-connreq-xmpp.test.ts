/**
 * The built-in reference ACS drives XMPP connection requests (TR-069 Annex K) during `cpesim run`: the CPEs on two
 * worker threads log in to a real prosody (`connectionRequests.xmpp`), the ACS logs in with its own account
 * (`referenceAcs.xmpp`) and sends requests on schedule (`referenceAcs.connectionRequests`, transport xmpp) to the
 * JIDs the CPEs reported. Both sides' numbers must reach summary.json.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSummary, runCli, writeScenario } from '../support/cli.js';
import { startProsody } from '../support/prosody.js';

const CPES = 3;

test('cpesim run with referenceAcs.connectionRequests over xmpp: the CPEs accept them through prosody and inform 6 CONNECTION REQUEST', { timeout: 180_000 }, async () => {
  // Accounts by fleet index ({{index}} is global across shards and groups): no need to know the profiles' serials.
  const cpeAccounts = Array.from({ length: CPES }, (_, i) => ({ username: `cpe-${i}`, password: `pw-${i}` }));
  const prosody = await startProsody({ accounts: [...cpeAccounts, { username: 'acs', password: 'acs-pw' }] });
  try {
    const { dir, file } = await writeScenario('cpesim-acs-cr-xmpp-', [
      'name: acs-cr-xmpp-e2e',
      'duration: 12s',
      'seed: 4',
      'gracePeriod: 5s',
      'connectionRequests:',
      '  xmpp:',
      `    server: ${prosody.host}:${prosody.port}`,
      `    domain: ${prosody.domain}`,
      '    username: "cpe-{{index}}"',
      '    password: "pw-{{index}}"',
      '    concurrency: 2',
      '    loginTimeout: 20s',
      'referenceAcs:',
      '  xmpp: { username: acs, password: acs-pw }',
      // At most ~4 requests per CPE, well under a CPE's default rate limit (10 a minute). Loaded machine: a
      // generous answer timeout; requests due before the JIDs are known are skipped (noDevice).
      '  connectionRequests: { rate: 1/s, transport: xmpp, startAfter: 2s, timeout: 20s }',
      'fleet:',
      '  - { profile: tr098, count: 2 }',
      `  - { profile: tr181, count: ${CPES - 2} }`,
      'schedule: { periodicInterval: 3600s, jitter: 0, ramp: 0 }',
    ]);
    const out = join(dir, 'out');
    const run = await runCli(['run', file, '--workers', '2', '--ui', 'none', '--out', out], { timeoutMs: 150_000 });
    assert.equal(run.code, 0, `${run.stderr}\n${await prosody.log()}`);
    const summary = await readSummary(out);
    const counters = summary.counters ?? {};
    const cr = summary.referenceAcs?.connectionRequests;
    const detail = JSON.stringify({ counters, cr, cpeToInform: summary.latency['cr.xmpp.toInform'], errors: summary.errors });
    assert.ok(cr, `summary.json has the ACS side: ${detail}`);
    // Nothing failed: every CPE logged in once and stayed, every session completed, no shard or request errors.
    assert.equal(counters['xmpp.login.ok'], CPES, detail);
    assert.equal(counters['xmpp.login.failed'], undefined, detail);
    assert.equal(counters['xmpp.disconnected'], undefined, detail);
    assert.equal(summary.sessions.failed, 0, detail);
    assert.deepEqual(summary.errors, {}, detail);
    assert.deepEqual(cr.failed, {}, detail);
    // The CPE side accepted XMPP requests and informed 6 CONNECTION REQUEST for them (measured from each request).
    assert.ok((counters['cr.xmpp.accepted'] ?? 0) >= 1, detail);
    assert.ok((summary.latency['cr.xmpp.toInform']?.count ?? 0) >= 1, detail);
    // Periodic informs are an hour apart: sessions beyond the bootstraps are the requested ones.
    assert.ok(summary.sessions.completed > CPES, detail);
    // The ACS side: only XMPP sent, answered with IQ results, and the Informs matched to them.
    assert.deepEqual(Object.keys(cr.sent), ['xmpp'], detail);
    assert.ok((cr.sent.xmpp ?? 0) >= 1, detail);
    assert.ok(cr.answered.xmpp.result >= 1, detail);
    assert.deepEqual(cr.answered.http, {}, detail);
    assert.ok((cr.toInform.xmpp?.count ?? 0) >= 1, detail);
    assert.ok(cr.toInform.xmpp!.p50 <= cr.toInform.xmpp!.max, detail);
    // Each IQ result the ACS counted is a request a CPE accepted or merged into a pending session.
    assert.equal((counters['cr.xmpp.accepted'] ?? 0) + (counters['cr.xmpp.merged'] ?? 0), cr.answered.xmpp.result, detail);
    // The requests stop when the fleet stops scheduling, aimed from the main thread: on a loaded machine one may
    // still reach a CPE whose shard just stopped, answered service-unavailable (`unavailable` at the CPE). Nothing else.
    assert.deepEqual(Object.keys(cr.answered.xmpp.error).filter((c) => c !== 'service-unavailable'), [], detail);
    assert.ok((cr.answered.xmpp.error['service-unavailable'] ?? 0) <= 1, detail);
    const rejected = Object.keys(counters).filter((name) => name.startsWith('cr.xmpp.rejected.'));
    assert.deepEqual(rejected.filter((name) => name !== 'cr.xmpp.rejected.unavailable'), [], detail);
    assert.match(run.stdout, /reference ACS connection requests \(1\/s\): sent \d+ \(xmpp \d+\)/);
    assert.match(run.stdout, /xmpp: request -> 6 CONNECTION REQUEST inform/);
    // Both XMPP passwords stay out of the effective scenario written with the results.
    const written = await readFile(join(out, 'scenario.json'), 'utf8');
    assert.doesNotMatch(written, /acs-pw|pw-\d/);
  } finally {
    await prosody.stop();
  }
});
