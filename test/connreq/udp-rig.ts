/** One in-thread Fleet with its shard's HTTP listener and UDP endpoint (UdpShard), wired as shard-task.ts does it. */
import { deviceKey } from '../../src/acs/device-registry.js';
import { startReferenceAcs, type ReferenceAcs } from '../../src/acs/server.js';
import { ConnectionRequestListener } from '../../src/connreq/listener.js';
import { UdpShard } from '../../src/connreq/udp-shard.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { loadProfile } from '../../src/datamodel/profile-loader.js';
import { Fleet } from '../../src/fleet/fleet.js';
import type { CounterName } from '../../src/metrics/counters.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import type { UdpConnectionRequestSettings } from '../../src/scenario/udp-settings.js';
import { waitFor } from '../support/wait.js';
import { testScenario } from '../fleet/fleet-harness.js';

export const CR = { connectionRequestUsername: 'udp-cr', connectionRequestPassword: 'udp-secret', periodicInformInterval: 3600 };

export interface UdpRig {
  acs: ReferenceAcs;
  fleet: Fleet;
  udp: UdpShard;
  metrics: MetricsRegistry;
  key: string;
  root: string;
  counted(name: CounterName): number;
  informs(): number;
  close(): Promise<void>;
}

/** One CPE of `profile`, bootstrapped and provisioned by the reference ACS. */
export async function udpRig(settings: UdpConnectionRequestSettings, profileName: 'tr098' | 'tr181' = 'tr098'): Promise<UdpRig> {
  const profile = await loadProfile(profileName);
  const acs = await startReferenceAcs({ provision: CR });
  const metrics = new MetricsRegistry();
  const listener = await ConnectionRequestListener.open({ seed: 7, counters: metrics });
  const udp = await UdpShard.open({ settings, host: '127.0.0.1', acsUrl: acs.url, counters: metrics });
  // An hour between periodic informs (testScenario's): any later session within a test is a connection request's.
  const scenario = testScenario(acs.url, { name: 'udp-connreq', durationMs: 120_000, fleet: [{ profile: profileName, count: 1 }], seed: 7 });
  const fleet = new Fleet({
    scenario,
    shard: { index: 0, count: 1 },
    acs: { url: acs.url, requestTimeoutMs: 5000 },
    profiles: new Map([[profileName, profile]]),
    metrics,
    connectionRequestUrl: (i) => listener.urlOf(i),
    initialValues: (p) => udp.initialValues(p),
    sessionStarted: (i) => udp.sessionStarted(i),
    sessionEnded: (i) => udp.sessionEnded(i),
  });
  listener.attach(fleet);
  udp.attach(fleet, { index: 0, count: 1 }, fleet.size);
  const key = deviceKey(new DeviceModel(profile, { index: 0, connectionRequestUrl: '', bootTimeMs: 0 }).deviceId());
  const t0 = performance.now();
  fleet.start(t0);
  udp.start(t0);
  await waitFor('the bootstrap session', () => acs.devices.get(key)?.provisioned === true && fleet.sessionsInFlight === 0, 10_000);
  return {
    acs,
    fleet,
    udp,
    metrics,
    key,
    root: profile.root,
    counted: (name) => metrics.snapshot().counters[name] ?? 0,
    informs: () => acs.devices.get(key)!.informCount,
    close: async () => {
      await fleet.stop(1000);
      await listener.close();
      await udp.close();
      await acs.close();
    },
  };
}
