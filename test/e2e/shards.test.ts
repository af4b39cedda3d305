/** Machine shards (`run --shard I/N --start-at`) and `cpesim merge`: the shards are the whole fleet, merged exactly. */
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startReferenceAcs } from '../../src/acs/server.js';
import { readHistogramLog } from '../../src/report/html-report-inputs.js';
import type { RunResults } from '../../src/report/summary.js';
import { runCli, tempDir } from '../support/cli.js';

const readResults = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResults;
const sessionLogTotal = async (dir: string) => readHistogramLog(await readFile(join(dir, 'histograms', 'session.hlog'), 'utf8')).intended.totalCount;

test('two machine shards cover the same CPEs as one whole run, and merge adds their results up exactly', { timeout: 90_000 }, async () => {
  const dir = await tempDir('cpesim-shards-');
  const scenario = join(dir, 'sharded.yaml');
  await writeFile(scenario, [
    'name: sharded', 'duration: 3s', 'seed: 7', 'fleet:', '  - profile: tr098', '    count: 7',
    'schedule: { periodicInterval: 1s, ramp: 1s }', 'thresholds:', '  - "sessions.completed >= 1"', '',
  ].join('\n'));
  const shardAcs = await startReferenceAcs({ host: '127.0.0.1', port: 0 });
  const wholeAcs = await startReferenceAcs({ host: '127.0.0.1', port: 0 });
  try {
    // Far enough ahead for three CLIs (each with 2 worker threads) to start on a loaded 2-core machine.
    const startAt = new Date(Date.now() + 15_000).toISOString();
    const common = ['--ui', 'none', '--workers', '2', '--grace', '2s'];
    const [s0, s1, whole] = await Promise.all([
      runCli(['run', scenario, ...common, '--acs', shardAcs.url, '--shard', '0/2', '--start-at', startAt, '--out', join(dir, 's0')]),
      runCli(['run', scenario, ...common, '--acs', shardAcs.url, '--shard', '1/2', '--start-at', startAt, '--out', join(dir, 's1')]),
      runCli(['run', scenario, ...common, '--acs', wholeAcs.url, '--out', join(dir, 'whole')]),
    ]);
    for (const r of [s0, s1, whole]) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...shardAcs.devices.keys()].sort(), [...wholeAcs.devices.keys()].sort(), 'the shards are the whole fleet');
    assert.equal(shardAcs.devices.size, 7);
    const [r0, r1] = [await readResults(join(dir, 's0')), await readResults(join(dir, 's1'))];
    assert.deepEqual([r0.shard, r1.shard, r0.cpes, r1.cpes], [{ index: 0, count: 2 }, { index: 1, count: 2 }, 4, 3]);
    assert.equal(r0.scenarioFingerprint, r1.scenarioFingerprint);
    // The whole run went to another ACS: another effective scenario, so it can never be merged with these shards.
    assert.notEqual(r0.scenarioFingerprint, (await readResults(join(dir, 'whole'))).scenarioFingerprint);

    const merged = await runCli(['merge', join(dir, 's1'), join(dir, 's0'), '--out', join(dir, 'merged')]);
    assert.equal(merged.code, 0, merged.stderr);
    const m = await readResults(join(dir, 'merged'));
    assert.equal(m.cpes, 7);
    for (const k of ['started', 'completed', 'failed'] as const) assert.equal(m.sessions[k], r0.sessions[k] + r1.sessions[k], k);
    assert.ok(m.sessions.completed > 0);
    assert.equal(m.latency['session']!.count, r0.latency['session']!.count + r1.latency['session']!.count);
    assert.equal(await sessionLogTotal(join(dir, 'merged')), (await sessionLogTotal(join(dir, 's0'))) + (await sessionLogTotal(join(dir, 's1'))));
    assert.equal(await sessionLogTotal(join(dir, 'merged')), m.latency['session']!.count);
    assert.deepEqual(m.thresholds.map((t) => [t.expr, t.ok]), [['sessions.completed >= 1', true]]);
    assert.match(await readFile(join(dir, 'merged', 'junit.xml'), 'utf8'), /tests="1" failures="0"/);
    assert.match(await readFile(join(dir, 'merged', 'report.html'), 'utf8'), /<html/i);
    // Each worker thread warmed up with at most its own CPEs' worth of sessions: 4 + 3 in all, merged as a sum.
    assert.deepEqual([r0.warmUp?.sessions, r1.warmUp?.sessions, m.warmUp?.sessions], [4, 3, 7]);
    assert.match(await readFile(join(dir, 'merged', 'report.html'), 'utf8'), /warm-up before power-on/);
    // The machine that held the run back: the merged host CPU is the busiest shard's.
    if (process.platform === 'linux') {
      const shards = [r0.hostCpu!, r1.hostCpu!];
      assert.deepEqual(m.hostCpu, { busyPercent: Math.max(...shards.map((h) => h.busyPercent)), stealPercent: Math.max(...shards.map((h) => h.stealPercent)) });
      assert.match(await readFile(join(dir, 'merged', 'report.html'), 'utf8'), /host CPU from power-on/);
    }

    // Bad input: exit 2 with a message naming the problem, nothing averaged.
    const missing = await runCli(['merge', join(dir, 's0'), '--out', join(dir, 'bad1')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot merge: missing shard\(s\) 1\/2/);
    const twice = await runCli(['merge', join(dir, 's0'), join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'bad2')]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /shard 0\/2 given twice/);
    await cp(join(dir, 's1'), join(dir, 'other'), { recursive: true });
    const other = await readResults(join(dir, 'other'));
    await writeFile(join(dir, 'other', 'summary.json'), JSON.stringify({ ...other, scenarioFingerprint: 'sha256:another' }));
    const mismatch = await runCli(['merge', join(dir, 's0'), join(dir, 'other'), '--out', join(dir, 'bad3')]);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /ran another scenario/);
    const notShard = await runCli(['merge', join(dir, 'whole'), '--out', join(dir, 'bad4')]);
    assert.equal(notShard.code, 2);
    assert.match(notShard.stderr, /not a shard result/);
  } finally {
    await shardAcs.close();
    await wholeAcs.close();
  }
});
