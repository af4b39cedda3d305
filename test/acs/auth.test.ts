import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { BasicAuthenticator, DigestAuthenticator, parseDigestParams } from '../../src/acs/auth.js';
import { digestAuthorization } from './test-cpe.js';

function request(authorization?: string, url = '/'): IncomingMessage {
  return { method: 'POST', url, headers: authorization ? { authorization } : {} } as IncomingMessage;
}

const creds = { username: 'cpe', password: 's3cret' };

describe('BasicAuthenticator', () => {
  const auth = new BasicAuthenticator(creds);
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('challenges a request without credentials without counting a failure', () => {
    const out = auth.check(request());
    assert.deepEqual(out, { ok: false, challenge: 'Basic realm="cpesim", charset="UTF-8"', wrongCredentials: false });
  });

  it('accepts the right credentials and refuses wrong ones', () => {
    assert.deepEqual(auth.check(request(basic('cpe', 's3cret'))), { ok: true });
    const wrong = auth.check(request(basic('cpe', 'nope')));
    assert.equal(wrong.ok, false);
    assert.equal(!wrong.ok && wrong.wrongCredentials, true);
    assert.equal(auth.check(request('Basic !!!')).ok, false);
  });
});

describe('DigestAuthenticator', () => {
  it('challenges with realm, qop=auth, MD5, nonce and opaque', () => {
    const out = new DigestAuthenticator(creds).check(request());
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.equal(out.wrongCredentials, false);
    const p = parseDigestParams(out.challenge.slice('Digest '.length));
    assert.equal(p.get('realm'), 'cpesim');
    assert.equal(p.get('qop'), 'auth');
    assert.equal(p.get('algorithm'), 'MD5');
    assert.match(p.get('nonce') ?? '', /^[0-9a-z]+\.[\w-]+$/);
    assert.match(p.get('opaque') ?? '', /^[0-9a-f]{32}$/);
  });

  it('accepts a correct response and refuses a wrong password, a wrong uri and a forged nonce', () => {
    const auth = new DigestAuthenticator(creds);
    const first = auth.check(request());
    assert.ok(!first.ok);
    assert.deepEqual(auth.check(request(digestAuthorization(first.challenge, 'cpe', 's3cret'))), { ok: true });
    for (const bad of [
      digestAuthorization(first.challenge, 'cpe', 'wrong'),
      digestAuthorization(first.challenge, 'other', 's3cret'),
      digestAuthorization(first.challenge, 'cpe', 's3cret', '/elsewhere'),
      digestAuthorization(first.challenge.replace(/nonce="[^"]*"/, 'nonce="lzz.forged"'), 'cpe', 's3cret'),
    ]) {
      const out = auth.check(request(bad));
      assert.equal(out.ok, false, bad);
      assert.equal(!out.ok && out.wrongCredentials, true, bad);
    }
  });

  it('does not accept a nonce issued by another ACS instance', () => {
    const other = new DigestAuthenticator(creds).check(request());
    assert.ok(!other.ok);
    assert.equal(new DigestAuthenticator(creds).check(request(digestAuthorization(other.challenge, 'cpe', 's3cret'))).ok, false);
  });

  it('expires nonces: right credentials on an old nonce get a stale challenge, not a failure', () => {
    let now = 1_700_000_000_000;
    const auth = new DigestAuthenticator(creds, 60_000, () => now);
    const first = auth.check(request());
    assert.ok(!first.ok);
    const header = digestAuthorization(first.challenge, 'cpe', 's3cret');
    now += 59_000;
    assert.equal(auth.check(request(header)).ok, true);
    now += 2_000;
    const stale = auth.check(request(header));
    assert.equal(stale.ok, false);
    assert.ok(!stale.ok);
    assert.equal(stale.wrongCredentials, false);
    assert.match(stale.challenge, /stale=true/);
    assert.equal(auth.check(request(digestAuthorization(stale.challenge, 'cpe', 's3cret'))).ok, true);
  });
});
