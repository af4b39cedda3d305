import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { rpcMethodsFor } from '../../src/cpe/rpc-dispatch.js';
import { VirtualCpe, type VirtualCpeOptions } from '../../src/cpe/virtual-cpe.js';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import type { AcsBody, CpeMessage, CwmpVersion, InformRequest } from '../../src/cwmp/messages.js';
import type { SessionLimits } from '../../src/cpe/session.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { cpeDraw, DRAW_STREAM } from '../../src/random.js';
import { methodOf, RecordingObserver, startScriptedAcs, testProfile, type AcsReply, type CpePost } from './scripted-acs.js';
import { REFUSING_ORIGIN } from '../support/loopback.js';

const servers: { close(): Promise<void> }[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const acsMsg = (body: AcsBody, v: CwmpVersion = 0, id?: string, holdRequests?: boolean): AcsReply => ({
  body: buildAcsMessage(body, holdRequests === undefined ? { cwmpVersion: v, id } : { cwmpVersion: v, id, holdRequests }),
});
const INFORM_RESPONSE = (v: CwmpVersion = 0, hold?: boolean) => acsMsg({ method: 'InformResponse', maxEnvelopes: 1 }, v, 'inf', hold);
const END: AcsReply = { status: 204 };

function inform(post: CpePost): InformRequest {
  assert.equal(post.msg?.body.method, 'Inform');
  return post.msg!.body as InformRequest;
}
const eventCodes = (i: InformRequest) => i.events.map((e) => e.code);

/** Every envelope the CPE sent validates against the BBF schema of its namespace. */
function assertSchemaValid(posts: CpePost[]): void {
  const byVersion = new Map<CwmpVersion, string[]>();
  for (const p of posts) {
    if (p.msg === undefined) continue;
    const list = byVersion.get(p.msg.cwmpVersion) ?? [];
    list.push(p.raw.body);
    byVersion.set(p.msg.cwmpVersion, list);
  }
  for (const [v, xmls] of byVersion) {
    validateCwmpEnvelopes(xmls, v).forEach((r, i) => assert.ok(r.ok, `cwmp-1-${v} message ${i} invalid:\n${r.output}\n${xmls[i]}`));
  }
}

async function cpeAgainst(
  script: (post: CpePost, index: number) => AcsReply,
  extra: { cwmpVersion?: CwmpVersion; limits?: Partial<SessionLimits> } = {},
) {
  const acs = await startScriptedAcs(script);
  servers.push(acs);
  const observer = new RecordingObserver();
  const opts: VirtualCpeOptions = {
    index: 42,
    profile: testProfile(extra.cwmpVersion ?? 0),
    acs: { url: acs.url, requestTimeoutMs: 2000 },
    observer,
    connectionRequestUrl: 'http://10.1.2.3:7547/cr42',
    ...(extra.limits ? { limits: extra.limits } : {}),
  };
  return { acs, observer, cpe: new VirtualCpe(opts) };
}

describe('VirtualCpe sessions against a scripted ACS', () => {
  it('runs a full session: Inform, empty POST, RPCs answered with cwmp:ID echoed in the ACS version, 204 ends it', async () => {
    // The CPE speaks cwmp-1-2; the ACS answers in cwmp-1-0, so the rest of the session is 1-0.
    const { acs, observer, cpe } = await cpeAgainst(
      (post, i) => {
        switch (i) {
          case 0:
            return INFORM_RESPONSE(0);
          case 1:
            return acsMsg({ method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.SerialNumber'] }, 0, 'gpv-1');
          case 2:
            return acsMsg(
              {
                method: 'SetParameterValues',
                parameterList: [{ name: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', value: '60', type: 'unsignedInt' }],
                parameterKey: 'pk-1',
              },
              0,
              'spv-2',
            );
          case 3:
            return acsMsg({ method: 'Unknown', name: 'X_VENDOR_Frobnicate' }, 0, 'unk-3');
          case 4:
            return acsMsg({ method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.No.Such'] }, 0, 'gpv-4');
          case 5:
            return acsMsg({ method: 'GetRPCMethods' }, 0, 'rpc-5');
          default:
            assert.equal(methodOf(post), 'GetRPCMethodsResponse');
            return END;
        }
      },
      { cwmpVersion: 2 },
    );
    const intended = performance.now() - 50; // the session was due 50 ms ago
    const result = await cpe.runSession(intended);
    assert.deepEqual(result, { ok: true });

    const posts = acs.posts;
    assert.deepEqual(posts.map(methodOf), [
      'Inform',
      '',
      'GetParameterValuesResponse',
      'SetParameterValuesResponse',
      'Fault',
      'Fault',
      'GetRPCMethodsResponse',
    ]);
    const inf = inform(posts[0]!);
    assert.equal(posts[0]!.msg!.cwmpVersion, 2);
    assert.deepEqual(eventCodes(inf), ['0 BOOTSTRAP', '1 BOOT']);
    assert.equal(inf.retryCount, 0);
    assert.equal(inf.maxEnvelopes, 1);
    assert.equal(inf.deviceId.serialNumber, 'CPESIM000042');
    assert.ok(Math.abs(Date.parse(inf.currentTime) - Date.now()) < 10_000);
    assert.match(inf.currentTime, /(Z|[+-]\d\d:\d\d)$/);
    const informed = Object.fromEntries(inf.parameterList.map((p) => [p.name, p.value]));
    assert.equal(informed['InternetGatewayDevice.ManagementServer.ConnectionRequestURL'], 'http://10.1.2.3:7547/cr42');

    // cwmp:IDs echoed, answers in the ACS's version
    assert.deepEqual(posts.slice(2).map((p) => p.msg!.header.id), ['gpv-1', 'spv-2', 'unk-3', 'gpv-4', 'rpc-5']);
    for (const p of posts.slice(2)) assert.equal(p.msg!.cwmpVersion, 0);
    const gpv = posts[2]!.msg!.body as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>;
    assert.deepEqual(gpv.parameterList.map((p) => [p.name, p.value]), [['InternetGatewayDevice.DeviceInfo.SerialNumber', 'CPESIM000042']]);
    const unknown = posts[4]!.msg!.body as Extract<CpeMessage, { method: 'Fault' }>;
    assert.equal(unknown.fault.faultCode, 9000);
    const badName = posts[5]!.msg!.body as Extract<CpeMessage, { method: 'Fault' }>;
    assert.equal(badName.fault.faultCode, 9005);
    const rpc = posts[6]!.msg!.body as Extract<CpeMessage, { method: 'GetRPCMethodsResponse' }>;
    // The ACS spoke cwmp-1-0: the methods its schema lacks (GetAllQueuedTransfers, CancelTransfer) are not offered.
    assert.deepEqual(rpc.methodList, [...rpcMethodsFor(0)]);
    assert.equal(cpe.periodicInformIntervalS(), 60, 'the SetParameterValues reached the model');

    // SOAP/HTTP details of TR-069 §3.4.1
    assert.equal(posts[0]!.raw.headers['soapaction'], '"urn:dslforum-org:cwmp-1-2#Inform"');
    assert.equal(posts[2]!.raw.headers['soapaction'], '');
    assert.equal(posts[1]!.raw.headers['content-type'], undefined);
    assert.equal(posts[1]!.raw.headers['content-length'], '0');
    assertSchemaValid(posts);

    // observer
    assert.equal(observer.started, 1);
    assert.equal(observer.completed, 1);
    assert.deepEqual(observer.failures, []);
    const names = observer.latencies.map((l) => l.name);
    assert.deepEqual(names, [
      'connect',
      'inform',
      'emptyPost',
      'rpc.GetParameterValues',
      'rpc.SetParameterValues',
      'rpc.Unknown',
      'rpc.GetParameterValues',
      'rpc.GetRPCMethods',
      'session',
    ]);
    const [connectLatency, informLatency] = observer.latencies;
    assert.ok(informLatency!.fromIntendedMs >= informLatency!.fromActualMs + 45, 'fromIntended counts the lateness');
    assert.ok(connectLatency!.fromIntendedMs >= connectLatency!.fromActualMs + 45, 'connect too: from the due time');
    // A new CPE boots; the completed session brings it online.
    assert.deepEqual(observer.states, ['->booting', 'booting>online']);
    assert.ok(observer.sent > 0 && observer.received > 0);
    assert.equal(cpe.retryCount, 0);
    assert.equal(cpe.bootstrapped, true);
    assert.equal(cpe.inSession, false);
  });

  it('RetryCount counts failures, events survive them, BOOTSTRAP only until the first success', async () => {
    const { acs, observer, cpe } = await cpeAgainst(
      (post, i) => {
        if (i === 0) return { status: 500, body: 'oops' }; // session 1 fails: http_status
        if (i === 1) return { status: 200, body: '<soap-env:Envelope><unclosed' }; // session 2: protocol
        if (post.msg === undefined) return END;
        return INFORM_RESPONSE(); // sessions 3 and 4
      },
    );
    assert.equal(cpe.retryDelayMs(), 0);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'http_status' });
    assert.equal(cpe.retryCount, 1);
    // m=10, k=3000 from the model: the first retry waits [10, 30] s, at this CPE's own draw for its session 1
    // (seed 1, the standalone default; global index 42).
    const draw = (session: number) => cpeDraw(1, DRAW_STREAM.retry, 42, session);
    assert.equal(cpe.retryDelayMs(), 10_000 + 20_000 * draw(1));
    cpe.addEvent('6 CONNECTION REQUEST');
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'protocol' });
    assert.equal(cpe.retryCount, 2);
    assert.equal(cpe.retryDelayMs(), 30_000 + 60_000 * draw(2));
    assert.notEqual(draw(1), draw(2));
    assert.equal(cpe.bootstrapped, false);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.equal(cpe.retryCount, 0);
    assert.equal(cpe.bootstrapped, true);
    cpe.addEvent('1 BOOT');
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });

    const informs = acs.posts.filter((p) => p.msg !== undefined).map(inform);
    assert.deepEqual(informs.map((i) => i.retryCount), [0, 1, 2, 0]);
    assert.deepEqual(informs.map(eventCodes), [
      ['0 BOOTSTRAP', '1 BOOT'],
      ['0 BOOTSTRAP', '1 BOOT', '6 CONNECTION REQUEST'],
      ['0 BOOTSTRAP', '1 BOOT', '6 CONNECTION REQUEST'],
      ['1 BOOT'],
    ]);
    assert.deepEqual(observer.failures.map((f) => f.kind), ['http_status', 'protocol']);
    assert.equal(observer.started, 4);
    assert.equal(observer.completed, 2);
    assertSchemaValid(acs.posts);
  });

  it('holds its own requests while the ACS sets HoldRequests, sends them once the ACS is done', async () => {
    const { acs, cpe } = await cpeAgainst((post, i) => {
      switch (i) {
        case 0:
          return INFORM_RESPONSE(0, true);
        case 1:
          assert.equal(methodOf(post), '', 'HoldRequests: the empty POST, not our GetRPCMethods');
          return acsMsg({ method: 'GetRPCMethods' }, 0, 'acs-1', true);
        case 2:
          return END; // the ACS is done: hold lifted
        case 3:
          return acsMsg({ method: 'GetRPCMethodsResponse', methodList: ['Inform', 'GetRPCMethods', 'TransferComplete'] });
        default:
          return END;
      }
    });
    cpe.queueCpeRequest({ method: 'GetRPCMethods' });
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.deepEqual(acs.posts.map(methodOf), ['Inform', '', 'GetRPCMethodsResponse', 'GetRPCMethods', '']);
    assert.equal(acs.posts[3]!.raw.headers['soapaction'], '"urn:dslforum-org:cwmp-1-0#GetRPCMethods"');
    assertSchemaValid(acs.posts);
  });

  it('without HoldRequests sends its queued request right after the InformResponse, once delivered it is gone', async () => {
    const { acs, cpe } = await cpeAgainst((post) => {
      const m = methodOf(post);
      if (m === 'Inform') return INFORM_RESPONSE();
      if (m === 'GetRPCMethods') return acsMsg({ method: 'GetRPCMethodsResponse', methodList: ['Inform'] });
      return END;
    });
    cpe.queueCpeRequest({ method: 'GetRPCMethods' });
    await cpe.runSession(performance.now());
    await cpe.runSession(performance.now());
    assert.deepEqual(acs.posts.map(methodOf), ['Inform', 'GetRPCMethods', '', 'Inform', '']);
  });

  it('a malformed or unexpected ACS answer is a protocol error, counted, never thrown', async () => {
    const replies: AcsReply[] = [
      { status: 200, body: 'this is not xml <<<' },
      acsMsg({ method: 'GetParameterValues', parameterNames: ['x'] }), // a request instead of InformResponse
      { status: 204 }, // empty answer to the Inform
    ];
    const { observer, cpe } = await cpeAgainst((_post, i) => replies[i]!);
    for (let i = 0; i < replies.length; i++) {
      const r = await cpe.runSession(performance.now());
      assert.deepEqual(r, { ok: false, errorKind: 'protocol' });
    }
    assert.deepEqual(observer.failures.map((f) => f.kind), ['protocol', 'protocol', 'protocol']);
    assert.match(observer.failures[0]!.detail, /^ACS answer to the Inform: malformed XML: /);
    assert.equal(cpe.retryCount, 3);
    assert.equal(cpe.inSession, false);
  });

  it('an ACS Fault to the Inform -> acs_fault; 503 carries Retry-After to the result', async () => {
    const { observer, cpe } = await cpeAgainst((_post, i) =>
      i === 0
        ? acsMsg({ method: 'Fault', fault: { faultCode: 8005, faultString: 'Retry request' } })
        : { status: 503, headers: { 'retry-after': '90' } },
    );
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'acs_fault' });
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'overloaded', retryAfterMs: 90_000 });
    assert.match(observer.failures[0]!.detail, /8005/);
  });

  it('stops an ACS that never ends the session (message limit)', async () => {
    const { acs, observer, cpe } = await cpeAgainst(
      (_post, i) => (i === 0 ? INFORM_RESPONSE() : acsMsg({ method: 'GetRPCMethods' }, 0, `r${i}`)),
      { limits: { maxMessages: 5 } },
    );
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'protocol' });
    assert.equal(acs.posts.length, 6);
    assert.match(observer.failures[0]!.detail, /more than 5 messages/);
  });

  it('stops a session that overruns its deadline -> timeout', async () => {
    const { observer, cpe } = await cpeAgainst(
      (_post, i) => (i === 0 ? INFORM_RESPONSE() : acsMsg({ method: 'GetRPCMethods' }, 0, `r${i}`)),
      { limits: { deadlineMs: 150, maxMessages: 1e9 } },
    );
    const started = performance.now();
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'timeout' });
    assert.ok(performance.now() - started < 5000);
    assert.match(observer.failures[0]!.detail, /session deadline of 150 ms/);
  });

  it('connection refused is a failed session, not an exception', async () => {
    const observer = new RecordingObserver();
    const cpe = new VirtualCpe({
      index: 1,
      profile: testProfile(),
      acs: { url: `${REFUSING_ORIGIN}/acs`, requestTimeoutMs: 1000 },
      observer,
      connectionRequestUrl: 'http://cr',
    });
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'connect_refused' });
    assert.deepEqual(observer.failures.map((f) => f.kind), ['connect_refused']);
  });

  it('a source address the host lacks, or a malformed one, fails the session as local_address', async () => {
    const acs = await startScriptedAcs(() => END);
    servers.push(acs);
    for (const localAddress of ['192.0.2.1', 'not-an-ip']) {
      const observer = new RecordingObserver();
      const cpe = new VirtualCpe({ index: 1, profile: testProfile(), acs: { url: acs.url, requestTimeoutMs: 1000, localAddress }, observer, connectionRequestUrl: 'http://cr' });
      assert.deepEqual(await cpe.runSession(performance.now()), { ok: false, errorKind: 'local_address' }, localAddress);
      assert.deepEqual(observer.failures.map((f) => f.kind), ['local_address']);
    }
    assert.equal(acs.posts.length, 0);
  });
});

describe('VirtualCpe: session resources', () => {
  it('many sessions in a row leave no abort listener behind (the reused AbortControllers stay clean)', { timeout: 20_000 }, async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const { cpe, observer } = await cpeAgainst((post) => (methodOf(post) === 'Inform' ? INFORM_RESPONSE() : END));
      // More sessions than the default listener limit (10): a leaked listener per session would be reported.
      for (let i = 0; i < 25; i++) assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
      assert.equal(observer.failures.length, 0);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
