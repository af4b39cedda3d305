import assert from 'node:assert/strict';
import { test } from 'node:test';
import { valueViolation, type ValueSyntax } from '../../src/bbf/constraints.js';

const syntax = (s: Partial<ValueSyntax> & Pick<ValueSyntax, 'baseType'>): ValueSyntax => ({
  enumeration: [],
  patterns: [],
  sizes: [],
  ranges: [],
  ...s,
});

test('lexical forms and integer bounds per base type', () => {
  assert.equal(valueViolation('4294967295', syntax({ baseType: 'unsignedInt' })), undefined);
  assert.match(valueViolation('4294967296', syntax({ baseType: 'unsignedInt' }))!, /overflows/);
  assert.match(valueViolation('-1', syntax({ baseType: 'unsignedLong' }))!, /not a valid/);
  assert.equal(valueViolation('18446744073709551615', syntax({ baseType: 'unsignedLong' })), undefined);
  assert.match(valueViolation('yes', syntax({ baseType: 'boolean' }))!, /not a valid boolean/);
  assert.equal(valueViolation('0001-01-01T00:00:00Z', syntax({ baseType: 'dateTime' })), undefined);
  assert.match(valueViolation('ABC', syntax({ baseType: 'hexBinary' }))!, /hexBinary/);
  assert.equal(valueViolation('-12.50', syntax({ baseType: 'decimal' })), undefined);
});

test('enumeration, pattern, size (octets for hexBinary) and range with step', () => {
  assert.match(valueViolation('Up', syntax({ baseType: 'string', enumeration: ['Down'] }))!, /not one of/);
  const mac = syntax({ baseType: 'string', patterns: ['', '([0-9A-Fa-f][0-9A-Fa-f]:){5}([0-9A-Fa-f][0-9A-Fa-f])'] });
  assert.equal(valueViolation('', mac), undefined);
  assert.equal(valueViolation('00:D0:9E:00:00:01', mac), undefined);
  assert.match(valueViolation('00:D0:9E:00:00:1', mac)!, /matches none/);
  assert.equal(valueViolation('0000000000', syntax({ baseType: 'hexBinary', sizes: [{ minLength: 5, maxLength: 5 }, { minLength: 13, maxLength: 13 }] })), undefined);
  assert.match(valueViolation('abcd', syntax({ baseType: 'string', sizes: [{ maxLength: 3 }] }))!, /length 4/);
  const stepped = syntax({ baseType: 'int', ranges: [{ minInclusive: '-65536', maxInclusive: '65534', step: '2' }] });
  assert.equal(valueViolation('-2', stepped), undefined);
  assert.match(valueViolation('-3', stepped)!, /outside/);
});

test('lists: whole-string size, item count and per-item checks', () => {
  const list = syntax({ baseType: 'string', enumeration: ['HTTP', 'STUN'], list: { sizes: [{ maxLength: 9 }], maxItems: 2 } });
  assert.equal(valueViolation('', list), undefined);
  assert.equal(valueViolation('HTTP,STUN', list), undefined);
  assert.match(valueViolation('HTTP,XMPP', list)!, /list item "XMPP"/);
  assert.match(valueViolation('HTTP, STUN', list)!, /list length 10/);
});
