/** Scenario YAML written to a temporary file and loaded, for tests of the scenario fields and their errors. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import type { Scenario } from '../../src/scenario/scenario.js';

/** `text` written to scenario.yaml in a new temp dir: its path (paths in it resolve against that dir). */
export async function scenarioFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-scenario-'));
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, text);
  return file;
}

export async function loadScenarioText(text: string): Promise<{ file: string; scenario: Promise<Scenario> }> {
  const file = await scenarioFile(text);
  return { file, scenario: loadScenarioFile(file) };
}

/** The scenario `text` describes (rejects with its ConfigError). */
export async function loadScenario(text: string): Promise<Scenario> {
  return (await loadScenarioText(text)).scenario;
}

/** The ConfigError loading `text` must raise; it names the file, and its message starts with the file's path. */
export async function scenarioConfigError(text: string): Promise<ConfigError> {
  const { file, scenario } = await loadScenarioText(text);
  const err = await scenario.then(
    () => assert.fail('expected a ConfigError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.file, file);
  assert.ok(err.message.startsWith(file), err.message);
  return err;
}
