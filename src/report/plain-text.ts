import type { ProgressSample } from '../fleet/run-fleet.js';
import { SIMULATOR_LATENCY_NOTES, type LatencyName } from '../metrics/observer.js';
import { paint } from './color.js';
import { connectionRequestLines, referenceAcsLatency, referenceAcsLine } from './connection-request-text.js';
import { describeHostCpu, describeWarmUp, type ProfileSummary, type RunOutcome, type RunSummary } from './summary.js';

/** One progress line per interval, for `--ui plain` (stderr). */
export function formatProgressLine(s: ProgressSample, opts: { color?: boolean } = {}): string {
  const c = paint(opts.color ?? false);
  // Before the start barrier (or a --start-at instant): nothing is scheduled yet.
  if (s.startedAtEpochMs === undefined && !s.final) return `[start] cpes=${s.cpes}: not powered on yet (building the CPEs, warming up the worker threads, or waiting for --start-at)`;
  const t = (s.elapsedMs / 1000).toFixed(0).padStart(4);
  const p99 = s.sessionP99Ms === undefined ? '-' : `${s.sessionP99Ms.toFixed(1)}ms`;
  const st = s.cpeStates;
  const failed = `failed=${s.sessions.failed}`;
  const errors = `errors=${s.errors}`;
  return (
    `[${t}s] cpes=${s.cpes} (online ${st.online}, booting ${st.booting}, offline ${st.offline}) sessions started=${s.sessions.started} ` +
    `completed=${s.sessions.completed} ${s.sessions.failed > 0 ? c.red(failed) : failed} in-flight=${s.inFlight} ` +
    `${s.errors > 0 ? c.red(errors) : errors} session.p99=${p99}` +
    (s.paused ? ' ' + c.yellow('PAUSED') : '')
  );
}

/** The end-of-run table (stdout): throughput, latency per exchange, errors, and the thresholds' verdicts when given. */
export function formatSummaryTable(
  summary: RunSummary & Partial<Pick<RunOutcome, 'thresholds' | 'abortedByThreshold' | 'warmUp'>>,
  resultsFile: string,
  opts: { color?: boolean } = {},
): string {
  const c = paint(opts.color ?? false);
  const lines: string[] = [];
  const s = summary.sessions;
  lines.push(`cpesim ${summary.scenario}: ${summary.cpes} CPEs for ${summary.durationS}s against ${summary.acsUrl}`);
  lines.push(`sessions: started ${s.started}, completed ${s.completed}, failed ${s.failed} (${s.perSecond}/s)`);
  const st = summary.cpeStates;
  lines.push(`cpes at the end: online ${st.online}, booting ${st.booting}, offline ${st.offline}`);
  const w = summary.warmUp;
  if (w) lines.push(`warm-up before power-on (private loopback ACS, not measured): ${describeWarmUp(w)}`);
  if (summary.hostCpu) lines.push(`host CPU from power-on: ${describeHostCpu(summary.hostCpu)}`);
  lines.push('');
  const header = ['latency (ms, from due time)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  const latencies = Object.entries(summary.latency);
  const rows = latencies.map(([name, l]) => [name, l.count, l.p50, l.p90, l.p99, l.p999, l.max].map(String));
  const [headerLine, ...rowLines] = alignedTable(header, rows);
  lines.push(headerLine!);
  rowLines.forEach((line, i) => {
    const note = SIMULATOR_LATENCY_NOTES[latencies[i]![0] as LatencyName];
    lines.push(note !== undefined ? `${line}  (${note})` : line);
  });
  lines.push(...profileBlock(summary.profiles));
  const crLines = connectionRequestLines(summary.counters);
  if (crLines.length > 0) lines.push('', ...crLines);
  const acs = summary.referenceAcs?.connectionRequests;
  if (acs) {
    const latency = referenceAcsLatency(acs);
    lines.push('', referenceAcsLine(acs));
    if (latency.rows.length > 0) lines.push(...alignedTable(latency.header, latency.rows));
  }
  const errors = Object.entries(summary.errors);
  lines.push('');
  lines.push(errors.length === 0 ? 'errors: none' : c.red(`errors: ${errors.map(([k, n]) => `${k}=${n}`).join(', ')}`));
  for (const [kind, samples] of Object.entries(summary.errorSamples)) {
    for (const sample of samples ?? []) lines.push(`  ${kind}: ${sample}`);
  }
  if (summary.thresholds && summary.thresholds.length > 0) {
    lines.push('');
    lines.push('thresholds:');
    for (const t of summary.thresholds) lines.push(`  ${t.ok ? c.green('PASS') : c.red('FAIL')}  ${t.message}`);
    if (summary.abortedByThreshold) lines.push(c.red(`run aborted early: ${summary.abortedByThreshold} failed during the run`));
  }
  for (const warning of summary.warnings) lines.push(c.yellow(`WARNING: ${warning}`));
  lines.push(`results: ${resultsFile}`);
  return lines.join('\n');
}

/** Per-profile rows of a mixed fleet (nothing for one profile: its numbers are the totals above). */
function profileBlock(profiles: Record<string, ProfileSummary> | undefined): string[] {
  const entries = Object.entries(profiles ?? {});
  if (entries.length < 2) return [];
  const header = ['per profile (ms, from due time)', 'cpes', 'started', 'completed', 'failed', '/s', 'errors', 'session p50', 'p99', 'inform p50', 'p99'];
  const pct = (l: ProfileSummary['latency'][string] | undefined, p: 'p50' | 'p99') => (l && l.count > 0 ? String(l[p]) : '-');
  const rows = entries.map(([name, p]) => {
    const errors = Object.values(p.errors).reduce((a, b) => a + (b ?? 0), 0);
    const session = p.latency['session'];
    const inform = p.latency['inform'];
    return [name, p.cpes, p.sessions.started, p.sessions.completed, p.sessions.failed, p.sessions.perSecond, errors].map(String)
      .concat([pct(session, 'p50'), pct(session, 'p99'), pct(inform, 'p50'), pct(inform, 'p99')]);
  });
  return ['', ...alignedTable(header, rows)];
}

/** Columns padded to their widest cell: the first left-aligned (names), the others right-aligned (numbers). */
function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [fmt(header), ...rows.map(fmt)];
}
