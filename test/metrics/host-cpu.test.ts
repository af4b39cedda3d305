import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostCpuBetween, parseProcStat, sampleHostCpu } from '../../src/metrics/host-cpu.js';

const BEFORE = 'cpu  1000 10 200 5000 90 0 20 100 0 0\ncpu0 500 5 100 2500 45 0 10 50 0 0\nintr 1 2 3\n';
const AFTER = 'cpu  1600 10 300 5300 100 0 30 260 0 0\ncpu0 800 5 150 2650 50 0 15 130 0 0\nintr 4 5 6\n';

test('parseProcStat reads the aggregate cpu line (iowait counts as idle; guest time is already in user)', () => {
  assert.deepEqual(parseProcStat(BEFORE), { total: 6420, idle: 5090, steal: 100 });
  assert.equal(parseProcStat('intr 1 2 3\n'), undefined);
});

test('hostCpuBetween gives the busy and steal shares of all CPU time between two samples', () => {
  // 1180 ticks passed: 310 idle (busy 870 = 73.7%), 160 steal (13.6%).
  assert.deepEqual(hostCpuBetween(parseProcStat(BEFORE), parseProcStat(AFTER)), { busyPercent: 73.7, stealPercent: 13.6 });
  assert.equal(hostCpuBetween(undefined, parseProcStat(AFTER)), undefined);
  assert.equal(hostCpuBetween(parseProcStat(BEFORE), parseProcStat(BEFORE)), undefined, 'no time passed');
});

test('sampleHostCpu reads this host on Linux', { skip: process.platform !== 'linux' }, () => {
  const sample = sampleHostCpu();
  assert.ok(sample && sample.total > 0 && sample.idle <= sample.total && sample.steal <= sample.total);
});
