/** The built-in ACS's connection requests stop with the fleet's scheduling: at the run's end, on stop(), never while paused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionRequestDriver } from '../../src/acs/connection-request-driver.js';
import { AcsRequestsWithRun } from '../../src/cli/acs-requests-with-run.js';
import { RunControl } from '../../src/fleet/run-control.js';
import type { ProgressSample } from '../../src/fleet/run-fleet.js';
import { waitFor } from '../support/wait.js';

function fakeDriver() {
  const state = { closes: 0 };
  const driver = { close: async () => void state.closes++ } as unknown as ConnectionRequestDriver;
  return { driver, state };
}

function sample(over: Partial<ProgressSample>): ProgressSample {
  return { startedAtEpochMs: Date.now(), elapsedMs: 0, paused: false, ...over } as ProgressSample;
}

test('the requests stop when the run has scheduled for its duration (aimed by the progress samples)', async () => {
  const { driver, state } = fakeDriver();
  const control = new RunControl();
  const follow = new AcsRequestsWithRun(driver, 60_000, control);
  follow.onProgress(sample({ startedAtEpochMs: undefined }));
  follow.onProgress(sample({ elapsedMs: 1000 }));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(state.closes, 0, '59 s to go');
  follow.onProgress(sample({ elapsedMs: 59_990 }));
  await waitFor('the stop at the end of the duration', () => state.closes === 1);
});

test('a paused run does not stop them; control.stop() and the final sample do', async () => {
  const { driver, state } = fakeDriver();
  const control = new RunControl();
  const follow = new AcsRequestsWithRun(driver, 1000, control);
  follow.onProgress(sample({ elapsedMs: 999, paused: true }));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(state.closes, 0, 'paused: the end moves later');
  control.stop();
  assert.equal(state.closes, 1);
  const other = fakeDriver();
  const final = new AcsRequestsWithRun(other.driver, 60_000, new RunControl());
  final.onProgress(sample({ final: true }));
  assert.equal(other.state.closes, 1);
});
