import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { AcsHttpSession } from '../../src/transport/acs-http-session.js';
import { TransportError } from '../../src/transport/transport-error.js';

// A self-signed certificate for IP 127.0.0.1 (test-only, generated for this suite).
const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'tls');
const cert = readFileSync(join(FIXTURES, 'acs-cert.pem'), 'utf8');
const key = readFileSync(join(FIXTURES, 'acs-key.pem'), 'utf8');

describe('AcsHttpSession over HTTPS', () => {
  it('rejects an untrusted certificate (tls), accepts it when insecure or with the CA given', async () => {
    const server = createServer({ cert, key }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/acs`;
    try {
      const strict = new AcsHttpSession({ url, requestTimeoutMs: 2000 }, { maxBodyBytes: 1024 });
      await assert.rejects(strict.post(undefined), (err) => err instanceof TransportError && err.kind === 'tls');
      await strict.destroy();
      for (const endpoint of [{ url, requestTimeoutMs: 2000, insecure: true }, { url, requestTimeoutMs: 2000, ca: cert }]) {
        const s = new AcsHttpSession(endpoint, { maxBodyBytes: 1024 });
        assert.equal(await s.post(undefined), 'secure');
        await s.close();
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
