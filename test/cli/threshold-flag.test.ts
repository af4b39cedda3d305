/** `--threshold "PROFILE: EXPR"`: a command-line threshold scoped to one fleet profile, and its errors. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyRunFlags } from '../../src/cli/run-options.js';
import { parseThresholdFlag } from '../../src/cli/threshold-flag.js';
import { ConfigError } from '../../src/errors.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { thresholdLabel } from '../../src/scenario/threshold.js';

const FLEET = [{ profile: 'tr098', count: 2 }, { profile: 'tr181', count: 1 }];

function configError(field: string, message: RegExp) {
  return (e: unknown) => e instanceof ConfigError && e.field === field && message.test(e.message);
}

test('an expression alone is unscoped; "PROFILE: EXPR" scopes it to that profile', () => {
  const plain = parseThresholdFlag('session.p99 < 500ms', FLEET, undefined);
  assert.equal(plain.profile, undefined);
  assert.equal(plain.value, 500);
  const scoped = parseThresholdFlag('tr181: session.p99 < 2s', FLEET, undefined);
  assert.equal(scoped.profile, 'tr181');
  assert.equal(scoped.expr, 'session.p99 < 2s');
  assert.equal(scoped.value, 2000);
  assert.equal(thresholdLabel(scoped), 'session.p99 < 2s [profile tr181]');
  // No spaces needed; the expression's own dots, percent and comparators are not separators.
  const tight = parseThresholdFlag('tr098:errors.rate<=0.5%', FLEET, undefined);
  assert.deepEqual([tight.profile, tight.expr, tight.comparator, tight.value], ['tr098', 'errors.rate<=0.5%', '<=', 0.005]);
});

test('the last colon separates: a profile name with a colon of its own still works', () => {
  const t = parseThresholdFlag('lab:gw: sessions.completed > 3', [{ profile: 'lab:gw', count: 1 }], undefined);
  assert.deepEqual([t.profile, t.expr], ['lab:gw', 'sessions.completed > 3']);
});

test('a profile outside the fleet is a ConfigError naming --threshold and listing the fleet\'s profiles', () => {
  assert.throws(() => parseThresholdFlag('tr135: session.p99 < 1s', FLEET, undefined), configError('--threshold', /unknown profile "tr135": not in the fleet \(tr098, tr181\)/));
  assert.throws(() => parseThresholdFlag(' : session.p99 < 1s', FLEET, undefined), configError('--threshold', /no profile before the colon/));
  // The expression after the profile is checked like any other.
  assert.throws(() => parseThresholdFlag('tr098: session.p99 < 5 parsecs', FLEET, undefined), configError('--threshold', /is not a threshold/));
  assert.throws(() => parseThresholdFlag('tr098:', FLEET, undefined), configError('--threshold', /is not a threshold/));
});

test('a profile path is matched as the fleet runs it, or as written in the scenario (relative to its folder)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-thrflag-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, 'fleet:\n  - { profile: tr098, count: 1 }\n  - { profile: ./my.yaml, count: 1 }\n');
  const s = await loadScenarioFile(file);
  const key = join(dir, 'my.yaml');
  assert.equal(parseThresholdFlag('./my.yaml: session.p99 < 1s', s.fleet, s.file).profile, key);
  assert.equal(parseThresholdFlag(`${key}: session.p99 < 1s`, s.fleet, s.file).profile, key);
  assert.throws(() => parseThresholdFlag('./other.yaml: session.p99 < 1s', s.fleet, s.file), configError('--threshold', /unknown profile "\.\/other\.yaml"/));
});

test('applyRunFlags: scoped flags join the scenario\'s thresholds, checked against the fleet after --profile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-thrflag-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, 'fleet:\n  - { profile: tr098, count: 2 }\n  - { profile: tr181, count: 2 }\nthresholds:\n  - "errors.rate < 1%"\n');
  const s = await loadScenarioFile(file);
  const run = applyRunFlags(s, { thresholds: ['tr181: session.p99 < 1s', 'sessions.completed > 1'] });
  assert.deepEqual(run.thresholds!.map(thresholdLabel), ['errors.rate < 1%', 'session.p99 < 1s [profile tr181]', 'sessions.completed > 1']);
  // --profile tr181 leaves tr098 out of the fleet: a threshold on it could never be met.
  assert.equal(applyRunFlags(s, { profile: 'tr181', thresholds: ['tr181: session.p99 < 1s'] }).thresholds!.at(-1)!.profile, 'tr181');
  assert.throws(() => applyRunFlags(s, { profile: 'tr181', thresholds: ['tr098: session.p99 < 1s'] }), configError('--threshold', /not in the fleet \(tr181\)/));
});
