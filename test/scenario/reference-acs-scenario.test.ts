/** `referenceAcs.connectionRequests` / `referenceAcs.xmpp` in a scenario: conversion, defaults, and errors naming the file, line and field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRatePerS, parseTransports } from '../../src/acs/connection-request-settings.js';
import { effectiveScenario } from '../../src/report/effective-scenario.js';
import { loadScenarioText as load, scenarioConfigError as configError } from '../support/scenario-file.js';

const FLEET = 'fleet:\n  - { profile: tr098, count: 2 }\n';

test('rates and transport mixes parse in every accepted form', () => {
  assert.equal(parseRatePerS('2/s'), 2);
  assert.equal(parseRatePerS('30/m'), 0.5);
  assert.equal(parseRatePerS('3600/h'), 1);
  assert.equal(parseRatePerS('0.5'), 0.5);
  assert.equal(parseRatePerS(3), 3);
  for (const bad of ['0/s', 'fast', '2/d', '-1', ''] as const) assert.throws(() => parseRatePerS(bad), /rate/);
  assert.throws(() => parseRatePerS(0));
  assert.deepEqual(parseTransports('http'), { http: 1 });
  assert.deepEqual(parseTransports('http:3, udp:1'), { http: 3, udp: 1 });
  assert.deepEqual(parseTransports({ http: 1, xmpp: 0 }), { http: 1 });
  assert.throws(() => parseTransports('smtp'), /unknown transport "smtp"/);
  assert.throws(() => parseTransports('http:x'), /weight/);
  assert.throws(() => parseTransports({ http: 0 }), /at least one/);
});

test('referenceAcs.connectionRequests: values converted, defaults filled in (seed: the scenario\'s)', async () => {
  const minimal = await (await load(`seed: 9\nreferenceAcs:\n  connectionRequests: { rate: 2/s }\n${FLEET}`)).scenario;
  assert.deepEqual(minimal.referenceAcs.connectionRequests, {
    ratePerS: 2,
    transports: { http: 1 },
    select: 'roundRobin',
    startAfterMs: 5000,
    maxInFlight: 100,
    seed: 9,
    timeoutMs: 10_000,
  });
  const full = await (await load(
    'connectionRequests:\n  udp: {}\n  xmpp: { server: 127.0.0.1:5222, domain: cpesim.test }\n' +
      'referenceAcs:\n  connectionRequests:\n    rate: 30/m\n    transport: { http: 2, udp: 1, xmpp: 1 }\n    select: random\n' +
      '    startAfter: 1s\n    maxInFlight: 5\n    timeout: 2s\n    seed: 4\n  xmpp: { username: acs, password: s3cret }\n' + FLEET,
  )).scenario;
  assert.deepEqual(full.referenceAcs.connectionRequests, {
    ratePerS: 0.5,
    transports: { http: 2, udp: 1, xmpp: 1 },
    select: 'random',
    startAfterMs: 1000,
    maxInFlight: 5,
    seed: 4,
    timeoutMs: 2000,
  });
  assert.deepEqual(full.referenceAcs.xmpp, { username: 'acs', password: 's3cret' });
  const written = JSON.stringify(effectiveScenario(full));
  assert.ok(!written.includes('s3cret'), 'the ACS\'s XMPP password is redacted in scenario.json');
});

test('referenceAcs.connectionRequests: bad values and missing counterparts name their line and field', async () => {
  let err = await configError(`referenceAcs:\n  connectionRequests: { rate: fast }\n${FLEET}`);
  assert.match(err.message, /line 2, field referenceAcs\.connectionRequests\.rate: "fast" is not a rate/);
  err = await configError(`referenceAcs:\n  connectionRequests:\n    rate: 1/s\n    transport: smtp\n${FLEET}`);
  assert.match(err.message, /line 4, field referenceAcs\.connectionRequests\.transport: unknown transport "smtp"/);
  err = await configError(`referenceAcs:\n  connectionRequests:\n    rate: 1/s\n    transport: udp\n${FLEET}`);
  assert.match(err.message, /field referenceAcs\.connectionRequests\.transport: transport udp needs connectionRequests\.udp/);
  err = await configError(`connectionRequests:\n  xmpp: { server: 127.0.0.1, domain: d }\nreferenceAcs:\n  connectionRequests: { rate: 1, transport: xmpp }\n${FLEET}`);
  assert.match(err.message, /needs referenceAcs\.xmpp/);
  err = await configError(`referenceAcs:\n  provision: false\n  connectionRequests: { rate: 1 }\n${FLEET}`);
  assert.match(err.message, /field referenceAcs\.connectionRequests: needs referenceAcs\.provision: true/);
  err = await configError(`referenceAcs:\n  connectionRequests:\n    rate: 1\n    startAfter: soon\n${FLEET}`);
  assert.match(err.message, /line 4, field referenceAcs\.connectionRequests\.startAfter/);
  err = await configError(`referenceAcs:\n  connectionRequests:\n    rate: 1\n    maxInFlight: 0\n${FLEET}`);
  assert.match(err.message, /line 4, field referenceAcs\.connectionRequests\.maxInFlight/);
  err = await configError(`referenceAcs:\n  connectionRequests: { transport: http }\n${FLEET}`);
  assert.match(err.message, /rate/);
});
