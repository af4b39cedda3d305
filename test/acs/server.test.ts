import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { startReferenceAcs, type ReferenceAcs, type ReferenceAcsOptions } from '../../src/acs/server.js';
import type { CpeMessage, CwmpVersion } from '../../src/cwmp/messages.js';
import { parseAcsMessage } from '../../src/cwmp/parse.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { TestCpe, digestAuthorization } from './test-cpe.js';

/** Every SOAP envelope the ACS sent in these tests, validated against the XSDs at the end. */
const sentByAcs = new Map<CwmpVersion, string[]>();
let acs: ReferenceAcs | undefined;
let cpes: TestCpe[] = [];

async function start(opts: ReferenceAcsOptions = {}): Promise<ReferenceAcs> {
  acs = await startReferenceAcs(opts);
  return acs;
}

function cpe(opts: ConstructorParameters<typeof TestCpe>[1] = {}): TestCpe {
  assert.ok(acs, 'start the ACS first');
  const c = new TestCpe(acs.url, opts);
  cpes.push(c);
  return c;
}

afterEach(async () => {
  for (const c of cpes) {
    const list = sentByAcs.get(c.cwmpVersion) ?? [];
    list.push(...c.received);
    sentByAcs.set(c.cwmpVersion, list);
    await c.close();
  }
  cpes = [];
  await acs?.close();
  acs = undefined;
});

after(() => {
  let checked = 0;
  for (const [version, xmls] of sentByAcs) {
    validateCwmpEnvelopes(xmls, version).forEach((result, i) => {
      assert.ok(result.ok, `ACS envelope (cwmp-1-${version}) does not validate:\n${result.output}\n${xmls[i]}`);
    });
    checked += xmls.length;
  }
  assert.ok(checked >= 20, `expected many ACS envelopes to validate, got ${checked}`);
});

