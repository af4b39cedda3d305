/**
 * The quirk catalogue itself: the agreed names, its documentation (README table), how a profile's `quirks:` map
 * compiles, and the errors (file, line, field) for unknown quirks and bad options.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { activeQuirks, quirkCatalogue } from '../../src/quirks/catalogue.js';
import { NO_QUIRKS, QUIRK } from '../../src/quirks/quirk-set.js';
import { quirkyProfile, quirkyProfileText } from './quirk-harness.js';

/** The names agreed with the device-profile authors (profiles reference them). */
const AGREED = [
  'booleansAsDigits', 'emptyHeaderNoCwmpId', 'fixedCwmpId', 'arrayTypeCount', 'currentTimeZone', 'soapPrefix', 'cwmpNamespace',
  'expect100Continue', 'noCookies', 'newConnectionAfter401', 'soapAction', 'contentTypeNoCharset', 'nullParameterKey', 'xsiType',
  'gpnEmptyPathUnsupported', 'batchedGpvFault', 'bodyEncodingStyle', 'namespacesOnEnvelopeOnly', 'manufacturerNewline',
  'chunkedRequests', 'http10', 'passwordReadBack', 'misreportedTypes', 'misreportedWritability', 'missingParameters',
  'nonStandardEnums', 'slowAnswers', 'randomFaults', 'neverEndsSession', 'informRetryForever',
];

