/** The Annex K stanza rules on their own: the connectionRequest payload, the allowed-JID list, the credentials check. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xml } from '@xmpp/client';
import {
  connectionRequestElement,
  credentialsMatch,
  jabberIdAllowed,
  NS_XMPP_CONNREQ,
  parseConnectionRequest,
} from '../../src/connreq/xmpp-stanza.js';

test('connectionRequest: exactly one username and one password, text only', () => {
  const el = connectionRequestElement({ username: 'u', password: 'p<&>' });
  assert.equal(el.attrs.xmlns, NS_XMPP_CONNREQ);
  assert.deepEqual(parseConnectionRequest(el), { username: 'u', password: 'p<&>' });
  const cr = (...children: ReturnType<typeof xml>[]) => xml('connectionRequest', { xmlns: NS_XMPP_CONNREQ }, ...children);
  assert.equal(parseConnectionRequest(cr(xml('username', {}, 'u'))), undefined, 'no password');
  assert.equal(parseConnectionRequest(cr(xml('username', {}, 'u'), xml('username', {}, 'v'))), undefined, 'two usernames');
  assert.equal(parseConnectionRequest(cr(xml('username', {}, 'u'), xml('password', {}, 'p'), xml('x'))), undefined, 'extra child');
  assert.equal(parseConnectionRequest(cr(xml('username', {}, xml('b', {}, 'u')), xml('password', {}, 'p'))), undefined, 'markup in a field');
  assert.deepEqual(parseConnectionRequest(cr(xml('username'), xml('password'))), { username: '', password: '' });
});

test('ConnReqAllowedJabberIDs: empty allows all; bare entries match any resource, full entries exactly (TR-181 example)', () => {
  const list = 'ACS1@tr069.example.com, ACS2@tr-069.example.com/resource1';
  assert.equal(jabberIdAllowed('anyone@x/y', ''), true);
  assert.equal(jabberIdAllowed('anyone@x/y', ' , '), true);
  assert.equal(jabberIdAllowed('ACS1@tr069.example.com/resource1', list), true);
  assert.equal(jabberIdAllowed('acs1@TR069.example.com/resource2', list), true, 'local part and domain are case-insensitive');
  assert.equal(jabberIdAllowed('ACS2@tr-069.example.com/resource1', list), true);
  assert.equal(jabberIdAllowed('ACS2@tr-069.example.com/resource2', list), false);
  assert.equal(jabberIdAllowed('ACS2@tr-069.example.com/Resource1', list), false, 'the resource is case-sensitive');
  assert.equal(jabberIdAllowed('ACS@tr069.example.com/resource', list), false);
  assert.equal(jabberIdAllowed('', list), false, 'no from address');
});

test('credentials compare exactly', () => {
  const c = { username: 'u', password: 'p' };
  assert.equal(credentialsMatch({ username: 'u', password: 'p' }, c), true);
  assert.equal(credentialsMatch({ username: 'u', password: 'P' }, c), false);
  assert.equal(credentialsMatch({ username: 'u\0', password: 'p' }, { username: 'u', password: '\0p' }), false, 'the split matters');
  assert.equal(credentialsMatch({ username: 'up', password: '' }, { username: 'u', password: 'p' }), false);
  assert.equal(credentialsMatch({ username: '', password: '' }, c), false);
});
