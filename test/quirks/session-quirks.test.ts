/**
 * Session-level quirks on the wire: CurrentTime, slow answers, random faults, a session that does not end, an
 * Inform retried forever; each next to a standard CPE's session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { RecordingObserver } from '../cpe/scripted-acs.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { PARAMS, quirkyProfile, runQuirkySession } from './quirk-harness.js';
import { acsEnvelope, gpv, RecordingAcs } from './recording-acs.js';

let acs: RecordingAcs;
before(async () => (acs = await RecordingAcs.start()));
after(async () => acs.close());

const currentTime = () => /<CurrentTime>([^<]*)<\/CurrentTime>/.exec(acs.withMethod('Inform')[0]!.body)?.[1];
const emptyPosts = () => acs.requests.filter((r) => r.body === '');
const ACS_FAULT = acsEnvelope(
  '<soapenv:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>8002</FaultCode>' +
    '<FaultString>Internal error</FaultString></cwmp:Fault></detail></soapenv:Fault>',
  '7.1',
);

describe('session quirks on the wire', () => {
  it('currentTimeZone: CurrentTime without a zone, or with +00:00', async () => {
    await runQuirkySession(acs, undefined);
    assert.match(currentTime()!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await runQuirkySession(acs, 'currentTimeZone: true');
    const none = acs.withMethod('Inform')[0]!.body;
    assert.match(currentTime()!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    await runQuirkySession(acs, 'currentTimeZone: { mode: plusZero }');
    assert.match(currentTime()!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    const plusZero = acs.withMethod('Inform')[0]!.body;
    validateCwmpEnvelopes([none, plusZero], 0).forEach((r) => assert.ok(r.ok, r.output));
  });

  it('slowAnswers: each RPC answer reaches the ACS no sooner than the latency after the RPC', async () => {
    const gap = () => {
      const answerAt = acs.withMethod('GetParameterValuesResponse')[0]!.receivedAt;
      const rpcSentAt = acs.requests[acs.requests.indexOf(acs.withMethod('GetParameterValuesResponse')[0]!) - 1]!.answeredAt;
      return answerAt - rpcSentAt;
    };
    // Only a lower bound (the delay is deliberate): without the quirk it fails on any machine fast enough to run the suite.
    const run = await runQuirkySession(acs, 'slowAnswers: { latency: 1200ms, jitter: 100ms }', { rpcs: [gpv([PARAMS.upTime])] });
    assert.ok(run.result.ok);
    assert.ok(gap() >= 1100, `quirky answer after ${gap()} ms`);
  });

  it('randomFaults: at rate 1 every RPC is answered with the fault code; the standard CPE answers', async () => {
    const rpcs = [gpv([PARAMS.upTime], 'a1'), gpv([PARAMS.manufacturer], 'a2')];
    await runQuirkySession(acs, undefined, { rpcs });
    assert.equal(acs.withMethod('Fault').length, 0);
    assert.equal(acs.withMethod('GetParameterValuesResponse').length, 2);
    const run = await runQuirkySession(acs, 'randomFaults: { rate: 1, code: 9004 }', { rpcs });
    assert.ok(run.result.ok);
    const faults = acs.withMethod('Fault');
    assert.equal(faults.length, 2);
    for (const f of faults) assert.match(f.body, /<FaultCode>9004<\/FaultCode>/);
    assert.equal(acs.withMethod('GetParameterValuesResponse').length, 0);
    validateCwmpEnvelopes(faults.map((f) => f.body), 0).forEach((r) => assert.ok(r.ok, r.output));
  });

  it('neverEndsSession: after the ACS\'s 204 the CPE keeps sending empty POSTs until the ACS hangs up', async () => {
    await runQuirkySession(acs, undefined);
    assert.equal(emptyPosts().length, 1);
    // The ACS answers the third empty POST with Connection: close.
    const run = await runQuirkySession(acs, 'neverEndsSession: { interval: 50ms }', {
      hook: (req) => (req.body === '' && emptyPosts().length === 3 ? { status: 204, headers: { connection: 'close' } } : undefined),
    });
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    assert.equal(emptyPosts().length, 3);
    assert.deepEqual(new Set(acs.requests.map((r) => r.conn)), new Set([1]));
  });

  it('neverEndsSession: the session deadline ends a CPE the ACS never hangs up on (a failed session)', async () => {
    acs.reset();
    const observer = new RecordingObserver();
    const cpe = new VirtualCpe({
      index: 8,
      acs: { url: acs.url, requestTimeoutMs: 20_000 },
      connectionRequestUrl: 'http://127.0.0.1:9/cr/8',
      profile: quirkyProfile('neverEndsSession: { interval: 20ms }'),
      observer,
      limits: { deadlineMs: 4000 },
    });
    const result = await cpe.runSession(performance.now());
    assert.equal(result.ok, false);
    assert.equal(result.errorKind, 'timeout');
    // Each of them was answered 204, and the CPE came back for more.
    assert.ok(emptyPosts().length >= 2, `${emptyPosts().length} empty POSTs`);
  });

  it('informRetryForever: a faulted Inform is sent again at once on the same connection, RetryCount rising', async () => {
    let informs = 0;
    const hook = (req: { body: string }) => {
      if (!/:Inform>/.test(req.body)) return undefined;
      informs++;
      if (informs === 1) return { status: 200, body: ACS_FAULT };
      if (informs === 2) return { status: 500, body: ACS_FAULT };
      if (informs === 3) return { status: 503 };
      return undefined;
    };
    const plain = await runQuirkySession(acs, undefined, { hook });
    assert.equal(plain.result.ok, false);
    assert.equal(plain.result.errorKind, 'acs_fault');
    assert.equal(acs.withMethod('Inform').length, 1);
    informs = 0;
    const run = await runQuirkySession(acs, 'informRetryForever: true', { hook });
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    const sent = acs.withMethod('Inform');
    assert.equal(sent.length, 4);
    assert.deepEqual(sent.map((r) => /<RetryCount>(\d+)</.exec(r.body)?.[1]), ['0', '1', '2', '3']);
    assert.deepEqual(new Set(sent.map((r) => r.conn)), new Set([1]));
    assert.equal(run.observer.errors.length, 3);
  });

  it('informRetryForever: the session message limit stops an ACS that always faults', async () => {
    const run = await runQuirkySession(acs, 'informRetryForever: true', {
      hook: (req) => (/:Inform>/.test(req.body) ? { status: 200, body: ACS_FAULT } : undefined),
    });
    assert.equal(run.result.ok, false);
    // limits.maxMessages is 50 in the harness.
    assert.equal(acs.withMethod('Inform').length, 50);
  });
});
