/** Scenario `valueChanges`: defaults, conversion, and located errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadScenario as load, scenarioConfigError as configError } from '../support/scenario-file.js';

test('valueChanges: absent means the defaults (undefined), given fields are converted, missing ones defaulted', async () => {
  assert.equal((await load('name: a\n')).valueChanges, undefined);
  assert.deepEqual((await load('name: a\nvalueChanges: { rateScale: 60, notifyDelay: 1s }\n')).valueChanges, { rateScale: 60, notifyDelayMs: 1000 });
  assert.deepEqual((await load('name: a\nvalueChanges: { rateScale: 0 }\n')).valueChanges, { rateScale: 0, notifyDelayMs: 200 });
});

test('valueChanges: a negative scale, a bad delay or an unknown field is rejected with line and field', async () => {
  const cases: [string, number, string, RegExp][] = [
    ['name: a\nvalueChanges:\n  rateScale: -1\n', 3, 'valueChanges.rateScale', /must be >= 0/],
    ['name: a\nvalueChanges:\n  notifyDelay: soon\n', 3, 'valueChanges.notifyDelay', /not a duration/],
    ['name: a\nvalueChanges:\n  rate: 2\n', 3, 'valueChanges.rate', /unknown field "rate"/],
  ];
  for (const [text, line, field, message] of cases) {
    const err = await configError(text);
    assert.equal(err.line, line, err.message);
    assert.equal(err.field, field, err.message);
    assert.match(err.message, message);
  }
});
