/**
 * A VirtualCpe session over HTTPS records the `connect` and `tls` latencies of its connection in the
 * MetricsRegistry, from the session's due time (intended) and from the connect / handshake start (actual).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import { parseCpeMessage } from '../../src/cwmp/parse.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { testProfile } from '../cpe/scripted-acs.js';

const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'tls');
const cert = readFileSync(join(FIXTURES, 'acs-cert.pem'), 'utf8');
const key = readFileSync(join(FIXTURES, 'acs-key.pem'), 'utf8');
const LATE_MS = 100;

const servers: Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** The smallest ACS: InformResponse to the Inform, 204 to the empty POST. */
async function startAcs(tls: boolean): Promise<string> {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body === '') return res.writeHead(204).end();
      const msg = parseCpeMessage(body);
      res.writeHead(200, { 'content-type': 'text/xml' }).end(buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: 0, id: msg.header.id }));
    });
  };
  const server = tls ? createHttpsServer({ cert, key }, handle) : createHttpServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/acs`;
}

async function oneSession(tls: boolean): Promise<MetricsRegistry> {
  const metrics = new MetricsRegistry();
  const cpe = new VirtualCpe({
    index: 1,
    profile: testProfile(0),
    acs: { url: await startAcs(tls), requestTimeoutMs: 5000, ...(tls ? { ca: cert } : {}) },
    observer: metrics,
    connectionRequestUrl: 'http://127.0.0.1:7547/cr1',
  });
  assert.deepEqual(await cpe.runSession(performance.now() - LATE_MS), { ok: true });
  return metrics;
}

describe('connect and tls latencies', () => {
  it('HTTPS: one connect and one tls sample per session, intended counted from the due time', async () => {
    const metrics = await oneSession(true);
    for (const name of ['connect', 'tls'] as const) {
      const intended = metrics.histogram(name, 'intended')!;
      const actual = metrics.histogram(name, 'actual')!;
      assert.equal(intended.totalCount, 1, name);
      assert.equal(actual.totalCount, 1, name);
      // µs: the due time lay LATE_MS before the connect began.
      assert.ok(intended.maxValue >= actual.maxValue + LATE_MS * 1000, `${name}: ${intended.maxValue} vs ${actual.maxValue}`);
    }
    // The handshake ends after TCP is up, and the Inform's answer after the handshake.
    assert.ok(metrics.histogram('tls')!.maxValue >= metrics.histogram('connect')!.maxValue);
    assert.ok(metrics.histogram('inform')!.maxValue >= metrics.histogram('tls')!.maxValue);
    assert.ok('tls' in metrics.snapshot().latency);
  });

  it('HTTP: connect only', async () => {
    const metrics = await oneSession(false);
    assert.equal(metrics.histogram('connect')?.totalCount, 1);
    assert.equal(metrics.histogram('tls'), undefined);
  });
});
