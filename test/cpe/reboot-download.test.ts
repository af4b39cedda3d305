/**
 * Reboot (A.3.2.9) and Download (A.3.2.8) on one VirtualCpe against a scripted ACS and a real node:http
 * file server on 127.0.0.1: what the CPE answers, what it does after the session, and what the next
 * session carries (events, TransferComplete with the right fault code).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { buildAcsMessage } from '../../src/cwmp/build.js';
import type { AcsRequest, CpeMessage, CwmpVersion, InformRequest, TransferCompleteRequest } from '../../src/cwmp/messages.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';
import type { TransferLimits } from '../../src/cpe/transfers.js';
import { validateCwmpEnvelopes } from '../support/xsd-validate.js';
import { BASIC_PASSWORD, BASIC_USER, FILE_BYTES, startFileServer, type FileServer } from './file-server.js';
import { REFUSING_ORIGIN } from '../support/loopback.js';
import { waitFor } from '../support/wait.js';
import { methodOf, RecordingObserver, startScriptedAcs, type AcsReply, type CpePost } from './scripted-acs.js';
import { downloadRequest, type DownloadRpc } from '../support/acs-requests.js';

const LIMIT = { timeout: 20_000 };
/** Long enough that a stalled test process still finds the CPE offline right after the reboot. */
const REBOOT_MS = 1000;
const MS = 'InternetGatewayDevice.ManagementServer.';
const UPTIME = 'InternetGatewayDevice.DeviceInfo.UpTime';
const PII = `${MS}PeriodicInformInterval`;

const profileOf = (cwmpVersion: CwmpVersion) => compileProfileText(
  `profile: reboottest
root: InternetGatewayDevice
cwmpVersion: ${cwmpVersion}
deviceId: { manufacturer: cpesim, oui: 00D09E, productClass: HG, serialNumber: "RB{{index:6}}" }
parameters:
  InternetGatewayDevice.DeviceInfo.SoftwareVersion: { type: string, value: "1.0", forcedInform: true }
  InternetGatewayDevice.DeviceInfo.UpTime: { type: unsignedInt, value: "{{uptime}}" }
  InternetGatewayDevice.ManagementServer.ParameterKey: { type: string, value: "", forcedInform: true }
  InternetGatewayDevice.ManagementServer.PeriodicInformInterval: { type: unsignedInt, writable: true, value: "300" }
`,
  `reboottest-${cwmpVersion}.yaml`,
);

/**
 * A scripted ACS that answers Informs and TransferCompletes, then sends the RPCs queued for this session
 * one per CPE POST and ends with 204; it keeps each session's answers and every envelope.
 */
async function startAcs() {
  let queue: AcsRequest[] = [];
  let version: CwmpVersion = 0;
  const answers: CpeMessage[] = [];
  const acs = await startScriptedAcs((post: CpePost): AcsReply => {
    const m = methodOf(post);
    // The ACS speaks the CPE's version (the session's version is the Inform's).
    if (m === 'Inform') version = post.msg!.cwmpVersion;
    const ctx = { cwmpVersion: version, id: post.msg?.header.id };
    if (m === 'Inform') return { body: buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, ctx) };
    if (m === 'TransferComplete') return { body: buildAcsMessage({ method: 'TransferCompleteResponse' }, ctx) };
    if (m !== '') answers.push(post.msg!.body as CpeMessage);
    const next = queue.shift();
    return next === undefined ? { status: 204 } : { body: buildAcsMessage(next, { cwmpVersion: version, id: `rpc-${answers.length}` }) };
  });
  return {
    acs,
    /** Informs, in order. */
    informs: () => acs.posts.filter((p) => methodOf(p) === 'Inform').map((p) => p.msg!.body as InformRequest),
    transferCompletes: () => acs.posts.filter((p) => methodOf(p) === 'TransferComplete').map((p) => p.msg!.body as TransferCompleteRequest),
    /** Queues `rpcs` for the next session and returns how to read their answers afterwards. */
    plan(rpcs: AcsRequest[]): () => CpeMessage[] {
      queue = [...rpcs];
      const from = answers.length;
      return () => answers.slice(from, from + rpcs.length);
    },
  };
}

