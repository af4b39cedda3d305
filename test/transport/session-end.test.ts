/**
 * How an AcsHttpSession ends and starts, now that the ACS URL is parsed once per process: the ACS must see each
 * session's connection ended by a FIN (not a reset, not left open), every session must open its own connection, and
 * a redirect in one session must not move where the next one starts (the parsed URL is shared).
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { AcsHttpSession } from '../../src/transport/acs-http-session.js';
import { startTestServer, type TestServer } from './local-http-server.js';

const LIMIT = { timeout: 10_000 };
/** Generous: the FIN is sent at once; this only bounds a failing test. */
const END_WAIT_MS = 3_000;

/** How the server saw a client connection finish. */
type Ending = 'fin' | 'error' | 'open';

interface Peer {
  server: TestServer;
  /** Every connection a request arrived on, in order. */
  connections: Socket[];
}

const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** A loopback server answering 'ok' (or as `redirectTo` says) that keeps the connections its requests came on. */
async function startPeer(redirectTo?: string): Promise<Peer> {
  const connections: Socket[] = [];
  const server = await startTestServer((_req, res) => {
    if (res.socket && !connections.includes(res.socket)) connections.push(res.socket);
    if (redirectTo !== undefined) res.writeHead(307, { location: redirectTo }).end();
    else res.end('ok');
  });
  servers.push(server);
  return { server, connections };
}

/** Waits for the client to end the server-side socket: 'fin' when it sent a FIN, 'error' on a reset, else 'open'. */
function ending(socket: Socket): Promise<Ending> {
  if (socket.readableEnded) return Promise.resolve('fin');
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), END_WAIT_MS);
    socket.once('end', () => (clearTimeout(timer), resolve('fin')));
    socket.once('error', () => (clearTimeout(timer), resolve('error')));
    socket.resume();
  });
}

describe('AcsHttpSession: end of a session', () => {
  it('close() ends the connection with a FIN; each session opens its own connection to the same URL', LIMIT, async () => {
    const peer = await startPeer();
    const endpoint = { url: peer.server.url, requestTimeoutMs: 2000 };
    for (let session = 1; session <= 2; session++) {
      const s = new AcsHttpSession(endpoint, { maxBodyBytes: 1024 });
      assert.equal(await s.post('<x/>', ''), 'ok');
      assert.equal(await s.post(undefined), 'ok'); // keep-alive within the session
      assert.equal(peer.connections.length, session, 'one connection per session');
      await s.close();
      assert.equal(await ending(peer.connections[session - 1]!), 'fin');
      assert.equal(s.connectionOpen(), false);
    }
    assert.deepEqual(peer.server.requests.map((r) => r.url), ['/acs', '/acs', '/acs', '/acs']);
  });

  it('a redirect to another origin in one session does not move where the next session starts', LIMIT, async () => {
    const target = await startPeer();
    const origin = await startPeer(target.server.url + '?from=redirect');
    const endpoint = { url: origin.server.url, requestTimeoutMs: 2000 };
    const first = new AcsHttpSession(endpoint, { maxBodyBytes: 1024 });
    assert.equal(await first.post('<x/>', ''), 'ok');
    await first.close();
    const second = new AcsHttpSession(endpoint, { maxBodyBytes: 1024 });
    assert.equal(await second.post('<x/>', ''), 'ok');
    await second.close();
    assert.deepEqual(origin.server.requests.map((r) => r.url), ['/acs', '/acs'], 'both sessions started at the configured URL');
    assert.deepEqual(target.server.requests.map((r) => r.url), ['/acs?from=redirect', '/acs?from=redirect']);
  });
});
