import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { tempDir } from '../support/cli.js';

test('scenario state: a path relative to the scenario file; an empty one is refused naming the line', async () => {
  const dir = await tempDir('cpesim-state-field-');
  const file = join(dir, 's.yaml');
  await writeFile(file, 'name: s\nstate: saved/fleet.state\n');
  assert.equal((await loadScenarioFile(file)).stateFile, join(dir, 'saved', 'fleet.state'));
  await writeFile(file, 'name: s\n');
  assert.equal((await loadScenarioFile(file)).stateFile, undefined);
  await writeFile(file, 'name: s\nstate: ""\n');
  await assert.rejects(loadScenarioFile(file), /line 2, field state/);
});
