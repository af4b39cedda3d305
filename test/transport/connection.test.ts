/**
 * The connection side of AcsHttpSession and downloadFile: TCP connect / TLS handshake timing of every
 * connection (redirects included), and binding to the CPE's source address (AcsEndpoint.localAddress).
 * Linux routes all of 127/8 to lo, so 127.0.0.2 is a second local address without any setup.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { AcsHttpSession } from '../../src/transport/acs-http-session.js';
import { downloadFile, FileDownloadError } from '../../src/transport/file-download.js';
import { TransportError } from '../../src/transport/transport-error.js';

const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'tls');
const cert = readFileSync(join(FIXTURES, 'acs-cert.pem'), 'utf8');
const key = readFileSync(join(FIXTURES, 'acs-key.pem'), 'utf8');
const LIMIT = { timeout: 10_000 };
/** TEST-NET-1 (RFC 5737): a valid IP address that is not one of this host's. */
const FOREIGN_ADDRESS = '192.0.2.1';

interface Peer {
  url: string;
  /** The client address of every request, in order. */
  remotes: string[];
}

const servers: Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** A loopback HTTP(S) server that records each request's client address and answers with `handle`. */
async function startPeer(tls: boolean, handle: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end('ok')): Promise<Peer> {
  const remotes: string[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    remotes.push(req.socket.remoteAddress ?? '');
    req.resume().on('end', () => handle(req, res));
  };
  const server = tls ? createHttpsServer({ cert, key }, onRequest) : createHttpServer(onRequest);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/acs`, remotes };
}

type Timing = [startedAt: number, tcpAt: number, tlsAt: number | undefined];

describe('connection timing', () => {
  it('HTTP: one connection per session, timed from the connect start to TCP up, no TLS', LIMIT, async () => {
    const peer = await startPeer(false);
    const timings: Timing[] = [];
    const before = performance.now();
    const s = new AcsHttpSession({ url: peer.url, requestTimeoutMs: 2000 }, { maxBodyBytes: 1024, onConnection: (...t) => timings.push(t) });
    assert.equal(await s.post(undefined), 'ok');
    assert.equal(await s.post(undefined), 'ok'); // keep-alive: no second connection
    await s.close();
    assert.equal(timings.length, 1);
    const [startedAt, tcpAt, tlsAt] = timings[0]!;
    assert.ok(before <= startedAt && startedAt <= tcpAt && tcpAt <= performance.now(), JSON.stringify(timings));
    assert.equal(tlsAt, undefined);
  });

  it('HTTPS: TCP connect, then the TLS handshake; a redirect to another origin is timed too', LIMIT, async () => {
    const target = await startPeer(true);
    const first = await startPeer(true, (_req, res) => res.writeHead(307, { location: target.url }).end());
    const timings: Timing[] = [];
    const s = new AcsHttpSession({ url: first.url, requestTimeoutMs: 2000, ca: cert }, { maxBodyBytes: 1024, onConnection: (...t) => timings.push(t) });
    assert.equal(await s.post('<x/>'), 'ok');
    await s.close();
    assert.equal(first.remotes.length, 1);
    assert.equal(target.remotes.length, 1);
    assert.equal(timings.length, 2, 'one connection per origin');
    for (const [startedAt, tcpAt, tlsAt] of timings) {
      assert.ok(tlsAt !== undefined && startedAt <= tcpAt && tcpAt < tlsAt, JSON.stringify(timings));
    }
    assert.ok(timings[1]![0] >= timings[0]![2]!, 'the redirect connection comes after the first');
  });
});

describe('source address (localAddress)', () => {
  it('ACS connections bind to it: the server sees 127.0.0.2; without it the OS picks 127.0.0.1', LIMIT, async () => {
    const peer = await startPeer(false);
    for (const localAddress of ['127.0.0.2', undefined]) {
      const s = new AcsHttpSession({ url: peer.url, requestTimeoutMs: 2000, ...(localAddress ? { localAddress } : {}) }, { maxBodyBytes: 1024 });
      assert.equal(await s.post(undefined), 'ok');
      await s.close();
    }
    assert.deepEqual(peer.remotes, ['127.0.0.2', '127.0.0.1']);
  });

  it('HTTPS and the redirect connection bind to it too', LIMIT, async () => {
    const target = await startPeer(true);
    const first = await startPeer(true, (_req, res) => res.writeHead(302, { location: target.url }).end());
    const s = new AcsHttpSession({ url: first.url, requestTimeoutMs: 2000, insecure: true, localAddress: '127.0.0.2' }, { maxBodyBytes: 1024 });
    assert.equal(await s.post(undefined), 'ok');
    await s.close();
    assert.deepEqual([first.remotes, target.remotes], [['127.0.0.2'], ['127.0.0.2']]);
  });

  it('file downloads bind to it', LIMIT, async () => {
    const peer = await startPeer(false, (_req, res) => res.end('0123456789'));
    const r = await downloadFile({ url: peer.url, username: '', password: '', timeoutMs: 2000, maxBytes: 100, localAddress: '127.0.0.2' });
    assert.equal(r.bytes, 10);
    assert.deepEqual(peer.remotes, ['127.0.0.2']);
  });

  it('an address that is not this host\'s, or not an address, is a local_address error (downloads: unreachable)', LIMIT, async () => {
    const peer = await startPeer(false);
    const isLocalAddressError = (err: unknown) => err instanceof TransportError && err.kind === 'local_address' && err.code === 'CPESIM_TRANSPORT_LOCAL_ADDRESS';
    const foreign = new AcsHttpSession({ url: peer.url, requestTimeoutMs: 2000, localAddress: FOREIGN_ADDRESS }, { maxBodyBytes: 1024 });
    await assert.rejects(foreign.post(undefined), isLocalAddressError);
    await foreign.destroy();
    assert.throws(() => new AcsHttpSession({ url: peer.url, requestTimeoutMs: 2000, localAddress: 'eth0' }, { maxBodyBytes: 1024 }), isLocalAddressError);
    for (const localAddress of [FOREIGN_ADDRESS, 'eth0']) {
      await assert.rejects(
        downloadFile({ url: peer.url, username: '', password: '', timeoutMs: 2000, maxBytes: 100, localAddress }),
        (err) => err instanceof FileDownloadError && err.reason === 'unreachable' && /local address|EADDRNOTAVAIL/.test(err.message),
      );
    }
    assert.deepEqual(peer.remotes, [], 'nothing reached the server');
  });
});