describe('reference ACS: session basics', () => {
  it('answers an Inform with InformResponse (echoed ID, same version, Set-Cookie), then 204 on the empty POST', async () => {
    const server = await start();
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const c = cpe({ cwmpVersion: 2 });
    const res = await c.post(c.informXml(['1 BOOT'], 'id-42'));
    assert.equal(res.status, 200);
    assert.match(String(res.headers['set-cookie']), /^cwmpsession=[0-9a-f]{32}; Path=\//);
    assert.match(String(res.headers['content-type']), /^text\/xml/);
    assert.ok(res.body.includes('urn:dslforum-org:cwmp-1-2'), 'answers in the CPE version');
    const env = parseAcsMessage(res.body);
    assert.equal(env.header.id, 'id-42');
    assert.equal(env.cwmpVersion, 2);
    assert.deepEqual(env.body, { method: 'InformResponse', maxEnvelopes: 1 });
    assert.equal(server.stats.concurrentSessions, 1);

    const end = await c.post('');
    assert.equal(end.status, 204);
    assert.equal(end.body, '');
    assert.equal(server.stats.sessionsStarted, 1);
    assert.equal(server.stats.sessionsEnded, 1);
    assert.equal(server.stats.concurrentSessions, 0);
    assert.equal(server.stats.peakConcurrentSessions, 1);
    assert.equal(server.stats.informs, 1);

    const record = server.devices.get(c.deviceKey);
    assert.ok(record);
    assert.equal(record.informCount, 1);
    assert.equal(record.cwmpVersion, 2);
    assert.deepEqual(record.events, [{ code: '1 BOOT', commandKey: '' }]);
    assert.equal(record.parameters.length, 2);
    assert.equal(record.bootstrapped, false);
  });

  it('answers TransferComplete and GetRPCMethods from the CPE, and Fault 8000 for requests it does not know', async () => {
    await start();
    const c = cpe();
    await c.exchange(c.informXml(['7 TRANSFER COMPLETE', 'M Download']));
    const tc = await c.exchange(
      c.build(
        {
          method: 'TransferComplete',
          commandKey: 'dl-1',
          fault: { faultCode: 0, faultString: '' },
          startTime: '2025-01-01T00:00:00Z',
          completeTime: '2025-01-01T00:00:05Z',
        },
        'tc-1',
      ),
    );
    assert.deepEqual(tc.body, { method: 'TransferCompleteResponse' });
    assert.equal(tc.header.id, 'tc-1');
    const rpc = await c.exchange(c.build({ method: 'GetRPCMethods' }, 'grm-1'));
    assert.deepEqual(rpc.body, {
      method: 'GetRPCMethodsResponse',
      methodList: ['Inform', 'GetRPCMethods', 'TransferComplete', 'AutonomousTransferComplete', 'DUStateChangeComplete', 'AutonomousDUStateChangeComplete', 'RequestDownload'],
    });
    const kicked = c
      .build({ method: 'GetRPCMethods' }, 'k-1')
      .replace('<cwmp:GetRPCMethods></cwmp:GetRPCMethods>', '<cwmp:Kicked><Command>x</Command></cwmp:Kicked>')
      .replace('<cwmp:GetRPCMethods/>', '<cwmp:Kicked><Command>x</Command></cwmp:Kicked>');
    assert.ok(kicked.includes('cwmp:Kicked'), kicked);
    const fault = await c.exchange(kicked);
    assert.equal(fault.header.id, 'k-1');
    assert.equal(fault.body.method, 'Fault');
    assert.equal(fault.body.method === 'Fault' && fault.body.fault.faultCode, 8000);
    assert.equal((await c.post('')).status, 204);
  });

  it('keeps every raw CPE envelope when recordMessages is set', async () => {
    const server = await start({ recordMessages: true });
    const c = cpe();
    const inform = c.informXml();
    await c.exchange(inform);
    await c.post('');
    assert.deepEqual(server.messages, [inform]);
  });
});

describe('reference ACS: queued RPCs', () => {
  it('delivers a queued GetParameterValues after the empty POST and resolves it with the CPE answer', async () => {
    const server = await start();
    const c = cpe({ cwmpVersion: 1 });
    const answer = server.enqueue(c.deviceKey, {
      method: 'GetParameterValues',
      parameterNames: ['InternetGatewayDevice.DeviceInfo.SoftwareVersion'],
    });
    await c.exchange(c.informXml());
    const req = await c.exchange('');
    assert.deepEqual(req.body, { method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.SoftwareVersion'] });
    assert.equal(req.cwmpVersion, 1);
    assert.ok(req.header.id);
    const response: CpeMessage = {
      method: 'GetParameterValuesResponse',
      parameterList: [{ name: 'InternetGatewayDevice.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string' }],
    };
    const end = await c.post(c.build(response, req.header.id));
    assert.equal(end.status, 204);
    assert.deepEqual(await answer, response);
    assert.equal(server.stats.rpcsSent, 1);
  });

  it('sends RPCs queued during a session in that session, each with a fresh ID; a Fault resolves too', async () => {
    const server = await start();
    const c = cpe();
    await c.exchange(c.informXml());
    const reboot = server.enqueue(c.deviceKey, { method: 'Reboot', commandKey: 'rb' });
    const add = server.enqueue(c.deviceKey, { method: 'AddObject', objectName: 'InternetGatewayDevice.Nope.', parameterKey: 'k' });
    const first = await c.exchange('');
    assert.equal(first.body.method, 'Reboot');
    const second = await c.exchange(c.build({ method: 'RebootResponse' }, first.header.id));
    assert.equal(second.body.method, 'AddObject');
    assert.notEqual(second.header.id, first.header.id);
    const fault: CpeMessage = { method: 'Fault', fault: { faultCode: 9005, faultString: 'Invalid parameter name' } };
    assert.equal((await c.post(c.build(fault, second.header.id))).status, 204);
    assert.deepEqual(await reboot, { method: 'RebootResponse' });
    const faultAnswer = await add;
    assert.equal(faultAnswer.method, 'Fault');
    assert.equal(faultAnswer.method === 'Fault' && faultAnswer.fault.faultCode, 9005);
    assert.equal(server.stats.faultsReceived, 1);
    assert.equal(server.stats.rpcsSent, 2);
  });

  it('strictCwmpIds: rejects an answer with the wrong cwmp:ID or for another method (400, counted), the RPC stays in flight', async () => {
    const server = await start({ strictCwmpIds: true });
    const c = cpe();
    const answer = server.enqueue(c.deviceKey, { method: 'GetRPCMethods' });
    await c.exchange(c.informXml());
    const req = await c.exchange('');
    const good: CpeMessage = { method: 'GetRPCMethodsResponse', methodList: ['GetRPCMethods'] };
    assert.equal((await c.post(c.build(good, 'not-the-id'))).status, 400);
    assert.equal((await c.post(c.build({ method: 'RebootResponse' }, req.header.id))).status, 400);
    assert.equal(server.stats.protocolErrors, 2);
    assert.equal((await c.post(c.build(good, req.header.id))).status, 204);
    assert.deepEqual(await answer, good);
  });

  it('by default accepts an answer without or with another cwmp:ID (a quirky device), counting it', async () => {
    const server = await start();
    const c = cpe();
    const first = server.enqueue(c.deviceKey, { method: 'GetRPCMethods' });
    const second = server.enqueue(c.deviceKey, { method: 'GetRPCMethods' });
    await c.exchange(c.informXml());
    await c.exchange('');
    const good: CpeMessage = { method: 'GetRPCMethodsResponse', methodList: ['GetRPCMethods'] };
    assert.equal((await c.post(c.build(good, 'not-the-id'))).status, 200);
    assert.equal((await c.post(c.build(good, undefined))).status, 204);
    assert.deepEqual(await first, good);
    assert.deepEqual(await second, good);
    assert.equal(server.stats.cwmpIdMismatches, 2);
    assert.equal(server.stats.protocolErrors, 0);
  });

  it('fails the caller of an RPC whose session times out, and frees the session', async () => {
    const server = await start({ sessionTimeoutMs: 600 });
    const c = cpe();
    const answer = server.enqueue(c.deviceKey, { method: 'FactoryReset' });
    await c.exchange(c.informXml());
    assert.equal((await c.exchange('')).body.method, 'FactoryReset');
    await assert.rejects(answer, { code: 'CPESIM_ACS_SESSION_LOST' });
    assert.equal(server.stats.sessionsDropped, 1);
    assert.equal(server.stats.concurrentSessions, 0);
    // The next POST on that cookie is outside any session: it has to be an Inform.
    assert.equal((await c.post('')).status, 400);
  });

  it('starts over when an Inform arrives inside an open session, failing the RPC in flight', async () => {
    const server = await start();
    const c = cpe();
    const answer = server.enqueue(c.deviceKey, { method: 'GetRPCMethods' });
    await c.exchange(c.informXml());
    assert.equal((await c.exchange('')).body.method, 'GetRPCMethods');
    const lost = assert.rejects(answer, { code: 'CPESIM_ACS_SESSION_LOST' });
    const again = await c.exchange(c.informXml(['1 BOOT'], 'again'));
    assert.equal(again.body.method, 'InformResponse');
    await lost;
    assert.equal(server.stats.sessionsStarted, 2);
    assert.equal(server.stats.sessionsDropped, 1);
    assert.equal(server.stats.concurrentSessions, 1);
    assert.equal(server.devices.get(c.deviceKey)?.informCount, 2);
    assert.equal((await c.post('')).status, 204);
  });

  it('rejects queued RPCs when the ACS closes', async () => {
    const server = await start();
    const pending = server.enqueue('00D09E-SimGateway-none', { method: 'GetRPCMethods' });
    await server.close();
    await assert.rejects(pending, { code: 'CPESIM_ACS_CLOSED' });
    await assert.rejects(server.enqueue('x', { method: 'GetRPCMethods' }), { code: 'CPESIM_ACS_CLOSED' });
  });
});

describe('reference ACS: bootstrap provisioning', () => {
  const provision = { connectionRequestUsername: 'cr-user', connectionRequestPassword: 'cr-pass', periodicInformInterval: 600 };

  for (const root of ['InternetGatewayDevice', 'Device'] as const) {
    it(`sets the ManagementServer parameters then reads ${root}.DeviceInfo. on 0 BOOTSTRAP`, async () => {
      const server = await start({ provision });
      const c = cpe({ root, cwmpVersion: root === 'Device' ? 4 : 0 });
      await c.exchange(c.informXml(['0 BOOTSTRAP', '1 BOOT']));
      const spv = await c.exchange('');
      assert.deepEqual(spv.body, {
        method: 'SetParameterValues',
        parameterKey: 'cpesim-bootstrap',
        parameterList: [
          { name: `${root}.ManagementServer.ConnectionRequestUsername`, value: 'cr-user', type: 'string' },
          { name: `${root}.ManagementServer.ConnectionRequestPassword`, value: 'cr-pass', type: 'string' },
          { name: `${root}.ManagementServer.PeriodicInformInterval`, value: '600', type: 'unsignedInt' },
        ],
      });
      const gpv = await c.exchange(c.build({ method: 'SetParameterValuesResponse', status: 0 }, spv.header.id));
      assert.deepEqual(gpv.body, { method: 'GetParameterValues', parameterNames: [`${root}.DeviceInfo.`] });
      const info = [{ name: `${root}.DeviceInfo.Manufacturer`, value: 'cpesim', type: 'string' as const }];
      const end = await c.post(c.build({ method: 'GetParameterValuesResponse', parameterList: info }, gpv.header.id));
      assert.equal(end.status, 204);
      const record = server.devices.get(c.deviceKey);
      assert.ok(record);
      assert.equal(record.bootstrapped, true);
      assert.equal(record.provisioned, true);
      assert.deepEqual(record.deviceInfo, info);
    });
  }

  it('does not provision without 0 BOOTSTRAP or when provisioning is off', async () => {
    await start({ provision });
    const c = cpe();
    await c.exchange(c.informXml(['1 BOOT']));
    assert.equal((await c.post('')).status, 204);
    await acs!.close();
    await start({ provision: false });
    const d = cpe();
    await d.exchange(d.informXml(['0 BOOTSTRAP', '1 BOOT']));
    assert.equal((await d.post('')).status, 204);
  });
});

describe('reference ACS: authentication', () => {
  it('digest: 401 with a challenge, 401 counted for a wrong password, 200 with the right one', async () => {
    const server = await start({ auth: { scheme: 'digest', username: 'cpe', password: 'pw' } });
    const c = cpe();
    const inform = c.informXml();
    const challenge = await c.post(inform);
    assert.equal(challenge.status, 401);
    const header = String(challenge.headers['www-authenticate']);
    assert.match(header, /^Digest realm="cpesim", qop="auth", algorithm=MD5, nonce="/);
    assert.equal(server.stats.authFailures, 0);
    assert.equal((await c.post(inform, { Authorization: digestAuthorization(header, 'cpe', 'wrong') })).status, 401);
    assert.equal(server.stats.authFailures, 1);
    const ok = await c.post(inform, { Authorization: digestAuthorization(header, 'cpe', 'pw') });
    assert.equal(ok.status, 200);
    // Later messages of the session ride on the session cookie.
    assert.equal((await c.post('')).status, 204);
    assert.equal(server.stats.sessionsEnded, 1);
  });

  it('basic: 401 without credentials, 200 with them', async () => {
    const server = await start({ auth: { scheme: 'basic', username: 'cpe', password: 'pw' } });
    const c = cpe();
    const inform = c.informXml();
    const res = await c.post(inform);
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Basic realm="cpesim", charset="UTF-8"');
    const basic = (p: string) => ({ Authorization: `Basic ${Buffer.from(`cpe:${p}`).toString('base64')}` });
    assert.equal((await c.post(inform, basic('bad'))).status, 401);
    assert.equal(server.stats.authFailures, 1);
    assert.equal((await c.post(inform, basic('pw'))).status, 200);
  });
});

describe('reference ACS: overload and robustness', () => {
  it('turns away Informs above maxConcurrentSessions with 503 + Retry-After, and takes them again once a slot frees', async () => {
    const server = await start({ maxConcurrentSessions: 2, retryAfterSeconds: 7 });
    const [a, b, late] = [cpe({ serial: 'A' }), cpe({ serial: 'B' }), cpe({ serial: 'C' })];
    await a.exchange(a.informXml());
    await b.exchange(b.informXml());
    const refused = await late.post(late.informXml());
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '7');
    assert.equal(server.stats.rejected503, 1);
    // Sessions already open carry on.
    assert.equal((await a.post('')).status, 204);
    assert.equal((await late.post(late.informXml())).status, 200);
    assert.equal(server.stats.peakConcurrentSessions, 2);
  });

  it('follows a CPE that keeps no cookies by its keep-alive connection', async () => {
    const server = await start();
    const c = cpe({ keepCookies: false });
    const answer = server.enqueue(c.deviceKey, { method: 'GetParameterNames', parameterPath: 'InternetGatewayDevice.', nextLevel: true });
    await c.exchange(c.informXml());
    const req = await c.exchange('');
    assert.equal(req.body.method, 'GetParameterNames');
    const res: CpeMessage = { method: 'GetParameterNamesResponse', parameterList: [{ name: 'InternetGatewayDevice.DeviceInfo.', writable: false }] };
    assert.equal((await c.post(c.build(res, req.header.id))).status, 204);
    assert.deepEqual(await answer, res);
    // Another connection without cookie is not part of that session.
    await c.exchange(c.informXml());
    const stranger = cpe({ keepCookies: false });
    assert.equal((await stranger.post('')).status, 400);
    assert.equal(server.stats.concurrentSessions, 1);
  });

  it('drops the session of a CPE that keeps no cookies when its connection closes, but not of one that does', async () => {
    const server = await start();
    const keeper = cpe({ serial: 'KEEPER' });
    await keeper.exchange(keeper.informXml());
    await keeper.client.close();
    const c = cpe({ keepCookies: false });
    await c.exchange(c.informXml());
    await c.exchange(c.build({ method: 'GetRPCMethods' }, 'g-1')); // proves it sends no cookie
    assert.equal(server.stats.concurrentSessions, 2);
    await c.client.destroy();
    for (let i = 0; i < 200 && server.stats.concurrentSessions > 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.stats.concurrentSessions, 1);
    assert.equal(server.stats.sessionsDropped, 1);
    // The cookie keeper resumes its session on a new connection.
    const resumed = new TestCpe(server.url, { serial: 'KEEPER' });
    cpes.push(resumed);
    resumed.adoptCookieOf(keeper);
    assert.equal((await resumed.post('')).status, 204);
    assert.equal(server.stats.sessionsEnded, 1);
  });

  it('answers garbage, a non-Inform first message and an oversized body with 4xx, counts them, and keeps serving', async () => {
    const server = await start();
    const c = cpe();
    for (const garbage of ['<not-xml', 'hello', '<a><b/></a>']) {
      const res = await c.post(garbage);
      assert.equal(res.status, 400, garbage);
    }
    assert.equal((await c.post('')).status, 400);
    assert.equal((await c.post(c.build({ method: 'GetRPCMethods' }, 'g'))).status, 400);
    assert.equal(server.stats.protocolErrors, 5);
    const big = cpe({ serial: 'BIG' });
    const huge = await big.post('x'.repeat(9 * 1024 * 1024)).catch((err: Error) => err);
    if (!(huge instanceof Error)) assert.equal(huge.status, 413);
    assert.equal(server.stats.protocolErrors, 6);
    assert.equal((await c.post(c.informXml())).status, 200);
    assert.equal(server.stats.internalErrors, 0);
  });

  it('survives a CPE that disconnects in the middle of a request body', async () => {
    const server = await start();
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    // The ACS may reset the half-sent request first; that is the case under test, not an error of the test.
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST / HTTP/1.1\r\nHost: acs\r\nContent-Length: 1000\r\n\r\n<soap-env:Envelope');
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const c = cpe();
    assert.equal((await c.post(c.informXml())).status, 200);
    assert.equal(server.stats.internalErrors, 0);
    assert.equal(server.stats.protocolErrors, 0);
  });

  it('answers other HTTP methods with 405', async () => {
    await start();
    const c = cpe();
    const res = await c.client.request({ path: '/', method: 'GET' });
    await res.body.text();
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers['allow'], 'POST');
  });
});

describe('reference ACS: TLS', () => {
  it('serves CWMP over HTTPS with the given key and certificate', async () => {
    const tlsDir = join(PACKAGE_ROOT, 'test', 'fixtures', 'tls');
    const cert = readFileSync(join(tlsDir, 'acs-cert.pem'), 'utf8');
    const server = await start({ tls: { key: readFileSync(join(tlsDir, 'acs-key.pem'), 'utf8'), cert } });
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    const c = cpe({ ca: cert });
    assert.equal((await c.exchange(c.informXml())).body.method, 'InformResponse');
    assert.equal((await c.post('')).status, 204);
  });
});
