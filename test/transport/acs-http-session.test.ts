import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { AcsHttpSession, MAX_REDIRECTS, type AcsEndpoint } from '../../src/transport/acs-http-session.js';
import { TransportError } from '../../src/transport/transport-error.js';
import { startTestServer, type SeenRequest } from './local-http-server.js';
import { REFUSING_ORIGIN } from '../support/loopback.js';

const ENVELOPE = '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body/></soap-env:Envelope>';

function session(endpoint: Partial<AcsEndpoint> & { url: string }, maxBodyBytes = 1 << 20): AcsHttpSession {
  return new AcsHttpSession({ requestTimeoutMs: 2000, ...endpoint }, { maxBodyBytes });
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TransportError, `expected TransportError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

/** Parses `Digest k=v, k="v"` (test-side, independent of the code under test). */
function digestFields(header: string): Record<string, string> {
  assert.match(header, /^Digest /);
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]!] = m[2] ?? m[3]!;
  return out;
}

/** A digest-protected ACS that verifies every response hash per RFC 7616 and records the nc values. */
function digestAcs(opts: { algorithm: 'MD5' | 'SHA-256'; user: string; pass: string; staleAtRequest?: number }) {
  const hashName = opts.algorithm === 'MD5' ? 'md5' : 'sha256';
  const H = (s: string) => createHash(hashName).update(s).digest('hex');
  let nonce = 'nonce-1';
  const opaque = 'opaque-xyz';
  const ncSeen: string[] = [];
  const challenge = (stale: boolean) =>
    `Digest realm="cpesim", qop="auth,auth-int", nonce="${nonce}", opaque="${opaque}", algorithm=${opts.algorithm}${stale ? ', stale=true' : ''}`;
  let authorizedCount = 0;
  const handler = (req: SeenRequest, res: import('node:http').ServerResponse) => {
    const auth = req.headers.authorization;
    if (!auth) {
      res.writeHead(401, { 'www-authenticate': challenge(false) }).end();
      return;
    }
    const f = digestFields(auth);
    const ha1 = H(`${f.username}:${f.realm}:${opts.pass}`);
    const ha2 = H(`${req.method}:${f.uri}`);
    const expected = H(`${ha1}:${f.nonce}:${f.nc}:${f.cnonce}:${f.qop}:${ha2}`);
    const valid =
      f.username === opts.user && f.realm === 'cpesim' && f.opaque === opaque && f.qop === 'auth' &&
      f.uri === req.url && f.algorithm === opts.algorithm && f.response === expected;
    if (!valid) {
      res.writeHead(401, { 'www-authenticate': challenge(false) }).end();
      return;
    }
    if (f.nonce !== nonce) {
      res.writeHead(401, { 'www-authenticate': challenge(true) }).end();
      return;
    }
    ncSeen.push(f.nc!);
    authorizedCount++;
    if (opts.staleAtRequest !== undefined && authorizedCount === opts.staleAtRequest) {
      nonce = 'nonce-2'; // expire the nonce: the next request gets stale=true
    }
    res.writeHead(200, { 'content-type': 'text/xml' }).end(`ok ${authorizedCount}`);
  };
  return { handler, ncSeen };
}

describe('AcsHttpSession', () => {
  it('sends envelopes with Content-Type and SOAPAction, the empty POST with Content-Length 0 only', async () => {
    const srv = await startTestServer((_req, res, i) => (i === 0 ? res.end('<x/>') : res.writeHead(204).end()));
    const s = session({ url: srv.url });
    try {
      assert.equal(await s.post(ENVELOPE, '"urn:dslforum-org:cwmp-1-0#Inform"'), '<x/>');
      assert.equal(await s.post(undefined, ''), '');
      const [env, empty] = srv.requests;
      assert.equal(env!.headers['content-type'], 'text/xml; charset="utf-8"');
      assert.equal(env!.headers['soapaction'], '"urn:dslforum-org:cwmp-1-0#Inform"');
      assert.equal(env!.body, ENVELOPE);
      assert.equal(empty!.headers['content-length'], '0');
      assert.equal(empty!.headers['content-type'], undefined);
      assert.equal(empty!.headers['soapaction'], undefined);
      assert.equal(empty!.body, '');
      // one keep-alive connection for the whole session
      assert.equal(env!.headers.connection ?? 'keep-alive', 'keep-alive');
      assert.ok(s.bytesSent() > ENVELOPE.length && s.bytesReceived() > 4);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('answers a Basic challenge and keeps sending the credentials', async () => {
    const expected = `Basic ${Buffer.from('cpe:secret').toString('base64')}`;
    const srv = await startTestServer((req, res) => {
      if (req.headers.authorization !== expected) res.writeHead(401, { 'www-authenticate': 'Basic realm="acs"' }).end();
      else res.end('fine');
    });
    const s = session({ url: srv.url, username: 'cpe', password: 'secret' });
    try {
      assert.equal(await s.post(ENVELOPE, ''), 'fine');
      assert.equal(await s.post(undefined, ''), 'fine');
      assert.deepEqual(srv.requests.map((r) => r.headers.authorization), [undefined, expected, expected]);
      assert.equal(srv.requests[1]!.body, ENVELOPE, 'the same body is resent after the challenge');
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('wrong Basic credentials -> auth_failed', async () => {
    const srv = await startTestServer((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="acs"' }).end());
    const s = session({ url: srv.url, username: 'cpe', password: 'wrong' });
    try {
      const err = await rejection(s.post(ENVELOPE, ''));
      assert.equal(err.kind, 'auth_failed');
      assert.equal(err.code, 'CPESIM_TRANSPORT_AUTH_FAILED');
      assert.equal(srv.requests.length, 2);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  for (const algorithm of ['MD5', 'SHA-256'] as const) {
    it(`Digest ${algorithm}: verified hash, nc counts up over requests, stale=true re-challenge`, async () => {
      const acs = digestAcs({ algorithm, user: 'cpe', pass: 'pw', staleAtRequest: 3 });
      const srv = await startTestServer(acs.handler);
      const s = session({ url: srv.url, username: 'cpe', password: 'pw' });
      try {
        for (let i = 1; i <= 5; i++) assert.equal(await s.post(i % 2 ? ENVELOPE : undefined, ''), `ok ${i}`);
        // 401, then 3 authorized with nc 1..3; request 4 hits the stale nonce (401 stale), resent with nc 1
        assert.deepEqual(acs.ncSeen, ['00000001', '00000002', '00000003', '00000001', '00000002']);
        assert.equal(srv.requests.length, 7);
        assert.equal(srv.requests[0]!.headers.authorization, undefined);
      } finally {
        await s.close();
        await srv.close();
      }
    });
  }

  it('Digest with the wrong password -> auth_failed (no endless retry)', async () => {
    const acs = digestAcs({ algorithm: 'MD5', user: 'cpe', pass: 'right' });
    const srv = await startTestServer(acs.handler);
    const s = session({ url: srv.url, username: 'cpe', password: 'wrong' });
    try {
      assert.equal((await rejection(s.post(ENVELOPE, ''))).kind, 'auth_failed');
      assert.equal(srv.requests.length, 2);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('401 without credentials configured -> auth_failed', async () => {
    const srv = await startTestServer((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end());
    const s = session({ url: srv.url });
    try {
      assert.equal((await rejection(s.post(ENVELOPE, ''))).kind, 'auth_failed');
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('returns cookies on every later request, honours Max-Age=0 and Path', async () => {
    const srv = await startTestServer((_req, res, i) => {
      if (i === 0) res.setHeader('set-cookie', ['session=abc; Path=/; HttpOnly', 'gone=1; Path=/', 'other=x; Path=/elsewhere']);
      if (i === 1) res.setHeader('set-cookie', 'gone=; Max-Age=0; Path=/');
      res.end('');
    });
    const s = session({ url: srv.url });
    try {
      await s.post(ENVELOPE, '');
      await s.post(undefined, '');
      await s.post(undefined, '');
      assert.deepEqual(srv.requests.map((r) => r.headers.cookie), [undefined, 'session=abc; gone=1', 'session=abc']);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('follows a redirect, re-POSTs the body, and keeps the new URL for the session', async () => {
    const srv = await startTestServer((req, res) => {
      if (req.url === '/acs') res.writeHead(307, { location: '/moved?x=1' }).end();
      else res.end(`at ${req.url}`);
    });
    const s = session({ url: srv.url });
    try {
      assert.equal(await s.post(ENVELOPE, ''), 'at /moved?x=1');
      assert.equal(await s.post(undefined, ''), 'at /moved?x=1');
      assert.deepEqual(srv.requests.map((r) => [r.url, r.body]), [['/acs', ENVELOPE], ['/moved?x=1', ENVELOPE], ['/moved?x=1', '']]);
    } finally {
      await s.close();
      await srv.close();
    }
    // A new session starts at the configured URL again.
    const srv2 = await startTestServer((req, res) => res.end(req.url));
    const s2 = session({ url: srv2.url });
    try {
      assert.equal(await s2.post(ENVELOPE, ''), '/acs');
    } finally {
      await s2.close();
      await srv2.close();
    }
  });

  it('a redirect to another origin opens a new connection there and answers its own challenge', async () => {
    const expected = `Basic ${Buffer.from('cpe:pw').toString('base64')}`;
    const target = await startTestServer((req, res) => {
      if (req.headers.authorization !== expected) res.writeHead(401, { 'www-authenticate': 'Basic realm="b"' }).end();
      else res.end(`b ${req.url}`);
    });
    const first = await startTestServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/b` }).end());
    const s = session({ url: first.url, username: 'cpe', password: 'pw' });
    try {
      assert.equal(await s.post(ENVELOPE, ''), 'b /b');
      assert.equal(await s.post(undefined, ''), 'b /b');
      assert.equal(first.requests.length, 1);
      assert.deepEqual(target.requests.map((r) => r.headers.authorization), [undefined, expected, expected]);
    } finally {
      await s.close();
      await first.close();
      await target.close();
    }
  });

  it('a challenge with Connection: close is answered on a new connection', async () => {
    const expected = `Basic ${Buffer.from('cpe:pw').toString('base64')}`;
    const srv = await startTestServer((req, res) => {
      if (req.headers.authorization !== expected) res.writeHead(401, { 'www-authenticate': 'Basic realm="b"', connection: 'close' }).end();
      else res.end('in');
    });
    const s = session({ url: srv.url, username: 'cpe', password: 'pw' });
    try {
      assert.equal(await s.post(ENVELOPE, ''), 'in');
      assert.equal(srv.requests.length, 2);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it(`stops a redirect loop after ${MAX_REDIRECTS} redirects -> redirect_loop`, async () => {
    const srv = await startTestServer((_req, res, i) => res.writeHead(302, { location: `/hop${i}` }).end());
    const s = session({ url: srv.url });
    try {
      assert.equal((await rejection(s.post(ENVELOPE, ''))).kind, 'redirect_loop');
      assert.equal(srv.requests.length, MAX_REDIRECTS + 1);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('503 -> overloaded with Retry-After seconds or HTTP-date', async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    const srv = await startTestServer((_req, res, i) => res.writeHead(503, { 'retry-after': i === 0 ? '120' : date }).end());
    const s = session({ url: srv.url });
    try {
      const a = await rejection(s.post(ENVELOPE, ''));
      assert.equal(a.kind, 'overloaded');
      assert.equal(a.retryAfterMs, 120_000);
      const b = await rejection(s.post(ENVELOPE, ''));
      assert.ok(b.retryAfterMs! > 55_000 && b.retryAfterMs! <= 60_000, `got ${b.retryAfterMs}`);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('other non-2xx -> http_status with the status', async () => {
    const srv = await startTestServer((_req, res) => res.writeHead(500).end('boom'));
    const s = session({ url: srv.url });
    try {
      const err = await rejection(s.post(ENVELOPE, ''));
      assert.equal(err.kind, 'http_status');
      assert.equal(err.status, 500);
    } finally {
      await s.close();
      await srv.close();
    }
  });

  it('an ACS that never answers -> timeout', async () => {
    const srv = await startTestServer(() => undefined);
    const s = new AcsHttpSession({ url: srv.url, requestTimeoutMs: 150 }, { maxBodyBytes: 1024 });
    try {
      const started = performance.now();
      const err = await rejection(s.post(ENVELOPE, ''));
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /150 ms/);
      assert.ok(performance.now() - started < 5000);
    } finally {
      await s.destroy();
      await srv.close();
    }
  });

  it('a closed port -> connect_refused', async () => {
    const s = session({ url: `${REFUSING_ORIGIN}/acs` });
    try {
      assert.equal((await rejection(s.post(ENVELOPE, ''))).kind, 'connect_refused');
    } finally {
      await s.destroy();
    }
  });

  it('a body over the cap -> protocol', async () => {
    const srv = await startTestServer((_req, res) => res.end('x'.repeat(5000)));
    const s = session({ url: srv.url }, 1000);
    try {
      assert.equal((await rejection(s.post(ENVELOPE, ''))).kind, 'protocol');
    } finally {
      await s.destroy();
      await srv.close();
    }
  });

  it('the connection dropped mid-request -> reset', async () => {
    const srv = await startTestServer((_req, res) => res.socket?.destroy());
    const s = session({ url: srv.url });
    try {
      assert.equal((await rejection(s.post(ENVELOPE, ''))).kind, 'reset');
    } finally {
      await s.destroy();
      await srv.close();
    }
  });
});
