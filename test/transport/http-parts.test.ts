import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CookieJar } from '../../src/transport/cookie-jar.js';
import { parseChallenges } from '../../src/transport/http-auth.js';
import { parseRetryAfterMs } from '../../src/transport/retry-after.js';
import { classifyRequestError } from '../../src/transport/transport-error.js';

describe('parseChallenges', () => {
  it('splits several challenges in one header and reads quoted params with commas', () => {
    const c = parseChallenges('Digest realm="a, b", qop="auth,auth-int", nonce=abc, algorithm=SHA-256, Basic realm="x"');
    assert.deepEqual(
      c.map((x) => [x.scheme, Object.fromEntries(x.params)]),
      [
        ['digest', { realm: 'a, b', qop: 'auth,auth-int', nonce: 'abc', algorithm: 'SHA-256' }],
        ['basic', { realm: 'x' }],
      ],
    );
  });
  it('reads several header lines and escaped quotes', () => {
    const c = parseChallenges(['Basic realm="r\\"q"', 'Digest nonce="n"']);
    assert.equal(c[0]!.params.get('realm'), 'r"q');
    assert.equal(c[1]!.scheme, 'digest');
  });
});

describe('CookieJar', () => {
  const url = new URL('http://acs.example.com/cwmp/acs');
  it('honours Domain, Path, Expires, Max-Age and Secure', () => {
    const jar = new CookieJar();
    const now = 1_000_000;
    jar.store(
      [
        'a=1',
        'b=2; Domain=.example.com; Path=/',
        'c=3; Domain=other.org',
        'd=4; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
        'e=5; Max-Age=10',
        'f=6; Secure',
        'g=7; Path=/other',
      ],
      url,
      now,
    );
    assert.equal(jar.header(url, now), 'a=1; b=2; e=5');
    assert.equal(jar.header(new URL('http://x.example.com/'), now), 'b=2');
    assert.equal(jar.header(new URL('https://acs.example.com/cwmp/z'), now), 'a=1; b=2; e=5; f=6');
    assert.equal(jar.header(url, now + 11_000), 'a=1; b=2', 'Max-Age expired');
  });
  it('replaces a cookie of the same name and path', () => {
    const jar = new CookieJar();
    jar.store('s=1; Path=/', url);
    jar.store('s=2; Path=/', url);
    assert.equal(jar.header(url), 's=2');
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP-dates', () => {
    assert.equal(parseRetryAfterMs('30'), 30_000);
    assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT')), 0);
    assert.equal(parseRetryAfterMs('soon'), undefined);
    assert.equal(parseRetryAfterMs(undefined), undefined);
  });
});

describe('classifyRequestError', () => {
  const cases: [unknown, string][] = [
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'connect_refused'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'connect_timeout'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_BODY_TIMEOUT' }), 'timeout'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET', cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }), 'reset'],
    [Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'dns'],
    [Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'tls'],
    [Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'tls'],
    [new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), 'connect_refused'],
    [new Error('mystery'), 'internal'],
  ];
  for (const [err, kind] of cases) {
    it(`${(err as { code?: string }).code ?? (err as Error).name} -> ${kind}`, () => {
      assert.equal(classifyRequestError(err).kind, kind);
    });
  }
});
