import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { LiveView } from '../../src/ui/live-view.js';
import { escapeTags, renderHeader, renderView, renderWarning, type ScreenContext } from '../../src/ui/screens.js';
import { completeSessions, sampleOf } from './samples.js';

const ctx = (over: Partial<ScreenContext> = {}): ScreenContext => ({
  view: 'overview', selected: 'session', stopping: false, paused: false, width: 100, height: 40, title: 'demo {x}', ...over,
});
const plain = (tagged: string) => tagged.replace(/\{\/?[a-z-]+\}/g, '');

function liveWithData(latenessMs = 1): LiveView {
  const registry = new MetricsRegistry();
  const live = new LiveView();
  completeSessions(registry, 20, 50, latenessMs);
  registry.sessionStarted();
  registry.sessionFailed('acs_fault', 'fault {9002} internal');
  registry.cpeState(undefined, 'online');
  live.update(sampleOf(registry, 1000, { inFlight: 3 }));
  return live;
}

test('overview: sessions/s, in flight, CPE states, errors and the two charts', () => {
  const text = plain(renderView(liveWithData(), ctx()));
  assert.match(text, /sessions\/s 20\.0 {3}in flight 3 {3}started 21 {2}completed 20 {2}failed 1/);
  assert.match(text, /CPEs 10: online 1 {2}booting 0 {2}offline 0/);
  assert.match(text, /errors acs_fault 1/);
  assert.match(text, /sessions completed per second/);
  assert.match(text, /sessions in flight/);
  assert.ok(text.split('\n').length <= 40, 'fits the height');
});

test('latency view: a row per metric, the selected one highlighted, its percentile plot and p99 per second', () => {
  const live = liveWithData();
  const tagged = renderView(live, ctx({ view: 'latency', selected: 'inform' }));
  assert.match(tagged, /\{inverse\}inform +20 +25\.0/);
  const text = plain(tagged);
  for (const name of ['inform', 'session', 'rpc.GetParameterValues', 'lateness']) assert.match(text, new RegExp(`^\\s*${name.replace('.', '\\.')}\\s+\\d+`, 'm'));
  assert.match(text, /^\s*lateness .*\(simulator lateness: due → started\)$/m);
  assert.match(text, /^\s*inform [^(]*$/m);
  assert.match(text, /inform: latency by percentile/);
  assert.match(text, /0% +90% +99% +99\.9% +99\.99%/);
  assert.match(text, /inform: p99 per second/);
});

test('errors view escapes blessed tags in messages; the header shows pause and stop states', () => {
  const tagged = renderView(liveWithData(), ctx({ view: 'errors' }));
  assert.ok(tagged.includes('fault {open}9002{close} internal'), tagged);
  assert.equal(escapeTags('{bold}'), '{open}bold{close}');
  const header = renderHeader(undefined, ctx({ paused: true }));
  assert.ok(header.includes('demo {open}x{close}'), header);
  assert.match(plain(header), /t=starting {2}PAUSED/);
  assert.match(plain(renderHeader(undefined, ctx({ stopping: true }))), /STOPPING/);
});

test('the bottleneck warning shows only when the simulator was late', () => {
  assert.equal(renderWarning(liveWithData().current), '');
  assert.match(plain(renderWarning(liveWithData(200).current)), /SIMULATOR IS THE BOTTLENECK .*sessions start 200 ms late/);
});

test('profiles view (key 4): sessions/s, in flight, errors and session/inform p50/p99 per profile', () => {
  const registry = new MetricsRegistry();
  const live = new LiveView();
  const a = registry.forProfile('tr098');
  const b = registry.forProfile('tr181');
  a.cpeState(undefined, 'online');
  b.cpeState(undefined, 'online');
  b.cpeState(undefined, 'booting');
  live.update(sampleOf(registry, 1000));
  for (let i = 0; i < 10; i++) {
    a.sessionStarted();
    a.latency('inform', 0.5, 0.5);
    a.latency('session', 1, 1);
    a.sessionCompleted();
  }
  for (let i = 0; i < 4; i++) {
    b.sessionStarted();
    b.latency('session', 2, 2);
    b.sessionCompleted();
  }
  b.sessionStarted();
  b.sessionFailed('reset', 'peer reset');
  b.sessionStarted();
  live.update(sampleOf(registry, 3000));
  const text = plain(renderView(live, ctx({ view: 'profiles' })));
  assert.match(text, /profile +CPEs +sessions\/s +in flight +completed +failed +errors +session p50 +p99 +inform p50 +p99/);
  assert.match(text, /^tr098 +1 +5\.0 +0 +10 +0 +0 +1\.00 +1\.00 +0\.50 +0\.50$/m);
  assert.match(text, /^tr181 +2 +2\.0 +1 +4 +1 +1 +2\.00 +2\.00 +- +-$/m);
  assert.match(renderView(live, ctx({ view: 'profiles' })), /\{red-fg\}tr181/);
  assert.match(plain(renderHeader(live.current, ctx())), /4 profiles .*1-4\/tab views/);
});
