/**
 * Value generators: each kind is a deterministic function of (device seed, time since boot), bounded as
 * declared; the change queries agree with the values; profile mistakes are located errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import {
  changedBetween,
  compileGenerator,
  generatedValue,
  generatorSeed,
  nextChangeS,
  type Generator,
  type RawGenerator,
} from '../../src/datamodel/generators.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import type { ParamType } from '../../src/cwmp/messages.js';
import { ConfigError } from '../../src/errors.js';

function compile(raw: RawGenerator, type: ParamType = 'unsignedInt'): Generator {
  return compileGenerator(raw, type, {}, (message, field) => {
    throw new Error(`${field}: ${message}`);
  });
}

const SEED = generatorSeed(42, 'Device.IP.Interface.1.Stats.BytesSent');
const values = (g: Generator, seed: number, times: number[], scale = 1): string[] => times.map((t) => generatedValue(g, seed, t, scale));
const seconds = (n: number, stepS: number): number[] => Array.from({ length: n }, (_, k) => k * stepS);

test('counter: deterministic per seed, monotonic, about its rate, different per device and instance', () => {
  const g = compile({ kind: 'counter', rate: '1500/s' }, 'unsignedLong');
  assert.deepEqual(g, { kind: 'counter', ratePerS: 1500, wrap: 2 ** 64 });
  const times = seconds(500, 7.3);
  const a = values(g, SEED, times).map(Number);
  assert.deepEqual(a, values(g, SEED, times).map(Number), 'same seed, same values');
  assert.equal(a[0], 0, 'starts at 0 at boot');
  for (let k = 1; k < a.length; k++) assert.ok(a[k]! >= a[k - 1]!, `monotonic at ${k}`);
  const perS = a.at(-1)! / times.at(-1)!;
  assert.ok(perS >= 750 && perS <= 2250, `a device runs at 0.5x..1.5x the rate, got ${perS}/s`);
  assert.notDeepEqual(values(g, generatorSeed(43, 'Device.IP.Interface.1.Stats.BytesSent'), times), values(g, SEED, times));
  assert.notDeepEqual(values(g, generatorSeed(42, 'Device.IP.Interface.2.Stats.BytesSent'), times), values(g, SEED, times));
  assert.equal(compile({ kind: 'counter', rate: '90 per min' }).kind, 'counter');
  assert.equal((compile({ kind: 'counter', rate: 3 }) as { ratePerS: number }).ratePerS, 3);
});

test('counter: an unsignedInt wraps at 2^32 (and a range max wraps the counter past it)', () => {
  const g = compile({ kind: 'counter', rate: '1000000000/s' });
  const a = values(g, SEED, seconds(40, 1)).map(Number);
  assert.ok(a.every((v) => v >= 0 && v < 2 ** 32));
  assert.ok(a.some((v, k) => k > 0 && v < a[k - 1]!), 'wrapped at least once');
  const small = compileGenerator({ kind: 'counter', rate: '100/s' }, 'unsignedInt', { max: 999 }, () => assert.fail());
  assert.ok(values(small, SEED, seconds(50, 1.1)).every((v) => Number(v) <= 999));
});

test('gauge and randomWalk stay within min..max, vary, and are deterministic; integers for integer types', () => {
  const gauge = compile({ kind: 'gauge', min: -95, max: -60, interval: '5s', period: '2m' }, 'int');
  const walk = compile({ kind: 'randomWalk', min: 0, max: 100, step: 3, interval: 1 }, 'unsignedInt');
  const decimalWalk = compile({ kind: 'randomWalk', min: 0.5, max: 2.5, step: 0.2, start: 1 }, 'decimal');
  for (const [g, min, max] of [[gauge, -95, -60], [walk, 0, 100], [decimalWalk, 0.5, 2.5]] as const) {
    const times = seconds(2000, 3.7);
    const a = values(g, SEED, times).map(Number);
    assert.deepEqual(a, values(g, SEED, times).map(Number));
    assert.ok(a.every((v) => v >= min && v <= max), `${g.kind} within ${min}..${max}`);
    assert.ok(new Set(a).size > 10, `${g.kind} varies`);
    if (g !== decimalWalk) assert.ok(a.every(Number.isInteger));
  }
  // A sample holds for its interval.
  assert.equal(generatedValue(gauge, SEED, 10.1, 1), generatedValue(gauge, SEED, 14.9, 1));
  assert.equal(generatedValue(decimalWalk, SEED, 0, 1), '1', 'a walk starts at start');
  // A walk moves by about `step` per sample (normal steps, reflected): far less than the whole range.
  const steps = values(walk, SEED, seconds(1000, 1)).map(Number);
  const meanMove = steps.slice(1).reduce((sum, v, k) => sum + Math.abs(v - steps[k]!), 0) / (steps.length - 1);
  assert.ok(meanMove > 0.5 && meanMove < 10, `mean move ${meanMove}`);
});

test('flip: cycles through its values with the declared mean period; changes and next change agree', () => {
  const g = compile({ kind: 'flip', values: ['Up', 'Down'], period: '10s' }, 'string');
  assert.equal(generatedValue(g, SEED, 0, 1), 'Up', 'the first value at boot');
  let flips = 0;
  let t = 0;
  const end = 10_000;
  while (t < end) {
    const next = nextChangeS(g, SEED, t, 1);
    assert.ok(next > t);
    // No change before the announced instant, a change at it.
    assert.equal(changedBetween(g, SEED, t, (t + next) / 2, 1), false);
    assert.notEqual(generatedValue(g, SEED, next, 1), generatedValue(g, SEED, (t + next) / 2, 1));
    t = next;
    flips++;
  }
  assert.ok(flips > 900 && flips < 1100, `about one flip per 10 s: ${flips} in ${end} s`);
  // There and back again is a change (the parameter did change).
  const first = nextChangeS(g, SEED, 0, 1);
  const second = nextChangeS(g, SEED, first, 1);
  assert.equal(generatedValue(g, SEED, second, 1), 'Up');
  assert.equal(changedBetween(g, SEED, 0, second, 1), true);
});

test('rate scale: 2 doubles the pace, 0 holds every generator at its boot value (uptime is a clock)', () => {
  const flip = compile({ kind: 'flip', values: [1, 2, 3], period: '1m' });
  const counter = compile({ kind: 'counter', rate: 10 });
  const uptime = compile({ kind: 'uptime' });
  assert.equal(generatedValue(counter, SEED, 50, 2), generatedValue(counter, SEED, 100, 1));
  assert.equal(generatedValue(flip, SEED, 300, 2), generatedValue(flip, SEED, 600, 1));
  assert.equal(nextChangeS(flip, SEED, 300, 2), nextChangeS(flip, SEED, 600, 1) / 2);
  assert.equal(generatedValue(counter, SEED, 1e6, 0), '0');
  assert.equal(generatedValue(flip, SEED, 1e6, 0), '1');
  assert.equal(nextChangeS(flip, SEED, 5, 0), Infinity);
  assert.equal(generatedValue(uptime, SEED, 12.7, 0), '12');
  assert.equal(nextChangeS(uptime, SEED, 12.7, 0), 13);
});

test('{{uptime}} and the uptime generator are one clock, read from the boot time', async () => {
  const profile = compileProfileText(
    [
      'profile: t',
      'root: Device',
      'deviceId: { manufacturer: m, oui: 00D09E, productClass: p, serialNumber: "S{{index}}" }',
      'parameters:',
      '  Device.DeviceInfo.UpTime: { type: unsignedInt, value: "{{uptime}}" }',
      '  Device.DeviceInfo.X_Up: { type: unsignedInt, generator: { kind: uptime } }',
    ].join('\n'),
    '/tmp/t.yaml',
  );
  assert.deepEqual(profile.generated.map((e) => e.param.genericPath), ['Device.DeviceInfo.UpTime', 'Device.DeviceInfo.X_Up']);
  const m = new DeviceModel(profile, { index: 1, connectionRequestUrl: '', bootTimeMs: Date.now() - 3_600_500 });
  const [a, b] = m.getParameterValues(['Device.DeviceInfo.UpTime', 'Device.DeviceInfo.X_Up']).map((p) => Number(p.value));
  assert.ok(a! >= 3600 && a! < 3700 && Math.abs(a! - b!) <= 1, `${a} ${b}`);
});

/** A profile with one generated parameter; the generator line is line 6. */
function profileWith(type: string, generator: string): string {
  return [
    'profile: t',
    'root: Device',
    'deviceId: { manufacturer: m, oui: 00D09E, productClass: p, serialNumber: "S{{index}}" }',
    'parameters:',
    `  Device.X.P:`,
    `    { type: ${type}, generator: ${generator} }`,
  ].join('\n');
}

