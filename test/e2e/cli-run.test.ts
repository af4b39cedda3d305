import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from 'undici';
import { startReferenceAcs } from '../../src/acs/server.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { readSummary, runCli, tempDir } from '../support/cli.js';

test('cpesim run: a real fleet on worker threads against the built-in reference ACS writes summary.json', async () => {
  const out = await tempDir('cpesim-run-');
  const run = await runCli(['run', 'scenarios/quickstart.yaml', '--cpes', '6', '--duration', '4s', '--interval', '1', '--workers', '2', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const summary = await readSummary(out);
  assert.equal(summary.cpes, 6);
  assert.ok(summary.durationS >= 3.5, `durationS ${summary.durationS}`);
  // Every CPE boots once and then informs about every second: well over one session per CPE.
  assert.ok(summary.sessions.completed >= 12, `completed ${summary.sessions.completed}`);
  assert.equal(summary.sessions.failed, 0, JSON.stringify(summary.errorSamples));
  assert.equal(summary.sessions.started, summary.sessions.completed);
  assert.deepEqual(summary.errors, {});
  for (const name of ['session', 'inform']) {
    const l = summary.latency[name]!;
    assert.ok(l, `latency.${name} missing`);
    for (const key of ['count', 'p50', 'p90', 'p99', 'max'] as const) assert.equal(typeof l[key], 'number');
    assert.ok(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max);
  }
  assert.equal(summary.latency['session']!.count, summary.sessions.completed);
  // The provisioning flow ran: the reference ACS sent SetParameterValues and GetParameterValues on BOOTSTRAP.
  assert.ok(summary.latency['rpc.SetParameterValues'] || summary.latency['rpc.GetParameterValues'], Object.keys(summary.latency).join(','));
  assert.match(run.stderr, /\[\s*\d+s\] cpes=6 \(online \d+, booting \d+, offline \d+\) sessions started=/);
  assert.match(run.stdout, /sessions: started \d+, completed \d+, failed 0/);
});

test('cpesim run: a broken scenario exits 2 naming the file, line and field', async () => {
  const dir = await tempDir('cpesim-bad-');
  const file = join(dir, 'broken.yaml');
  await writeFile(file, 'name: broken\nfleet:\n  - profile: tr098\n    count: -3\n');
  const run = await runCli(['run', file, '--ui', 'none']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 4, field fleet\\[0\\]\\.count`));
});

test('cpesim run: a broken profile exits 2 naming the profile file and line', async () => {
  const dir = await tempDir('cpesim-badprofile-');
  const profile = join(dir, 'bad.yaml');
  await writeFile(profile, 'profile: bad\nroot: Device\ndeviceId:\n  manufacturer: x\n  oui: 00D09E\n  productClass: y\n  serialNumber: z\nparameters:\n  Device.DeviceInfo.X: { type: strin }\n');
  const run = await runCli(['run', '--profile', profile, '--cpes', '1', '--duration', '1s', '--ui', 'none']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /bad\.yaml/);
  assert.match(run.stderr, /line 9/);
});

test('cpesim run: bad flags exit 2 naming the flag', async () => {
  const run = await runCli(['run', '--cpes', '0', '--ui', 'none']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--cpes/);
});

/** An ACS that answers every Inform with something that is not CWMP. */
async function hostileAcs(answer: (n: number) => { status: number; body: string }): Promise<{ server: Server; url: string; hits: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status, body } = answer(n++);
      res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, hits: () => n };
}

test('cpesim run: malformed ACS answers are counted as protocol errors and the fleet keeps running', async () => {
  const acs = await hostileAcs(() => ({ status: 200, body: '<html><body>502 Bad Gateway</body>' }));
  try {
    const out = await tempDir('cpesim-hostile-');
    const run = await runCli(['run', '--acs', acs.url, '--cpes', '3', '--duration', '3s', '--workers', '1', '--ui', 'none', '--out', out]);
    // Nothing completed against this ACS: the run failed (exit 1), but it measured and wrote its results.
    assert.equal(run.code, 1, run.stderr);
    const summary = await readSummary(out);
    assert.equal(summary.sessions.completed, 0);
    assert.ok((summary.errors.protocol ?? 0) >= 3, JSON.stringify(summary.errors));
    assert.equal(summary.sessions.failed, summary.sessions.started);
    assert.ok(acs.hits() >= 3);
  } finally {
    acs.server.close();
  }
});

test('cpesim run: an unreachable ACS is classified as connect_refused', async () => {
  const acs = await hostileAcs(() => ({ status: 500, body: '' }));
  const { url } = acs;
  await new Promise((r) => acs.server.close(r));
  const out = await tempDir('cpesim-refused-');
  const run = await runCli(['run', '--acs', url, '--cpes', '2', '--duration', '2s', '--workers', '1', '--ui', 'none', '--out', out]);
  assert.equal(run.code, 1, run.stderr);
  const summary = await readSummary(out);
  assert.ok((summary.errors.connect_refused ?? 0) >= 2, JSON.stringify(summary.errors));
});

test('cpesim run: SIGINT stops the run early and still writes the results', async () => {
  const out = await tempDir('cpesim-sigint-');
  const started = Date.now();
  let signalled = false;
  const run = await runCli(['run', '--cpes', '4', '--duration', '5m', '--interval', '1', '--workers', '1', '--ui', 'plain', '--out', out], {
    // Interrupt once the fleet has really run (the progress line shows completed sessions), however slow the machine.
    onStderr: (stderr, kill) => {
      if (!signalled && /completed=([4-9]|\d{2,})/.test(stderr)) {
        signalled = true;
        kill('SIGINT');
      }
    },
  });
  assert.ok(signalled, run.stderr);
  assert.ok(Date.now() - started < 60_000);
  assert.equal(run.code, 0, run.stderr);
  const summary = await readSummary(out);
  assert.ok(summary.sessions.completed >= 4, JSON.stringify(summary.sessions));
  assert.ok(summary.durationS < 60);
});

test('cpesim run: HTTPS to an external ACS with Digest auth, trusting its CA with --ca; without it the TLS failure is classified', async () => {
  const tlsDir = join(PACKAGE_ROOT, 'test', 'fixtures', 'tls');
  const [cert, key] = await Promise.all([readFile(join(tlsDir, 'acs-cert.pem'), 'utf8'), readFile(join(tlsDir, 'acs-key.pem'), 'utf8')]);
  const acs = await startReferenceAcs({ tls: { cert, key }, auth: { scheme: 'digest', username: 'cpe', password: 's3cret' }, provision: false });
  try {
    const common = ['--acs', acs.url, '--acs-username', 'cpe', '--acs-password', 's3cret', '--cpes', '2', '--duration', '2s', '--workers', '1', '--ui', 'none'];
    const trusted = await tempDir('cpesim-tls-');
    const ok = await runCli(['run', ...common, '--ca', join(tlsDir, 'acs-cert.pem'), '--out', trusted]);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = await readSummary(trusted);
    assert.ok(summary.sessions.completed >= 2);
    assert.equal(summary.sessions.failed, 0, JSON.stringify(summary.errorSamples));
    assert.ok(acs.stats.informs >= 2);

    const untrusted = await tempDir('cpesim-tls-bad-');
    const bad = await runCli(['run', ...common, '--out', untrusted]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.ok(((await readSummary(untrusted)).errors.tls ?? 0) >= 2);
  } finally {
    await acs.close();
  }
});

test('cpesim run: a mix of good and malformed ACS answers: the bad ones are counted, the rest of the fleet keeps its schedule', async () => {
  const acs = await startReferenceAcs({ provision: false });
  // A proxy in front of the reference ACS that mangles every 5th response body on its way back. Each CPE
  // connection gets its own upstream connection, as the ACS follows cookie-less CPEs by socket.
  let responses = 0;
  const upstreams = new WeakMap<object, Client>();
  const proxy = createServer((req, res) => {
    let client = upstreams.get(req.socket);
    if (!client) {
      client = new Client(acs.url);
      upstreams.set(req.socket, client);
      req.socket.once('close', () => void client!.close());
    }
    const upstreamClient = client;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'cookie', 'soapaction']) if (req.headers[h]) headers[h] = String(req.headers[h]);
      try {
        const upstream = await upstreamClient.request({ path: '/', method: 'POST', headers, body: Buffer.concat(chunks) });
        const body = await upstream.body.text();
        const out: Record<string, string> = {};
        const cookie = upstream.headers['set-cookie'];
        if (cookie) out['set-cookie'] = String(cookie);
        if (body) out['content-type'] = 'text/xml';
        const mangle = body !== '' && ++responses % 5 === 0;
        res.writeHead(upstream.statusCode, out).end(mangle ? body.slice(0, body.length / 2) : body);
      } catch {
        // The CPE hung up, or the run ended under a request in flight: the CPE sees the connection drop.
        res.destroy();
      }
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const out = await tempDir('cpesim-mixed-');
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    const run = await runCli(['run', '--acs', url, '--cpes', '10', '--duration', '4s', '--interval', '1', '--workers', '2', '--ui', 'none', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const summary = await readSummary(out);
    assert.ok((summary.errors.protocol ?? 0) >= 1, JSON.stringify(summary.errors));
    assert.equal(summary.sessions.failed, summary.errors.protocol, JSON.stringify(summary.errorSamples));
    assert.ok(summary.sessions.completed > summary.sessions.failed, JSON.stringify(summary.sessions));
    assert.match(summary.errorSamples.protocol![0]!, /malformed XML|expected|Envelope/);
  } finally {
    proxy.close();
    await acs.close();
  }
});
