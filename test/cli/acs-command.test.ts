/** `cpesim acs --cr-*` flags: parsing into driver settings, usage errors, and a real `cpesim acs` process sending on schedule. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acsConnectionRequestSettings, acsXmppSettings, type AcsCommandArgs } from '../../src/cli/acs-command.js';
import { ConfigError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';

const BASE: AcsCommandArgs = { port: 0, host: '127.0.0.1', auth: 'none', provision: true, periodicInterval: 300 };

function flagError(args: Partial<AcsCommandArgs>, flag: string): void {
  assert.throws(
    () => {
      acsConnectionRequestSettings({ ...BASE, ...args });
      acsXmppSettings({ ...BASE, ...args });
    },
    (err: unknown) => err instanceof ConfigError && err.field === flag,
    `expected a ConfigError naming ${flag}`,
  );
}

test('--cr-* flags become the driver\'s settings; without --cr-rate there are none', () => {
  assert.equal(acsConnectionRequestSettings(BASE), undefined);
  assert.deepEqual(acsConnectionRequestSettings({ ...BASE, crRate: '2/s' }), {
    ratePerS: 2,
    transports: { http: 1 },
    select: 'roundRobin',
    startAfterMs: 0,
    maxInFlight: 100,
    seed: 1,
    timeoutMs: 10_000,
  });
  assert.deepEqual(
    acsConnectionRequestSettings({ ...BASE, crRate: '120/m', crTransport: 'http:1,udp:3', crSelect: 'random', crStartAfter: '3s', crMaxInFlight: 7, crTimeout: '1500ms', crSeed: 5 }),
    { ratePerS: 2, transports: { http: 1, udp: 3 }, select: 'random', startAfterMs: 3000, maxInFlight: 7, seed: 5, timeoutMs: 1500 },
  );
  assert.deepEqual(
    acsXmppSettings({ ...BASE, xmppServer: '127.0.0.1:5333', xmppDomain: 'd', xmppUsername: 'acs', xmppPassword: 'pw' }),
    { host: '127.0.0.1', port: 5333, domain: 'd', username: 'acs', password: 'pw' },
  );
});

test('bad --cr-* / --xmpp-* flags are usage errors naming the flag', () => {
  flagError({ crRate: 'lots' }, '--cr-rate');
  flagError({ crRate: '0/s' }, '--cr-rate');
  flagError({ crRate: '1', crTransport: 'pigeon' }, '--cr-transport');
  flagError({ crRate: '1', crTransport: 'xmpp' }, '--cr-transport');
  flagError({ crRate: '1', crStartAfter: 'later' }, '--cr-start-after');
  flagError({ crRate: '1', crMaxInFlight: 0 }, '--cr-max-in-flight');
  flagError({ crRate: '1', crTimeout: '0s' }, '--cr-timeout');
  flagError({ crRate: '1', provision: false }, '--cr-rate');
  flagError({ crTransport: 'udp' }, '--cr-transport');
  flagError({ xmppServer: 'a:b:c' }, '--xmpp-server');
  flagError({ xmppServer: '127.0.0.1', xmppDomain: 'd' }, '--xmpp-username');
});

test('cpesim acs --cr-rate 0 exits 2 naming the flag', async () => {
  const run = await runCli(['acs', '--port', '0', '--cr-rate', '0'], { timeoutMs: 30_000 });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /field --cr-rate/);
});

test('cpesim acs --cr-rate: requests come due on schedule (skipped while no device informed) and are reported at exit', async () => {
  let signalled = false;
  const run = await runCli(['acs', '--port', '0', '--cr-rate', '20/s', '--cr-transport', 'http:1,udp:1'], {
    timeoutMs: 60_000,
    onStderr: (text, kill) => {
      if (!signalled && text.includes('sending connection requests')) {
        signalled = true;
        // Long enough for several requests to come due, whatever the load.
        setTimeout(() => kill('SIGTERM'), 1500);
      }
    },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /listening on http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(run.stderr, /sending connection requests at 20\/s \(http 1, udp 1\)/);
  const line = /reference ACS connection requests: (\{.*\})/.exec(run.stderr);
  assert.ok(line, run.stderr);
  const report = JSON.parse(line[1]!) as { scheduled: number; skipped: { noDevice: number }; sent: object };
  assert.ok(report.scheduled >= 2, line[1]);
  assert.equal(report.skipped.noDevice, report.scheduled, 'no device informed: every request skipped');
  assert.deepEqual(report.sent, { http: 0, udp: 0 });
});