function newCpe(acsUrl: string, transferLimits: Partial<TransferLimits> = {}, cwmpVersion: CwmpVersion = 0) {
  const observer = new RecordingObserver();
  const wakes: number[] = [];
  const cpe = new VirtualCpe({
    index: 3,
    profile: profileOf(cwmpVersion),
    acs: { url: acsUrl, requestTimeoutMs: 5000 },
    observer,
    connectionRequestUrl: 'http://127.0.0.1:7547/cr3',
    rebootDurationMs: REBOOT_MS,
    transferLimits: { requestTimeoutMs: 2000, ...transferLimits },
    requestSession: (delayMs) => wakes.push(delayMs),
  });
  return { cpe, observer, wakes };
}

const download = (commandKey: string, url: string, over: Partial<DownloadRpc> = {}): AcsRequest => downloadRequest({ commandKey, url, ...over });

const codes = (i: InformRequest) => i.events.map((e) => `${e.code}${e.commandKey ? `/${e.commandKey}` : ''}`).sort();
const valueOf = (answer: CpeMessage | undefined, name: string) => {
  assert.equal(answer?.method, 'GetParameterValuesResponse', JSON.stringify(answer));
  return (answer as Extract<CpeMessage, { method: 'GetParameterValuesResponse' }>).parameterList.find((p) => p.name === name)?.value;
};

function assertSchemaValid(posts: CpePost[], version: CwmpVersion = 0): void {
  const xmls = posts.filter((p) => p.msg !== undefined).map((p) => p.raw.body);
  validateCwmpEnvelopes(xmls, version).forEach((r, i) => assert.ok(r.ok, `envelope ${i} invalid:\n${r.output}\n${xmls[i]}`));
}