function configError(text: string): ConfigError {
  try {
    compileProfileText(text, '/tmp/t.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  assert.fail('expected a ConfigError');
}

test('profile errors name file, line and field: unknown kind, bad rate, misplaced field, bad values', () => {
  const cases: [string, string, string, RegExp][] = [
    ['unsignedInt', '{ kind: sawtooth }', 'parameters["Device.X.P"].generator.kind', /must be one of "counter", "gauge"/],
    ['unsignedInt', '{ kind: counter, rate: "fast" }', 'parameters["Device.X.P"].generator.rate', /rate "fast" is not a positive rate/],
    ['unsignedInt', '{ kind: counter, rate: -5 }', 'parameters["Device.X.P"].generator.rate', /not a positive rate/],
    ['unsignedInt', '{ kind: counter }', 'parameters["Device.X.P"].generator.rate', /not a positive rate/],
    ['string', '{ kind: counter, rate: 5 }', 'parameters["Device.X.P"].generator.kind', /needs an unsignedInt or unsignedLong/],
    ['unsignedInt', '{ kind: counter, rate: 5, period: 1s }', 'parameters["Device.X.P"].generator.period', /does not apply to a counter/],
    ['int', '{ kind: gauge, min: 10, max: 1 }', 'parameters["Device.X.P"].generator.min', /min 10 > max 1/],
    ['unsignedInt', '{ kind: gauge, min: -1, max: 1 }', 'parameters["Device.X.P"].generator.min', /not a valid unsignedInt/],
    ['int', '{ kind: randomWalk, min: 0, max: 9 }', 'parameters["Device.X.P"].generator.step', /needs "step" > 0/],
    ['boolean', '{ kind: flip, values: [true, maybe], period: 1h }', 'parameters["Device.X.P"].generator.values', /"maybe" is not a valid value/],
    ['string', '{ kind: flip, values: [Up, Down] }', 'parameters["Device.X.P"].generator.period', /needs "period"/],
    ['string', '{ kind: flip, values: [Up, Down], period: soon }', 'parameters["Device.X.P"].generator.period', /not a positive duration/],
    ['unsignedInt', '{ kind: uptime, color: red }', 'parameters["Device.X.P"].generator.color', /unknown field "color"/],
  ];
  for (const [type, generator, field, message] of cases) {
    const err = configError(profileWith(type, generator));
    assert.equal(err.field, field, err.message);
    assert.equal(err.line, 6, err.message);
    assert.match(err.message, message);
    assert.ok(err.message.startsWith('/tmp/t.yaml, line 6'), err.message);
  }
});
