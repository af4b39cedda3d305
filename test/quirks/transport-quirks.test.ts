/**
 * Transport quirks on the wire: request lines, headers, raw body framing and connection use as the
 * RecordingAcs saw them, each next to a standard CPE's session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runQuirkySession } from './quirk-harness.js';
import { RecordingAcs, gpv } from './recording-acs.js';

let acs: RecordingAcs;
before(async () => (acs = await RecordingAcs.start()));
after(async () => acs.close());

const withBody = () => acs.requests.filter((r) => r.body !== '');
const conns = () => acs.requests.map((r) => r.conn);
const RPC = () => ({ rpcs: [gpv(['Device.DeviceInfo.UpTime'])] });

describe('transport quirks on the wire', () => {
  it('a standard CPE: HTTP/1.1, one keep-alive connection, Content-Length bodies, charset, SOAPAction on requests', async () => {
    const run = await runQuirkySession(acs, undefined, RPC());
    assert.ok(run.result.ok);
    assert.equal(acs.requests.length, 3); // Inform, empty POST, GPV answer (+ the ACS's 204)
    assert.deepEqual(new Set(conns()), new Set([1]));
    for (const r of acs.requests) assert.equal(r.httpVersion, '1.1');
    for (const r of withBody()) {
      assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
      assert.equal(r.headers['transfer-encoding'], undefined);
      assert.equal(r.headers['expect'], undefined);
      assert.equal(r.headers['content-type'], 'text/xml; charset="utf-8"');
    }
    assert.equal(acs.withMethod('Inform')[0]!.headers['soapaction'], '"urn:dslforum-org:cwmp-1-0#Inform"');
  });

  it('http10: HTTP/1.0 request lines and a new TCP connection per request', async () => {
    const run = await runQuirkySession(acs, 'http10: true', { ...RPC(), setCookie: 'sid=abc; Path=/' });
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    assert.equal(acs.requests.length, 3);
    for (const r of acs.requests) assert.equal(r.httpVersion, '1.0');
    assert.deepEqual(conns(), [1, 2, 3]);
    assert.match(acs.raw(1), /^POST \/acs HTTP\/1\.0\r\n/);
    // The session lives on its cookie across the connections.
    assert.equal(acs.requests[1]!.headers['cookie'], 'sid=abc');
  });

  it('chunkedRequests: Transfer-Encoding: chunked, no Content-Length, chunk framing in the raw bytes', async () => {
    const run = await runQuirkySession(acs, 'chunkedRequests: true', RPC());
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    for (const r of withBody()) {
      assert.equal(r.headers['transfer-encoding'], 'chunked');
      assert.equal(r.headers['content-length'], undefined);
    }
    const raw = acs.raw(1);
    // The Inform is over 512 bytes: its first chunk is exactly 0x200 bytes, and the body ends with the last chunk.
    assert.match(raw, /\r\n\r\n200\r\n<\?xml/);
    assert.match(raw, /<\/soap-env:Envelope>\r\n0\r\n\r\n/);
    assert.match(acs.withMethod('Inform')[0]!.body, /<\/soap-env:Envelope>$/);
    assert.deepEqual(new Set(conns()), new Set([1]));
  });

  it('expect100Continue: Expect: 100-continue on bodies, which still arrive whole', async () => {
    const run = await runQuirkySession(acs, 'expect100Continue: true', RPC());
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    for (const r of withBody()) {
      assert.equal(r.headers['expect'], '100-continue');
      assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
    }
    // The empty POST has no body: no Expect.
    assert.equal(acs.requests.find((r) => r.body === '')!.headers['expect'], undefined);
    assert.match(acs.withMethod('GetParameterValuesResponse')[0]!.body, /<\/soap-env:Envelope>$/);
  });

  it('noCookies: the Set-Cookie of the InformResponse is never sent back', async () => {
    await runQuirkySession(acs, undefined, { ...RPC(), setCookie: 'sid=abc; Path=/' });
    assert.equal(acs.requests[1]!.headers['cookie'], 'sid=abc');
    const run = await runQuirkySession(acs, 'noCookies: true', { ...RPC(), setCookie: 'sid=abc; Path=/' });
    assert.ok(run.result.ok);
    for (const r of acs.requests) assert.equal(r.headers['cookie'], undefined);
  });

  it('newConnectionAfter401: the credentials come on a new TCP connection', async () => {
    const auth = { username: 'cpe', password: 'pw' };
    await runQuirkySession(acs, undefined, { basicAuth: true }, auth);
    assert.equal(acs.requests[0]!.headers['authorization'], undefined);
    assert.match(acs.requests[1]!.headers['authorization']!, /^Basic /);
    assert.equal(acs.requests[1]!.conn, acs.requests[0]!.conn);
    const run = await runQuirkySession(acs, 'newConnectionAfter401: true', { basicAuth: true }, auth);
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    assert.equal(acs.requests[0]!.conn, 1);
    assert.match(acs.requests[1]!.headers['authorization']!, /^Basic /);
    assert.equal(acs.requests[1]!.conn, 2);
    // The rest of the session stays on the new connection.
    assert.deepEqual(conns().slice(1), acs.requests.slice(1).map(() => 2));
  });

  it('soapAction: empty on CPE requests, or missing from every POST', async () => {
    const empty = await runQuirkySession(acs, 'soapAction: true', RPC());
    assert.ok(empty.result.ok);
    assert.equal(acs.withMethod('Inform')[0]!.headers['soapaction'], '');
    assert.ok(acs.withMethod('Inform')[0]!.rawHeaderNames.some((n) => n.toLowerCase() === 'soapaction'));
    const missing = await runQuirkySession(acs, 'soapAction: { mode: missing }', RPC());
    assert.ok(missing.result.ok);
    for (const r of withBody()) assert.ok(!r.rawHeaderNames.some((n) => n.toLowerCase() === 'soapaction'), r.body.slice(0, 80));
  });

  it('contentTypeNoCharset: Content-Type text/xml without charset', async () => {
    const run = await runQuirkySession(acs, 'contentTypeNoCharset: true', RPC());
    assert.ok(run.result.ok);
    for (const r of withBody()) assert.equal(r.headers['content-type'], 'text/xml');
  });

  it('transport quirks combine: HTTP/1.0 + chunked + Expect on one CPE', async () => {
    const run = await runQuirkySession(acs, 'http10: true\nchunkedRequests: true\nexpect100Continue: true', RPC());
    assert.ok(run.result.ok, JSON.stringify(run.observer.failures));
    for (const r of withBody()) {
      assert.equal(r.httpVersion, '1.0');
      assert.equal(r.headers['transfer-encoding'], 'chunked');
      assert.equal(r.headers['expect'], '100-continue');
    }
    assert.equal(new Set(conns()).size, acs.requests.length);
  });
});
