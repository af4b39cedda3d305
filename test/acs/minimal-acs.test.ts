import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMinimalAcs, gpvNames, GPV_NAMES, GPV_PATH, PLAIN_PATH, type MinimalAcs } from '../../src/acs/minimal-acs.js';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { parseAcsMessage } from '../../src/cwmp/parse.js';
import type { CompiledProfile } from '../../src/datamodel/compiled-profile.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';

// The benchmarks' numbers mean something only if the minimal ACS holds a real CWMP dialogue with a real CPE.
describe('minimal ACS', { timeout: 20_000 }, () => {
  let profile: CompiledProfile;
  let acs: MinimalAcs;
  before(async () => {
    profile = await loadProfile('tr181');
    acs = await startMinimalAcs(profile);
  });
  after(() => acs.close());

  const cpe = (path: string, observer: MetricsRegistry, index: number): VirtualCpe =>
    new VirtualCpe({ index, profile, acs: { url: acs.url + path, requestTimeoutMs: 5_000 }, observer, connectionRequestUrl: 'http://127.0.0.1:1/cr' });

  it('plain: Inform/InformResponse, empty POST/204, session after session', async () => {
    const observer = new MetricsRegistry();
    const device = cpe(PLAIN_PATH, observer, 1);
    const before = { ...acs.stats };
    assert.equal((await device.runSession(performance.now())).ok, true);
    device.addEvent('2 PERIODIC');
    assert.equal((await device.runSession(performance.now())).ok, true);
    assert.equal(device.bootstrapped, true);
    assert.deepEqual(observer.sessions, { started: 2, completed: 2, failed: 0 });
    assert.equal(acs.stats.informs - before.informs, 2);
    assert.equal(acs.stats.ended - before.ended, 2);
    assert.equal(acs.stats.gpvSent - before.gpvSent, 0);
    assert.equal(acs.stats.unexpected - before.unexpected, 0);
  });

  it(`gpv: one GetParameterValues of ${GPV_NAMES} names answered from the model, then 204`, async () => {
    const observer = new MetricsRegistry();
    const before = { ...acs.stats };
    assert.equal((await cpe(GPV_PATH, observer, 2).runSession(performance.now())).ok, true);
    assert.equal(observer.histogram('rpc.GetParameterValues')?.totalCount, 1);
    assert.equal(acs.stats.gpvSent - before.gpvSent, 1);
    assert.equal(acs.stats.gpvAnswered - before.gpvAnswered, 1);
    assert.equal(acs.stats.ended - before.ended, 1);
    assert.equal(acs.stats.unexpected - before.unexpected, 0);
  });

  it('echoes the Inform cwmp:ID and answers in the version of the Inform', async () => {
    const inform =
      '<?xml version="1.0"?><soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">' +
      '<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">abc.7</cwmp:ID></soap-env:Header><soap-env:Body><cwmp:Inform/></soap-env:Body></soap-env:Envelope>';
    const res = await fetch(acs.url + PLAIN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: '"urn:dslforum-org:cwmp-1-2#Inform"' },
      body: inform,
    });
    assert.equal(res.status, 200);
    const env = parseAcsMessage(await res.text());
    assert.equal(env.body.method, 'InformResponse');
    assert.equal(env.header.id, 'abc.7');
    assert.equal(env.cwmpVersion, 2);
  });

  it('counts a request that fits no dialogue as unexpected (400)', async () => {
    const before = acs.stats.unexpected;
    const res = await fetch(acs.url + '/elsewhere', { method: 'POST', body: '' });
    assert.equal(res.status, 400);
    await res.arrayBuffer();
    assert.equal(acs.stats.unexpected, before + 1);
  });

  it(`asks for ${GPV_NAMES} distinct existing parameters spread over the tree`, () => {
    const names = gpvNames(profile);
    assert.equal(new Set(names).size, GPV_NAMES);
    const model = new DeviceModel(profile, { index: 3, connectionRequestUrl: 'http://127.0.0.1:1/cr', bootTimeMs: Date.now() });
    assert.deepEqual(model.getParameterValues(names).map((p) => p.name), names);
    const topObjects = new Set(names.map((n) => n.split('.')[1]));
    assert.ok(topObjects.size >= 5, `names come from ${[...topObjects].join(', ')} only`);
  });
});