function configError(quirks: string): ConfigError {
  try {
    quirkyProfile(quirks);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail(`accepted: ${quirks}`);
}

/** Line (1-based) of the first line of the profile text containing `text`. */
const lineOf = (quirks: string, text: string) => quirkyProfileText(quirks).split('\n').findIndex((l) => l.includes(text)) + 1;

describe('quirk catalogue', () => {
  it('lists every agreed quirk, each with a description, a field case and a distinct bit', () => {
    const list = quirkCatalogue();
    assert.deepEqual(list.map((q) => q.name), AGREED);
    for (const q of list) {
      assert.ok(q.description.length > 20, q.name);
      assert.match(q.fieldCase, /^Seen on /, q.name);
      for (const o of q.options) assert.ok(o.name && o.description, `${q.name}.${o.name}`);
    }
    const bits = list.map((q) => QUIRK[q.name]);
    assert.equal(new Set(bits).size, bits.length);
    assert.ok(bits.every((b) => b > 0 && Number.isInteger(b)));
  });

  it('the README "Vendor quirks" table has a row for every quirk', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Vendor quirks'));
    assert.ok(section.length > 0 && readme.includes('## Vendor quirks'));
    for (const q of quirkCatalogue()) assert.match(section, new RegExp(`^\\| \`${q.name}\``, 'm'), q.name);
  });

  it('a profile without quirks shares NO_QUIRKS; one with quirks gets a frozen set with its options', () => {
    assert.equal(quirkyProfile(undefined).quirks, NO_QUIRKS);
    assert.equal(quirkyProfile('booleansAsDigits: false').quirks, NO_QUIRKS);
    const q = quirkyProfile('booleansAsDigits: true\nsoapPrefix: { prefix: soap_env }\nslowAnswers: { latency: 150ms, jitter: 50ms }\nrandomFaults: { rate: 0.5 }').quirks;
    assert.ok(Object.isFrozen(q));
    assert.equal(q.flags, QUIRK.booleansAsDigits | QUIRK.soapPrefix | QUIRK.slowAnswers | QUIRK.randomFaults);
    assert.equal(q.soapPrefix, 'soap_env');
    assert.equal(q.slowLatencyMs, 150);
    assert.equal(q.slowJitterMs, 50);
    assert.equal(q.randomFaultRate, 0.5);
    assert.equal(q.randomFaultCode, 9002);
    assert.ok(q.has(QUIRK.slowAnswers) && !q.has(QUIRK.http10));
    assert.deepEqual(activeQuirks(q), ['booleansAsDigits', 'soapPrefix', 'slowAnswers', 'randomFaults']);
    assert.deepEqual(activeQuirks(NO_QUIRKS), []);
  });

  it('missingParameters shrinks the compiled tree (parameter count, forced-inform list)', () => {
    const plain = quirkyProfile(undefined);
    const missing = quirkyProfile('missingParameters: { paths: [Device.DeviceInfo.UpTime, "Device.WiFi.Radio.{i}."] }');
    assert.equal(missing.parameterCount, plain.parameterCount - 2);
    assert.equal(missing.forcedInform.length, plain.forcedInform.length - 2);
  });

  it('an unknown quirk is an error naming file, line and field', () => {
    const quirks = 'booleansAsDigits: true\nbooleansAsWords: true';
    const err = configError(quirks);
    assert.equal(err.file, 'quirky.yaml');
    assert.equal(err.line, lineOf(quirks, 'booleansAsWords'));
    assert.equal(err.field, 'quirks.booleansAsWords');
    assert.match(err.message, /unknown quirk "booleansAsWords"/);
  });

  it('bad options are errors naming the option', () => {
    const cases: [string, string, RegExp][] = [
      ['soapPrefix: { prefix: soapenv }', 'quirks.soapPrefix.prefix', /must be one of "soap_env", "SOAP-ENV"/],
      ['arrayTypeCount: { mode: padded }', 'quirks.arrayTypeCount.mode', /must be one of/],
      ['slowAnswers: { latency: fast }', 'quirks.slowAnswers.latency', /not a duration/],
      ['slowAnswers: { latency: 100ms, jitter: 200ms }', 'quirks.slowAnswers.jitter', /jitter must not exceed latency/],
      ['randomFaults: { rate: 0 }', 'quirks.randomFaults.rate', /must be > 0/],
      ['randomFaults: { rate: 0.1, code: 8002 }', 'quirks.randomFaults.code', /must be >= 9000/],
      ['batchedGpvFault: { maxNames: 0 }', 'quirks.batchedGpvFault.maxNames', /must be >= 1/],
      ['cwmpNamespace: { version: 3 }', 'quirks.cwmpNamespace.version', /must be one of 2, 4/],
      ['noCookies: { really: true }', 'quirks.noCookies.really', /unknown option "really"/],
      ['noCookies: yes please', 'quirks.noCookies', /must be true, false or a map of options/],
      ['misreportedTypes: true', 'quirks.misreportedTypes', /needs options: paths/],
      ['missingParameters: {}', 'quirks.missingParameters', /missing option "paths"/],
      ['misreportedTypes: { paths: { Device.DeviceInfo.UpTime: integer } }', 'quirks.misreportedTypes.paths', /must match exactly one schema|must be/],
      ['misreportedWritability: { paths: [Device.DeviceInfo.Uptime] }', 'quirks.misreportedWritability.paths[0]', /"Device.DeviceInfo.Uptime" is not a parameter/],
      ['missingParameters: { paths: [Device.Nope.] }', 'quirks.missingParameters.paths[0]', /not a parameter or object/],
      ['nonStandardEnums: { values: { Device.WiFi.Radio.1.OperatingStandards: { b: bb } } }', 'quirks.nonStandardEnums.values["Device.WiFi.Radio.1.OperatingStandards"]', /generic path/],
    ];
    for (const [quirks, field, message] of cases) {
      const err = configError(quirks);
      assert.equal(err.field, field, quirks);
      assert.match(err.message, message, quirks);
      assert.match(err.message, /^quirky\.yaml, line \d+, field /, quirks);
      assert.equal(err.line, lineOf(quirks, quirks.split(':')[0]!), quirks);
    }
  });

  it('quirks must be a map', () => {
    assert.throws(() => compileProfileText(quirkyProfileText(undefined) + 'quirks: [booleansAsDigits]\n', 'list.yaml'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.field, 'quirks');
      return true;
    });
  });
});
