/**
 * A device-made change of a ManagementServer value (VirtualCpe.setManagementValue; ConnReqJabberID once the XMPP
 * login is up): "4 VALUE CHANGE" with the value in the next Inform; an active notification asks for a session once
 * the CPE is bootstrapped; a change during a session waits for its end (an Inform already sent must not have it
 * confirmed unsent).
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
    const wakes: number[] = [];
    const cpe = new VirtualCpe({
      index: profileName === 'tr098' ? 1 : 2,
      profile,
      acs: { url: acs.url, requestTimeoutMs: 5000 },
      observer: new MetricsRegistry(),
      connectionRequestUrl: 'http://127.0.0.1:9/cr',
      requestSession: (delayMs) => wakes.push(delayMs),
    });
    const key = deviceKey(cpe.model.deviceId());
    const record = () => acs.devices.get(key)!;
    // Before the first session: no session asked for (the pending bootstrap carries it).
    cpe.setManagementValue('ConnReqJabberID', 'cpe-1@x.test/cwmp');
    assert.deepEqual(wakes, []);
    assert.equal((await cpe.runSession(performance.now())).ok, true);
    assert.deepEqual(record().events.map((e) => e.code).sort(), ['0 BOOTSTRAP', '1 BOOT', '4 VALUE CHANGE']);
    assert.equal(record().connReqJabberId, 'cpe-1@x.test/cwmp');

    // During a session: not applied until it ends, then an active notification wakes the CPE at once.
    const running = cpe.runSession(performance.now());
    cpe.setManagementValue('ConnReqJabberID', 'cpe-1@x.test/other');
    assert.equal(cpe.managementValue('ConnReqJabberID'), 'cpe-1@x.test/cwmp');
    const result = await running;
    assert.equal(result.ok, true);
    assert.equal(result.wakeAfterMs, 0, 'active notification: a session now');
    assert.equal(cpe.managementValue('ConnReqJabberID'), 'cpe-1@x.test/other');
    assert.deepEqual(record().events, [], 'that session did not report it');
    assert.equal(record().connReqJabberId, 'cpe-1@x.test/cwmp', 'the ACS keeps the last reported JID across Informs');
    assert.equal((await cpe.runSession(performance.now())).ok, true);
    assert.deepEqual(record().events.map((e) => e.code), ['4 VALUE CHANGE']);
    assert.equal(record().connReqJabberId, 'cpe-1@x.test/other');

    // Bootstrapped and idle: the active notification asks its scheduler for a session; the same value again does not.
    cpe.setManagementValue('ConnReqJabberID', 'cpe-1@x.test/third');
    assert.deepEqual(wakes, [0]);
    cpe.setManagementValue('ConnReqJabberID', 'cpe-1@x.test/third');
    assert.deepEqual(wakes, [0], 'an unchanged value is no value change');
  });
}
