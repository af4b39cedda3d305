/**
 * The terminal UI end to end: `cpesim run` in a real terminal (a detached tmux session), driven with send-keys and
 * read back with capture-pane. Without --ui, a TTY on stdout selects the TUI.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { readSummary, tempDir } from '../support/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

test('cpesim run in a terminal: the TUI shows live metrics, switches views, pauses, and q writes the results', { skip: !hasTmux && 'tmux is not installed (.ci/run installs it)', timeout: 90_000 }, async () => {
  const dir = await tempDir('cpesim-tui-');
  const out = join(dir, 'results');
  // A private server (socket in the temp folder, no user config): nothing of the developer's tmux is touched.
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', join(dir, 'tmux.sock'), '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const main = new URL('../../src/cli/main.js', import.meta.url).pathname;
  const command =
    `cd '${PACKAGE_ROOT}' && '${process.execPath}' '${main}' run --cpes 4 --duration 5m --interval 1 --workers 1 --out '${out}'; ` +
    `echo CPESIM-EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-s', 'cpesim', '-x', '140', '-y', '45', command);
  const screen = () => tmux('capture-pane', '-p', '-t', 'cpesim');
  const waitFor = async (pattern: RegExp, what: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const text = screen();
      if (pattern.test(text)) return text;
      if (Date.now() > until) assert.fail(`${what}: ${pattern} not on screen after ${timeoutMs} ms:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const key = (k: string) => tmux('send-keys', '-t', 'cpesim', k);
  try {
    let text = await waitFor(/CPEs 4: online 4 {2}booting 0 {2}offline 0/, 'overview: every CPE online');
    text = await waitFor(/sessions\/s [1-9]\d*\.\d +in flight \d+ +started \d+ +completed [1-9]/, 'overview: live sessions/s');
    assert.match(text, /1 overview +2 latency +3 errors/);
    assert.match(text, /sessions completed per second/);
    // Whether the bottleneck banner shows depends on the machine's load (it is honest about lateness): its rule is
    // tested in test/ui/live-view.test.ts and screens.test.ts, not here.

    key('2');
    text = await waitFor(/latency \(ms, from due time\) +count +p50 +p90 +p99 +p99\.9 +max/, 'latency view');
    // Each body line starts with the box border (a line-drawing character, or its ACS letter in capture-pane).
    assert.match(text, /^.session +\d+ +[\d.]+ +[\d.]+ +[\d.]+/m);
    assert.match(text, /rpc\.(Get|Set)ParameterValues/);
    assert.match(text, /session: latency by percentile/);
    assert.match(text, /0% +90% +99% +99\.9% +99\.99%/);
    assert.match(text, /session: p99 per second/);
    // The percentile plot has bars.
    assert.match(text, /[▁▂▃▄▅▆▇█]/);
    key('Down');
    await waitFor(/(connect|tls|inform|emptyPost|rpc\.\w+|lateness): latency by percentile/, 'another metric selected');

    key('3');
    await waitFor(/errors by class: none/, 'errors view');

    key('p');
    await waitFor(/PAUSED \(p resumes\)/, 'paused');
    await new Promise((r) => setTimeout(r, 1200));
    key('p');
    await waitFor(/t=\d+s +running/, 'resumed');

    key('q');
    // The TUI gives the terminal back, then the summary table and the exit code appear.
    text = await waitFor(/CPESIM-EXIT=\d+/, 'exit after q', 30_000);
    assert.match(text, /CPESIM-EXIT=0/);
    assert.match(text, /sessions: started \d+, completed \d+, failed 0/);
    const summary = (await readSummary(out)) as Awaited<ReturnType<typeof readSummary>> & { pausedS?: number };
    assert.ok(summary.sessions.completed >= 4, JSON.stringify(summary.sessions));
    assert.ok((summary.pausedS ?? 0) >= 1, `pausedS ${summary.pausedS}`);
    assert.ok(summary.durationS < 60, `q ended the run early (durationS ${summary.durationS})`);
  } finally {
    tmux('kill-server');
  }
});
