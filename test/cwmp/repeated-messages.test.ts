/** RepeatedMessageParser: a message of a known shape reuses that shape's parse with its own cwmp:ID; nothing else does. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import type { AcsRequest } from '../../src/cwmp/messages.js';
import { parseAcsMessage } from '../../src/cwmp/parse.js';
import { RepeatedMessageParser } from '../../src/cwmp/repeated-messages.js';
import { ProtocolError } from '../../src/errors.js';

const informResponse = (id: string) => buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: 2, id });
const gpv = (id: string, names: string[]) => buildAcsMessage({ method: 'GetParameterValues', parameterNames: names } as AcsRequest, { cwmpVersion: 4, id });

test('a repeat with another cwmp:ID reuses the parse (same body object) and equals a full parse', () => {
  const parser = new RepeatedMessageParser();
  const first = parser.parse(informResponse('1.1'));
  const second = parser.parse(informResponse('2.7'));
  assert.equal(second.header.id, '2.7');
  assert.equal(first.header.id, '1.1', 'the first envelope keeps its own ID');
  assert.equal(second.body, first.body, 'reused');
  assert.deepEqual(second, parseAcsMessage(informResponse('2.7')));
  // An ID of another length, and an empty one.
  assert.deepEqual(parser.parse(informResponse('a-much-longer-id-0123456789')), parseAcsMessage(informResponse('a-much-longer-id-0123456789')));
  assert.equal(parser.parse(informResponse('')).header.id, '');
});

test('several shapes are kept; a message that differs outside the ID is parsed in full', () => {
  const parser = new RepeatedMessageParser();
  const a = parser.parse(gpv('x1', ['Device.DeviceInfo.']));
  const ir = parser.parse(informResponse('x2'));
  const b = parser.parse(gpv('x3', ['Device.DeviceInfo.']));
  assert.equal(b.body, a.body);
  assert.equal(parser.parse(informResponse('x4')).body, ir.body);
  const other = parser.parse(gpv('x5', ['Device.ManagementServer.']));
  assert.notEqual(other.body, a.body);
  assert.deepEqual(other.body, { method: 'GetParameterValues', parameterNames: ['Device.ManagementServer.'] });
});

test('an ID with markup or entities is never spliced in: full parse (and its errors)', () => {
  const parser = new RepeatedMessageParser();
  const plain = parser.parse(informResponse('p1'));
  const escaped = informResponse('a&b');
  assert.ok(escaped.includes('a&amp;b'));
  const parsed = parser.parse(escaped);
  assert.equal(parsed.header.id, 'a&b');
  assert.notEqual(parsed.body, plain.body);
  // Same text around it, but the "ID" opens an element: the full parser rejects the document.
  const broken = informResponse('zz').replace('>zz<', '><x>zz<');
  assert.throws(() => parser.parse(broken), ProtocolError);
});

test('a message without an ID is reused only when identical; cached bodies are read-only', () => {
  const parser = new RepeatedMessageParser();
  const noId = informResponse('q').replace(/<cwmp:ID[^>]*>q<\/cwmp:ID>/, '');
  assert.ok(!noId.includes('cwmp:ID'));
  const first = parser.parse(noId);
  assert.equal(first.header.id, undefined);
  assert.equal(parser.parse(noId), first);
  const body = first.body as { maxEnvelopes?: number };
  assert.throws(() => {
    body.maxEnvelopes = 2;
  }, TypeError);
});