describe('Reboot and Download on a VirtualCpe', () => {
  let files: FileServer;
  const closers: { close(): Promise<void> }[] = [];
  before(async () => {
    files = await startFileServer();
  });
  after(async () => {
    await Promise.all(closers.map((c) => c.close()));
    await files.close();
  });

  it('Reboot: RebootResponse, offline for the reboot, then 1 BOOT + M Reboot, UpTime restarted, configuration kept', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, observer } = newCpe(s.acs.url);
    await cpe.runSession(performance.now()); // bootstrap
    await new Promise((r) => setTimeout(r, 1100)); // UpTime >= 1 s before the reboot
    const answers = s.plan([
      { method: 'SetParameterValues', parameterList: [{ name: PII, value: '77', type: 'unsignedInt' }], parameterKey: 'pk-rb' },
      { method: 'GetParameterValues', parameterNames: [UPTIME] },
      { method: 'Reboot', commandKey: 'rb-key-1' },
    ]);
    const rebootSession = await cpe.runSession(performance.now());
    assert.deepEqual(answers()[2], { method: 'RebootResponse' });
    assert.ok(Number(valueOf(answers()[1], UPTIME)) >= 1);
    // The reboot happens after the session: the result asks for the next session once the CPE is back.
    assert.equal(rebootSession.ok, true);
    assert.ok(rebootSession.wakeAfterMs !== undefined && rebootSession.wakeAfterMs > REBOOT_MS - 500 && rebootSession.wakeAfterMs <= REBOOT_MS, JSON.stringify(rebootSession));

    // Offline: no session runs, nothing is counted.
    const started = observer.started;
    const offline = await cpe.runSession(performance.now());
    assert.equal(offline.offline, true);
    assert.ok(offline.wakeAfterMs! > 0 && offline.wakeAfterMs! <= REBOOT_MS);
    assert.equal(observer.started, started);
    assert.equal(s.informs().length, 2);

    await new Promise((r) => setTimeout(r, offline.wakeAfterMs! + 10));
    const after = s.plan([{ method: 'GetParameterValues', parameterNames: [UPTIME, PII, `${MS}ParameterKey`] }]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.deepEqual(codes(s.informs()[2]!), ['1 BOOT', 'M Reboot/rb-key-1']);
    assert.equal(valueOf(after()[0], UPTIME), '0');
    assert.equal(valueOf(after()[0], PII), '77');
    assert.equal(valueOf(after()[0], `${MS}ParameterKey`), 'pk-rb');
    // Delivered: the next session has no BOOT left.
    s.plan([]);
    await cpe.runSession(performance.now());
    assert.deepEqual(codes(s.informs()[3]!), []);
    assertSchemaValid(s.acs.posts);
  });

  it('Download: the file is fetched after the session, then TransferComplete FaultCode 0 with 7 TRANSFER COMPLETE + M Download', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, wakes } = newCpe(s.acs.url);
    await cpe.runSession(performance.now());
    const before = files.requests.length;
    const answers = s.plan([download('dl-ok', `${files.origin}/file.bin`, { fileSize: FILE_BYTES })]);
    const r = await cpe.runSession(performance.now());
    assert.deepEqual(answers(), [{ method: 'DownloadResponse', status: 1, startTime: '0001-01-01T00:00:00Z', completeTime: '0001-01-01T00:00:00Z' }]);
    assert.equal(r.wakeAfterMs, undefined);
    await waitFor('the transfer to finish', () => wakes.length === 1);
    assert.deepEqual(wakes, [0]);
    assert.deepEqual(files.requests.slice(before).map((q) => q.path), ['/file.bin']);

    s.plan([]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.deepEqual(codes(s.informs().at(-1)!), ['7 TRANSFER COMPLETE', 'M Download/dl-ok']);
    const [tc] = s.transferCompletes();
    assert.equal(tc?.commandKey, 'dl-ok');
    assert.deepEqual(tc?.fault, { faultCode: 0, faultString: '' });
    assert.ok(Date.parse(tc!.startTime) <= Date.parse(tc!.completeTime));
    assert.ok(Date.now() - Date.parse(tc!.completeTime) < 10_000);
    // Acknowledged: not sent again.
    await cpe.runSession(performance.now());
    assert.equal(s.transferCompletes().length, 1);
    assert.deepEqual(codes(s.informs().at(-1)!), []);
    assertSchemaValid(s.acs.posts);
  });

  for (const version of [2, 0] as const) it(`Download failures map to TransferComplete fault codes (cwmp-1-${version}): auth, 404, 403, size, refused, broken body; Basic works`, LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, wakes } = newCpe(s.acs.url, {}, version);
    // cwmp-1-0 knows only 9001/9002/9010/9011/9012 in TransferComplete: the specific codes become 9010.
    const expect = (code: number) => (version === 0 && code >= 9014 ? 9010 : code);
    await cpe.runSession(performance.now());
    const refused = `${REFUSING_ORIGIN}/file.bin`;
    const cases: [string, AcsRequest, number][] = [
      ['basic', download('basic', `${files.origin}/private.bin`, { username: BASIC_USER, password: BASIC_PASSWORD, fileSize: FILE_BYTES }), 0],
      ['redirect', download('redirect', `${files.origin}/redirect.bin`), 0],
      ['wrong-password', download('wrong-password', `${files.origin}/private.bin`, { username: BASIC_USER, password: 'nope' }), 9012],
      ['no-credentials', download('no-credentials', `${files.origin}/private.bin`), 9012],
      ['missing', download('missing', `${files.origin}/missing.bin`), 9016],
      ['forbidden', download('forbidden', `${files.origin}/forbidden.bin`), 9016],
      ['size', download('size', `${files.origin}/file.bin`, { fileSize: FILE_BYTES + 1 }), 9018],
      ['refused', download('refused', refused), 9015],
      ['broken', download('broken', `${files.origin}/broken.bin`), 9017],
    ];
    const answers = s.plan(cases.map(([, req]) => req));
    await cpe.runSession(performance.now());
    assert.deepEqual(answers().map((a) => a.method), cases.map(() => 'DownloadResponse'));
    await waitFor('every transfer to finish', () => wakes.length === cases.length);
    assert.equal(cpe.queuedTransfers, 0);

    s.plan([]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    const inform = s.informs().at(-1)!;
    assert.deepEqual(codes(inform), ['7 TRANSFER COMPLETE', ...cases.map(([key]) => `M Download/${key}`)].sort());
    const got = new Map(s.transferCompletes().map((tc) => [tc.commandKey, tc.fault]));
    for (const [key, , code] of cases) {
      assert.equal(got.get(key)?.faultCode, expect(code), `${key}: ${JSON.stringify(got.get(key))}`);
      if (code !== 0) assert.ok(got.get(key)!.faultString.length > 0 && got.get(key)!.faultString.length <= 256);
    }
    // Basic: the first GET is challenged, the second carries the credentials.
    assert.ok(files.requests.some((q) => q.path === '/private.bin' && q.authorization?.startsWith('Basic ')));
    assertSchemaValid(s.acs.posts, version);
  });

  it('Download refusals are answered in the session: 9013 ftp, 9003 bad FileType, 9004 beyond the queue', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe } = newCpe(s.acs.url, { maxQueued: 2 });
    await cpe.runSession(performance.now());
    const answers = s.plan([
      download('ftp', 'ftp://127.0.0.1/file.bin'),
      download('type', `${files.origin}/file.bin`, { fileType: 'Firmware' }),
      download('q1', `${files.origin}/file.bin`, { delaySeconds: 60 }),
      download('q2', `${files.origin}/file.bin`, { delaySeconds: 60 }),
      download('q3', `${files.origin}/file.bin`, { delaySeconds: 60 }),
    ]);
    await cpe.runSession(performance.now());
    const faultCode = (a: CpeMessage | undefined) => (a?.method === 'Fault' ? a.fault.faultCode : a?.method);
    assert.deepEqual(answers().map(faultCode), [9013, 9003, 'DownloadResponse', 'DownloadResponse', 9004]);
    assert.equal(cpe.queuedTransfers, 2);
    // stop() ends the waiting transfers at once, without a TransferComplete.
    const t0 = performance.now();
    await cpe.stop();
    // Bounded well under the 60 s the queued transfers would wait, with room for a stalled test machine.
    assert.ok(performance.now() - t0 < 5000);
    assertSchemaValid(s.acs.posts);
  });

  it('stop() aborts a transfer in flight promptly and reports nothing', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, wakes } = newCpe(s.acs.url, { requestTimeoutMs: 10_000 });
    await cpe.runSession(performance.now());
    s.plan([download('hang', `${files.origin}/hang.bin`)]);
    await cpe.runSession(performance.now());
    await waitFor('the GET to reach the server', () => files.requests.some((q) => q.path === '/hang.bin'));
    const t0 = performance.now();
    await cpe.stop();
    // The hanging GET would hold it for the 10 s request timeout.
    assert.ok(performance.now() - t0 < 5000, `stop took ${performance.now() - t0} ms`);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(wakes, []);
  });

  it('firmware image: after a successful download the CPE reboots; the next session has 1 BOOT, 7 TRANSFER COMPLETE, M Download', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, wakes } = newCpe(s.acs.url);
    await cpe.runSession(performance.now());
    s.plan([download('fw-1', `${files.origin}/file.bin`, { fileType: '1 Firmware Upgrade Image' })]);
    await cpe.runSession(performance.now());
    await waitFor('the firmware download', () => wakes.length === 1);
    // It asks for its session once it is back from the reboot, and is offline until then.
    assert.ok(wakes[0]! > REBOOT_MS - 500 && wakes[0]! <= REBOOT_MS, String(wakes[0]));
    assert.equal((await cpe.runSession(performance.now())).offline, true);
    await waitFor('the reboot to end', () => cpe.offlineForMs() === 0);
    const after = s.plan([{ method: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.SoftwareVersion'] }]);
    assert.deepEqual(await cpe.runSession(performance.now()), { ok: true });
    assert.deepEqual(codes(s.informs().at(-1)!), ['1 BOOT', '7 TRANSFER COMPLETE', 'M Download/fw-1']);
    assert.equal(s.transferCompletes().at(-1)?.fault.faultCode, 0);
    assert.equal(valueOf(after()[0], 'InternetGatewayDevice.DeviceInfo.SoftwareVersion'), '1.0');
    assertSchemaValid(s.acs.posts);
  });

  it('a transfer finishing during a session waits for the next Inform; the session result asks for it', LIMIT, async () => {
    // The ACS holds the session open (a slow RPC exchange) while the download, accepted in an earlier session, completes.
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, wakes } = newCpe(s.acs.url);
    await cpe.runSession(performance.now());
    s.plan([download('during', `${files.origin}/file.bin`, { delaySeconds: 1 })]);
    await cpe.runSession(performance.now());
    // Many cheap RPCs keep the next session busy past the 1 s delay.
    const gpv: AcsRequest = { method: 'GetParameterValues', parameterNames: [PII] };
    const busy = (async () => {
      let result;
      const t0 = performance.now();
      do {
        s.plan(Array.from({ length: 20 }, () => gpv));
        result = await cpe.runSession(performance.now());
      } while (result.wakeAfterMs === undefined && performance.now() - t0 < 5000);
      return result;
    })();
    const result = await busy;
    assert.equal(result.wakeAfterMs, 0, 'the session that saw the transfer finish asks for the next one');
    assert.deepEqual(wakes, [], 'no out-of-band request while a session runs');
    s.plan([]);
    await cpe.runSession(performance.now());
    assert.deepEqual(codes(s.informs().at(-1)!), ['7 TRANSFER COMPLETE', 'M Download/during']);
    assert.equal(s.transferCompletes().at(-1)?.commandKey, 'during');
  });
});

