/**
 * Http1Client against a raw TCP peer on loopback that writes exact bytes: response framing (Content-Length,
 * chunked, close-delimited, interim 1xx), connection reuse and reconnects, and the broken answers a hostile ACS
 * sends, each failing as a classified TransportError.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Http1Client, type Http1ClientOptions } from '../../src/transport/http1-client.js';
import { TransportError } from '../../src/transport/transport-error.js';

const LIMIT = { timeout: 10_000 };

interface RawPeer {
  origin: URL;
  /** Every connection accepted, in order. */
  connections: Socket[];
  /** Every request head received (up to the blank line), in order. */
  heads: string[];
}

const servers: Server[] = [];
after(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

/**
 * A TCP server that answers the n-th request (counted over all connections) with `answers[n]`, raw bytes, and
 * ends the connection after it when the answer is followed by `END`.
 */
const END = Symbol('end');
type Answer = string | [string, typeof END];

async function startRawPeer(answers: Answer[]): Promise<RawPeer> {
  const peer: RawPeer = { origin: new URL('http://127.0.0.1'), connections: [], heads: [] };
  const server = createServer((socket) => {
    peer.connections.push(socket);
    let pending = '';
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = pending.slice(0, headEnd);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        pending = pending.slice(headEnd + 4 + length);
        const answer = answers[peer.heads.length];
        peer.heads.push(head);
        if (answer === undefined) continue; // never answered: the client's timeout
        if (typeof answer === 'string') socket.write(answer);
        else socket.end(answer[0]);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/acs`);
  return peer;
}

function client(peer: RawPeer, overrides: Partial<Http1ClientOptions> = {}): Http1Client {
  return new Http1Client({
    origin: peer.origin,
    httpVersion: '1.1',
    chunked: false,
    expectContinue: false,
    timeoutMs: 2_000,
    maxBodyBytes: 1024,
    onSocket: () => undefined,
    ...overrides,
  });
}

const post = (c: Http1Client, body: string | null = '<x/>') =>
  c.request({ path: '/acs', method: 'POST', headers: { 'content-type': 'text/xml' }, body, signal: null });

async function rejectsAs(promise: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof TransportError, `a TransportError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, message);
    return true;
  });
}

describe('Http1Client: response framing', () => {
  it('Content-Length, chunked and close-delimited bodies; a kept-alive connection serves the next request', LIMIT, async () => {
    const peer = await startRawPeer([
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n',
      ['HTTP/1.1 200 OK\r\n\r\nuntil the end', END],
    ]);
    const c = client(peer);
    const first = await post(c);
    assert.deepEqual([first.statusCode, first.body, first.headers['set-cookie']], [200, 'hello', ['a=1', 'b=2']]);
    assert.equal((await post(c, null)).body, 'abcdefg');
    assert.equal((await post(c)).body, 'until the end');
    assert.equal(peer.connections.length, 1, 'all three on one connection');
    assert.match(peer.heads[0]!, /^POST \/acs HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\ncontent-type: text\/xml\r\nContent-Length: 4$/);
    await c.close();
  });

  it('an interim 100 Continue before the final answer is skipped; 204 has no body', LIMIT, async () => {
    const peer = await startRawPeer(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n']);
    const c = client(peer);
    const res = await post(c);
    assert.deepEqual([res.statusCode, res.body], [204, '']);
    await c.close();
  });

  it('a connection the ACS closed after its answer is replaced by a new one for the next request', LIMIT, async () => {
    const peer = await startRawPeer([['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na', END], 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb']);
    const c = client(peer);
    assert.equal((await post(c)).body, 'a');
    assert.equal((await post(c)).body, 'b');
    assert.equal(peer.connections.length, 2);
    await c.close();
  });

  it('bytes after a complete response: the answer stands, the connection is not used again', LIMIT, async () => {
    const peer = await startRawPeer(['HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh']);
    const c = client(peer);
    assert.equal((await post(c)).statusCode, 204);
    assert.equal((await post(c)).body, 'fresh');
    assert.equal(peer.connections.length, 2);
    await c.close();
  });

  it('close() sends a FIN and lets go of the socket even when the ACS keeps its side open', LIMIT, async () => {
    const peer = await startRawPeer(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    let clientSocket: Socket | undefined;
    const c = client(peer, { onSocket: (socket) => (clientSocket = socket) });
    await post(c);
    const serverSaw = new Promise<string>((resolve) => peer.connections[0]!.once('end', () => resolve('fin')).resume());
    await c.close();
    assert.equal(await serverSaw, 'fin');
    assert.equal(clientSocket?.destroyed, true);
  });
});

describe('Http1Client: a broken or hostile ACS', () => {
  it('conflicting Content-Length headers -> protocol', LIMIT, async () => {
    const peer = await startRawPeer(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc']);
    await rejectsAs(post(client(peer)), 'protocol', /invalid Content-Length/);
  });

  it('not an HTTP status line -> protocol', LIMIT, async () => {
    const peer = await startRawPeer(['SSH-2.0-OpenSSH_9.6\r\n\r\n']);
    await rejectsAs(post(client(peer)), 'protocol', /not an HTTP\/1\.x status line/);
  });

  it('a header with a bare line feed (a header it would smuggle into our next request) -> protocol', LIMIT, async () => {
    const peer = await startRawPeer(['HTTP/1.1 200 OK\r\nSet-Cookie: a=1\nX-Injected: 1\r\nContent-Length: 0\r\n\r\n']);
    await rejectsAs(post(client(peer)), 'protocol', /bare CR, LF or NUL/);
  });

  it('a chunked body with a bad chunk size -> protocol', LIMIT, async () => {
    const peer = await startRawPeer(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n']);
    await rejectsAs(post(client(peer)), 'protocol', /bad chunk size/);
  });

  it('a body over maxBodyBytes -> protocol, whatever the framing', LIMIT, async () => {
    const big = 'x'.repeat(2000);
    const peer = await startRawPeer([`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n${big}\r\n0\r\n\r\n`]);
    await rejectsAs(post(client(peer)), 'protocol', /over 1024 bytes/);
  });

  it('a Content-Length body cut short by the ACS closing -> reset', LIMIT, async () => {
    const peer = await startRawPeer([['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', END]]);
    await rejectsAs(post(client(peer)), 'reset', /before the response was complete/);
  });

  it('no answer within timeoutMs -> timeout; an aborted request -> timeout (the session deadline)', LIMIT, async () => {
    const peer = await startRawPeer([]);
    await rejectsAs(post(client(peer, { timeoutMs: 100 })), 'timeout', /no complete response within 100 ms/);
    const abort = new AbortController();
    const pending = client(peer).request({ path: '/acs', method: 'POST', headers: {}, body: '<x/>', signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await rejectsAs(pending, 'timeout', /abort/i);
  });
});
