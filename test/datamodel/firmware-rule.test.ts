/** The profile's firmware.softwareVersion rule: compiling it (located errors) and applying it to download URLs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileNameOf, firmwareVersion, versionInFileName } from '../../src/datamodel/firmware-rule.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import { ConfigError } from '../../src/errors.js';

const BASE = ['profile: t', 'root: Device', 'deviceId: { manufacturer: m, oui: 00D09E, productClass: p, serialNumber: "S{{index}}" }', 'parameters:', '  Device.DeviceInfo.SoftwareVersion: { type: string, value: "1.0" }'].join('\n');

const ruleOf = (firmware: string) => compileProfileText(`${BASE}\nfirmware:\n${firmware}`, '/tmp/fw.yaml').firmwareVersion!;

test('from-filename takes the first dotted number of the TargetFileName, else of the URL path', () => {
  const rule = ruleOf('  softwareVersion: from-filename');
  assert.equal(firmwareVersion(rule, 'http://h/fw/hg3000-4.3.0.bin?sig=1.2', ''), '4.3.0');
  assert.equal(firmwareVersion(rule, 'http://h/fw/latest.bin', 'hg-5.1.bin'), '5.1');
  assert.equal(firmwareVersion(rule, 'http://h/fw/latest.bin', ''), undefined, 'no version: unchanged');
  assert.equal(fileNameOf('http://h/a/b%20c-1.2.bin'), 'b c-1.2.bin');
  assert.equal(versionInFileName('fw_v10.0.12-rc1.img'), '10.0.12');
});

test('a template names {{file}}, {{stem}} and {{version}}', () => {
  assert.equal(firmwareVersion(ruleOf('  softwareVersion: "HG_{{version}} ({{stem}})"'), 'http://h/x-2.0.1.img', ''), 'HG_2.0.1 (x-2.0.1)');
  assert.equal(firmwareVersion(ruleOf('  softwareVersion: "{{file}}"'), 'http://h/x.img', ''), 'x.img');
});

test('rules: the first regex matching the URL gives the version ($1 and friends)', () => {
  const rule = ruleOf(['  softwareVersion:', '    - { match: "/beta/.*?(\\\\d+)\\\\.bin$", version: "beta-$1" }', '    - { match: "release-(\\\\w+)", version: "R$1" }'].join('\n'));
  assert.equal(firmwareVersion(rule, 'http://h/beta/build77.bin', ''), 'beta-77');
  assert.equal(firmwareVersion(rule, 'http://h/release-abc/fw.bin', ''), 'Rabc');
  assert.equal(firmwareVersion(rule, 'http://h/other.bin', ''), undefined);
});

test('bad rules are located errors: unknown template variable, broken regex, wrong shape', () => {
  const cases: [string, number, RegExp][] = [
    ['  softwareVersion: "{{serial}}"', 7, /unknown variable \{\{serial\}\}/],
    ['  softwareVersion:\n    - { match: "([", version: "x" }', 8, /not a regular expression/],
    ['  softwareVersion:\n    - { match: "x" }', 8, /version/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => ruleOf(text),
      (err: unknown) => err instanceof ConfigError && err.line === line && message.test(err.message),
      `${text}: expected line ${line} ${message}`,
    );
  }
});
