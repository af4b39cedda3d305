/**
 * A device-made change of a ManagementServer value (VirtualCpe.setManagementValue; ConnReqJabberID once the XMPP
 * login is up): "4 VALUE CHANGE" with the value in the next Inform; a change made while a session runs is reported
 * by the next one (the Inform already sent did not carry it); a power-on value (notify false) is no change.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs } from '../../src/acs/server.js';
import { VirtualCpe } from '../../src/cpe/virtual-cpe.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';

const acs = await startReferenceAcs();
after(() => acs.close());

for (const profileName of ['tr098', 'tr181'] as const) {
  test(`${profileName}: ConnReqJabberID set by the device is reported with 4 VALUE CHANGE`, { timeout: 20_000 }, async () => {
    const profile = await loadProfile(profileName);
    const cpe = new VirtualCpe({
      index: profileName === 'tr098' ? 1 : 2,
      profile,
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      observer: new MetricsRegistry(),
      connectionRequestUrl: 'http://127.0.0.1:9/cr',
    });
    const key = deviceKey(cpe.model.deviceId());
    const record = () => acs.devices.get(key)!;
    cpe.setManagementValue('SupportedConnReqMethods', 'HTTP,XMPP', false);
    cpe.setManagementValue('ConnReqJabberID', 'cpe-1@x.test/cwmp');
    assert.equal((await cpe.runSession(performance.now())).ok, true);
    assert.deepEqual(record().events.map((e) => e.code).sort(), ['0 BOOTSTRAP', '1 BOOT', '4 VALUE CHANGE']);
    assert.equal(record().connReqJabberId, 'cpe-1@x.test/cwmp');

    // While a session runs (its Inform already sent): reported by the next session, not confirmed by this one.
    const running = cpe.runSession(performance.now());
    await new Promise((resolve) => setImmediate(resolve));
    cpe.setManagementValue('ConnReqJabberID', 'cpe-1@x.test/other');
    assert.equal((await running).ok, true);
    assert.equal(cpe.managementValue('ConnReqJabberID'), 'cpe-1@x.test/other');
    assert.equal((await cpe.runSession(performance.now())).ok, true);
    assert.deepEqual(record().events.map((e) => e.code), ['4 VALUE CHANGE']);
    assert.equal(record().connReqJabberId, 'cpe-1@x.test/other');

    // Nothing changed since: the next Inform reports nothing; a power-on value is no value change either.
    cpe.setManagementValue('SupportedConnReqMethods', 'HTTP', false);
    assert.equal((await cpe.runSession(performance.now())).ok, true);
    assert.ok(!record().events.some((e) => e.code === '4 VALUE CHANGE'), record().events.map((e) => e.code).join());
  });
}