/** A node:http PUT sink on 127.0.0.1: /open takes anything, /private wants Basic BASIC_USER, /fail answers 500. */
async function startUploadSink() {
  const received: { path: string; method: string; body: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8'), authorization: req.headers.authorization });
      const basic = `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`;
      if (req.url === '/private' && req.headers.authorization !== basic) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="up"', 'content-length': '0' }).end();
      } else if (req.url === '/fail') {
        res.writeHead(500, { 'content-length': '0' }).end();
      } else {
        res.writeHead(201, { 'content-length': '0' }).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const uploadRpc = (commandKey: string, url: string, over: Partial<Extract<AcsRequest, { method: 'Upload' }>> = {}): AcsRequest => ({
  method: 'Upload', commandKey, fileType: '1 Vendor Configuration File', url, username: '', password: '', delaySeconds: 0, ...over,
});

describe('FactoryReset, Upload and the transfer queue on a VirtualCpe', () => {
  let sink: Awaited<ReturnType<typeof startUploadSink>>;
  const closers: { close(): Promise<void> }[] = [];
  before(async () => {
    sink = await startUploadSink();
  });
  after(async () => {
    await Promise.all(closers.map((c) => c.close()));
    await sink.close();
  });

  it('FactoryReset: values and instance counters back to the profile, then 0 BOOTSTRAP + 1 BOOT (a Reboot keeps them)', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe } = newCpe(s.acs.url);
    await cpe.runSession(performance.now());
    s.plan([{ method: 'SetParameterValues', parameterList: [{ name: PII, value: '77', type: 'unsignedInt' }], parameterKey: 'pk' }]);
    await cpe.runSession(performance.now());
    assert.equal(cpe.model.get(PII), '77');
    const answers = s.plan([{ method: 'FactoryReset' }]);
    const r = await cpe.runSession(performance.now());
    assert.deepEqual(answers(), [{ method: 'FactoryResetResponse' }]);
    assert.ok(r.wakeAfterMs !== undefined && r.wakeAfterMs > 0, 'offline for the reboot');
    assert.equal(cpe.model.get(PII), '300');
    assert.equal(cpe.model.overlaySize(), 0);
    assert.equal(cpe.bootstrapped, false);
    await new Promise((res) => setTimeout(res, REBOOT_MS + 20));
    await cpe.runSession(performance.now());
    assert.deepEqual(codes(s.informs().at(-1)!), ['0 BOOTSTRAP', '1 BOOT']);
    assert.equal(cpe.bootstrapped, true);
    assertSchemaValid(s.acs.posts);
  });

  for (const version of [0, 2] as const) {
    it(`Upload (cwmp-1-${version}): a real PUT of the configuration with Basic auth, then M Upload + TransferComplete 0`, LIMIT, async () => {
      const s = await startAcs();
      closers.push(s.acs);
      const { cpe, wakes } = newCpe(s.acs.url, {}, version);
      await cpe.runSession(performance.now());
      const answers = s.plan([uploadRpc(`up-${version}`, `${sink.origin}/private`, { username: BASIC_USER, password: BASIC_PASSWORD })]);
      await cpe.runSession(performance.now());
      assert.deepEqual(answers(), [{ method: 'UploadResponse', status: 1, startTime: '0001-01-01T00:00:00Z', completeTime: '0001-01-01T00:00:00Z' }]);
      await waitFor('the TransferComplete queued', () => wakes.length > 0);
      const put = sink.received.filter((p) => p.path === '/private' && p.authorization !== undefined).at(-1)!;
      assert.equal(put.method, 'PUT');
      assert.match(put.body, /^InternetGatewayDevice\.ManagementServer\.PeriodicInformInterval=300$/m);
      assert.match(put.body, /^InternetGatewayDevice\.DeviceInfo\.SoftwareVersion=1\.0$/m);
      await cpe.runSession(performance.now());
      assert.deepEqual(codes(s.informs().at(-1)!), ['7 TRANSFER COMPLETE', `M Upload/up-${version}`]);
      const tc = s.transferCompletes().at(-1)!;
      assert.equal(tc.commandKey, `up-${version}`);
      assert.equal(tc.fault.faultCode, 0);
      assertSchemaValid(s.acs.posts, version);
    });
  }

  it('Upload failures: 9012 credentials refused, 9011 HTTP 500, 9015 unreachable (9011 under cwmp-1-0); log file content', LIMIT, async () => {
    const dead = `${REFUSING_ORIGIN}/x`;
    for (const [version, url, fileType, code] of [
      [2, `${sink.origin}/private`, '2 Vendor Log File', 9012],
      [2, `${sink.origin}/fail`, '2 Vendor Log File', 9011],
      [2, dead, '2 Vendor Log File', 9015],
      [0, dead, '2 Vendor Log File', 9011],
    ] as const) {
      const s = await startAcs();
      closers.push(s.acs);
      const { cpe, wakes } = newCpe(s.acs.url, {}, version);
      await cpe.runSession(performance.now());
      s.plan([uploadRpc('bad', url, { fileType, username: 'nobody', password: 'x' })]);
      await cpe.runSession(performance.now());
      await waitFor('the TransferComplete queued', () => wakes.length > 0);
      await cpe.runSession(performance.now());
      const tc = s.transferCompletes().at(-1)!;
      assert.equal(tc.fault.faultCode, code, `${url} cwmp-1-${version}: ${tc.fault.faultString}`);
      assertSchemaValid(s.acs.posts, version);
    }
    assert.ok(sink.received.some((p) => p.path === '/fail' && /log uploaded/.test(p.body)), 'the log file reached the server');
  });

  it('GetQueuedTransfers / GetAllQueuedTransfers list states 1 and 3; CancelTransfer removes a waiting one, 9021 / 9003 otherwise', LIMIT, async () => {
    const s = await startAcs();
    closers.push(s.acs);
    const { cpe, wakes } = newCpe(s.acs.url, {}, 2);
    await cpe.runSession(performance.now());
    const answers = s.plan([
      uploadRpc('soon', `${sink.origin}/open`, { fileType: '2 Vendor Log File' }),
      download('later', `${sink.origin}/file.bin`, { delaySeconds: 3600, targetFileName: 'fw.img', fileSize: 1234 }),
      download('cancel-me', `${sink.origin}/file.bin`, { delaySeconds: 3600 }),
      { method: 'GetQueuedTransfers' },
    ]);
    await cpe.runSession(performance.now());
    assert.deepEqual(answers()[3], {
      method: 'GetQueuedTransfersResponse',
      transferList: [{ commandKey: 'soon', state: 1 }, { commandKey: 'later', state: 1 }, { commandKey: 'cancel-me', state: 1 }],
    });
    await waitFor('the upload finished', () => wakes.length > 0);
    // The ACS holds the TransferComplete (HoldRequests is not scripted: it is delivered at the session start), so
    // ask in a session where the report is still waiting: list before that session runs, through the actions.
    const all = cpe.listTransfers();
    assert.deepEqual(all.map((t) => [t.commandKey, t.state, t.isDownload]), [['later', 1, true], ['cancel-me', 1, true], ['soon', 3, false]]);
    assert.deepEqual(all[0], { commandKey: 'later', state: 1, isDownload: true, fileType: '3 Vendor Configuration File', fileSize: 1234, targetFileName: 'fw.img' });
    assert.throws(() => cpe.cancelTransfer('soon'), (e: unknown) => (e as { faultCode?: number }).faultCode === 9021);
    const more = s.plan([
      { method: 'CancelTransfer', commandKey: 'cancel-me' },
      { method: 'CancelTransfer', commandKey: 'nope' },
      { method: 'GetAllQueuedTransfers' },
    ]);
    await cpe.runSession(performance.now());
    const [cancel, unknown, list] = more();
    assert.deepEqual(cancel, { method: 'CancelTransferResponse' });
    assert.equal(unknown?.method === 'Fault' && unknown.fault.faultCode, 9003);
    assert.equal(list?.method, 'GetAllQueuedTransfersResponse');
    assert.deepEqual((list as Extract<CpeMessage, { method: 'GetAllQueuedTransfersResponse' }>).transferList.map((t) => t.commandKey), ['later']);
    assert.equal(cpe.queuedTransfers, 1);
    assertSchemaValid(s.acs.posts, 2);
    await cpe.stop();
  });
});
