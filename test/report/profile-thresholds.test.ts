import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyRunFlags } from '../../src/cli/run-options.js';
import { ConfigError } from '../../src/errors.js';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { evaluateThresholds } from '../../src/metrics/threshold-eval.js';
import { effectiveScenario } from '../../src/report/effective-scenario.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { parseThreshold } from '../../src/scenario/threshold.js';

/** Two shards; profile "fast" answers in 1..10 ms, "slow" in 100..1000 ms and fails one session. */
function metrics() {
  const shards = [new MetricsRegistry(), new MetricsRegistry()];
  for (let i = 1; i <= 10; i++) {
    for (const [name, ms] of [['fast', i], ['slow', i * 100]] as const) {
      const part = shards[i % 2]!.forProfile(name);
      part.sessionStarted();
      part.sessionCompleted();
      part.latency('session', ms, ms);
    }
  }
  const slow = shards[0]!.forProfile('slow');
  slow.sessionStarted();
  slow.sessionFailed('timeout', 'x');
  return mergeSnapshots(shards.map((s) => s.snapshot()));
}

test('a profile-scoped threshold is evaluated on that profile\'s metrics only, and is named with its profile', () => {
  const results = evaluateThresholds(
    [
      parseThreshold('session.p99 < 50ms', { profile: 'fast' }),
      parseThreshold('session.p99 < 50ms', { profile: 'slow' }),
      parseThreshold('session.p99 < 50ms'),
      parseThreshold('errors.rate < 1%', { profile: 'fast' }),
      parseThreshold('errors.rate < 1%', { profile: 'slow' }),
      parseThreshold('sessions.completed >= 10', { profile: 'slow' }),
      parseThreshold('session.p99 < 50ms', { profile: 'absent' }),
    ],
    metrics(),
    1000,
  );
  assert.deepEqual(results.map((r) => r.ok), [true, false, false, true, false, true, false]);
  assert.ok(results[0]!.actual! <= 10.1 && results[1]!.actual! >= 990, `${results[0]!.actual} ${results[1]!.actual}`);
  assert.equal(results[0]!.expr, 'session.p99 < 50ms [profile fast]');
  assert.equal(results[2]!.expr, 'session.p99 < 50ms');
  assert.match(results[1]!.message, /^session\.p99 < 50ms \[profile slow\] failed: measured/);
  assert.match(results[6]!.message, /no samples/);
});

async function scenario(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-pthr-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, text);
  return file;
}

const FLEET = 'fleet:\n  - { profile: tr098, count: 1 }\n  - { profile: ./my.yaml, count: 1 }\nthresholds:\n';

test('scenario: `profile` scopes a threshold to a fleet profile (paths resolved like the fleet\'s); it survives scenario.json', async () => {
  const file = await scenario(`${FLEET}  - { expr: "session.p99 < 1s", profile: tr098 }\n  - { expr: "errors.rate < 1%", profile: ./my.yaml }\n  - "sessions.completed > 1"\n`);
  const s = await loadScenarioFile(file);
  assert.deepEqual(s.thresholds!.map((t) => t.profile), ['tr098', join(file, '..', 'my.yaml'), undefined]);
  const written = JSON.parse(JSON.stringify(effectiveScenario(s))) as { thresholds: { expr: string; profile?: string }[] };
  // What `cpesim merge` re-parses from scenario.json.
  const reparsed = written.thresholds.map((t) => parseThreshold(t.expr, t));
  assert.deepEqual(reparsed.map((t) => t.profile), s.thresholds!.map((t) => t.profile));
});

test('scenario: a threshold naming a profile not in the fleet is an error with file, line and field', async () => {
  const file = await scenario(`${FLEET}  - "session.p99 < 1s"\n  - { expr: "session.p99 < 1s", profile: tr181 }\n`);
  const err = await loadScenarioFile(file).then(() => assert.fail('expected an error'), (e: unknown) => e);
  assert.ok(err instanceof ConfigError);
  assert.equal(err.file, file);
  assert.equal(err.line, 6);
  assert.equal(err.field, 'thresholds[1].profile');
  assert.match(err.message, /unknown profile "tr181": not in the fleet \(tr098, \.\/my\.yaml\)/);
});

test('--profile replacing the fleet rejects thresholds scoped to a profile that no longer runs', async () => {
  const s = await loadScenarioFile(await scenario(`${FLEET}  - { expr: "session.p99 < 1s", profile: tr098 }\n`));
  assert.throws(() => applyRunFlags(s, { profile: 'tr181' }), (e: unknown) => e instanceof ConfigError && e.field === '--profile');
  assert.equal(applyRunFlags(s, { profile: 'tr098' }).thresholds!.length, 1);
});
