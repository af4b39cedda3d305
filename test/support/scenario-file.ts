/** Scenario YAML written to a temporary file and loaded, for tests of the scenario fields and their errors. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import type { Scenario } from '../../src/scenario/scenario.js';

export async function loadScenarioText(text: string): Promise<{ file: string; scenario: Promise<Scenario> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-scenario-'));
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, text);
  return { file, scenario: loadScenarioFile(file) };
}

/** The ConfigError loading `text` must raise; its message must start with the file's path. */
export async function scenarioConfigError(text: string): Promise<ConfigError> {
  const { file, scenario } = await loadScenarioText(text);
  const err = await scenario.then(
    () => assert.fail('expected a ConfigError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError, String(err));
  assert.ok(err.message.startsWith(file), err.message);
  return err;
}
