/**
 * The model side of value-change notifications: what is pending, what an Inform reports, what its
 * confirmation clears, and how generated parameters become pending changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SetParameterAttributesStruct } from '../../src/cwmp/messages.js';
import { DeviceModel } from '../../src/datamodel/device-model.js';
import { generatedValue, generatorSeed, nextChangeS } from '../../src/datamodel/generators.js';
import { compileProfileText } from '../../src/datamodel/profile-loader.js';

const PROFILE = compileProfileText(
  [
    'profile: n',
    'root: Device',
    'deviceId: { manufacturer: m, oui: 00D09E, productClass: p, serialNumber: "S{{index}}" }',
    'objects:',
    '  Device.X.T.{i}.: { instances: 2, writable: true }',
    'parameters:',
    '  Device.ManagementServer.ParameterKey: { type: string, writable: true, forcedInform: true }',
    '  Device.X.Link: { type: string, notification: 1, generator: { kind: flip, values: [Up, Down], period: 1s } }',
    '  Device.X.T.{i}.Status: { type: string, writable: true, generator: { kind: flip, values: [A, B], period: 1s } }',
    '  Device.X.Name: { type: string, writable: true, notification: 2 }',
    '  Device.X.Quiet: { type: string, writable: true }',
  ].join('\n'),
  '/tmp/n.yaml',
);

function model(bootTimeMs = Date.now()): DeviceModel {
  return new DeviceModel(PROFILE, { index: 5, connectionRequestUrl: '', bootTimeMs });
}

function notify(name: string, notification: 0 | 1 | 2): SetParameterAttributesStruct {
  return { name, notificationChange: true, notification, accessListChange: false, accessList: [] };
}

const reported = (m: DeviceModel): Record<string, string> =>
  Object.fromEntries(m.informParameters().filter((p) => p.name.startsWith('Device.X.')).map((p) => [p.name, p.value]));

test('a change during the Inform in flight stays pending after its confirmation; a failed Inform keeps all', () => {
  const m = model();
  m.setInternal('Device.X.Name', 'one');
  m.setInternal('Device.X.Quiet', 'q'); // notification 0: never reported
  assert.equal(m.pendingValueChange(), 2);
  assert.deepEqual(reported(m), { 'Device.X.Name': 'one' });
  // The session failed (no confirmation): the next Inform reports it again.
  assert.deepEqual(reported(m), { 'Device.X.Name': 'one' });
  m.setInternal('Device.X.Name', 'two'); // after that Inform was built
  m.confirmInform();
  assert.equal(m.pendingValueChange(), 2, 'the later change is news');
  // Saved and restored (a device's state file) as plain paths.
  const restored = model();
  restored.restorePendingValueChanges([...m.pendingValueChangePaths(), 'Device.X.Gone']);
  assert.deepEqual(restored.pendingValueChangePaths(), ['Device.X.Name']);
  assert.deepEqual(reported(m), { 'Device.X.Name': 'two' });
  m.confirmInform();
  assert.equal(m.pendingValueChange(), 0);
  assert.deepEqual(m.pendingValueChangePaths(), []);
  // Changed and changed back before the Inform: still reported, with its current value.
  m.setInternal('Device.X.Name', 'three');
  m.setInternal('Device.X.Name', 'two');
  assert.deepEqual(reported(m), { 'Device.X.Name': 'two' });
});

test('the ACS never causes a notification: its writes supersede pending device changes; notification 0 drops them', () => {
  const m = model();
  m.setParameterValues([{ name: 'Device.X.Name', value: 'acs', type: 'string' }], 'k1');
  assert.equal(m.pendingValueChange(), 0, 'SetParameterValues is not a value change');
  m.setInternal('Device.X.Name', 'device');
  m.setParameterValues([{ name: 'Device.X.Name', value: 'acs2', type: 'string' }], 'k2');
  assert.equal(m.pendingValueChange(), 0, 'the ACS knows the value it set');
  m.addObject('Device.X.T.', 'k3');
  assert.equal(m.pendingValueChange(), 0);
  m.setInternal('Device.X.Name', 'device2');
  m.setParameterAttributes([notify('Device.X.Name', 0)]);
  assert.deepEqual(reported(m), {}, 'notification turned off before the Inform');
});

test('generated parameters: changes found between looks, next change of what is news, written values freeze', () => {
  const boot = 1_000_000;
  const m = model(boot);
  const linkSeed = generatorSeed(5, 'Device.X.Link');
  const link = PROFILE.generated[0]!.param.generator!;
  const firstFlipS = nextChangeS(link, linkSeed, 0, 1);
  // Only Device.X.Link notifies (profile notification 1); the table's Status does not (yet).
  assert.equal(m.nextGeneratedChangeMs(boot), boot + 1000 * firstFlipS);
  m.recordGeneratedChanges(boot + 10);
  assert.equal(m.pendingValueChange(), 0, 'the first look is the baseline');
  m.recordGeneratedChanges(boot + 1000 * firstFlipS - 1);
  assert.equal(m.pendingValueChange(), 0, 'no flip yet');
  m.recordGeneratedChanges(boot + 1000 * firstFlipS);
  assert.equal(m.pendingValueChange(), 1);
  assert.deepEqual(m.pendingValueChangePaths(), ['Device.X.Link']);
  assert.equal(m.nextGeneratedChangeMs(boot + 1000 * firstFlipS), Infinity, 'already pending: nothing new to look for');

  // The ACS asks for active notification on one table instance: its flips become news too.
  m.setParameterAttributes([notify('Device.X.T.2.Status', 2)]);
  const statusSeed = generatorSeed(5, 'Device.X.T.2.Status');
  const status = PROFILE.generated[1]!.param.generator!;
  const t = firstFlipS;
  const statusNext = nextChangeS(status, statusSeed, t, 1);
  assert.equal(m.nextGeneratedChangeMs(boot + 1000 * t), boot + 1000 * statusNext);
  m.recordGeneratedChanges(boot + 1000 * statusNext);
  assert.equal(m.pendingValueChange(), 2);
  assert.deepEqual(m.pendingValueChangePaths().sort(), ['Device.X.Link', 'Device.X.T.2.Status']);

  // A value the ACS wrote is no longer generated, so it never changes by itself.
  m.setParameterValues([{ name: 'Device.X.T.2.Status', value: 'A', type: 'string' }], 'k');
  assert.equal(m.get('Device.X.T.2.Status'), 'A');
  m.recordGeneratedChanges(boot + 1000 * (statusNext + 100));
  assert.deepEqual(m.pendingValueChangePaths(), ['Device.X.Link']);
});

test('a generated value is read from the clock (GetParameterValues) and a Inform reports its current value', () => {
  const boot = Date.now() - 50_000;
  const m = model(boot);
  m.recordGeneratedChanges(boot); // the baseline: a look at boot
  const [p] = m.getParameterValues(['Device.X.Link']);
  const seed = generatorSeed(5, 'Device.X.Link');
  const expected = [generatedValue(PROFILE.generated[0]!.param.generator!, seed, 50, 1), generatedValue(PROFILE.generated[0]!.param.generator!, seed, 51, 1)];
  assert.ok(expected.includes(p!.value), `${p!.value} in ${expected.join(',')}`);
  // 50 s with a mean flip period of 1 s: the link changed since boot, and the Inform reports it.
  assert.deepEqual(Object.keys(reported(m)), ['Device.X.Link']);
  assert.equal(m.pendingValueChange(), 1);
  m.confirmInform();
  assert.equal(m.pendingValueChange(), 0);
});
