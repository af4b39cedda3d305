import type { ProgressSample } from '../fleet/run-fleet.js';
import type { RunSummary } from './summary.js';

/** One progress line per interval, for `--ui plain` (stderr). */
export function formatProgressLine(s: ProgressSample): string {
  const t = (s.elapsedMs / 1000).toFixed(0).padStart(4);
  const p99 = s.sessionP99Ms === undefined ? '-' : `${s.sessionP99Ms.toFixed(1)}ms`;
  const c = s.cpeStates;
  return (
    `[${t}s] cpes=${s.cpes} (online ${c.online}, booting ${c.booting}, offline ${c.offline}) sessions started=${s.sessions.started} ` +
    `completed=${s.sessions.completed} failed=${s.sessions.failed} in-flight=${s.inFlight} errors=${s.errors} session.p99=${p99}` +
    (s.paused ? ' PAUSED' : '')
  );
}

/** The end-of-run table (stdout): throughput, latency per exchange, errors. */
export function formatSummaryTable(summary: RunSummary, resultsFile: string): string {
  const lines: string[] = [];
  const s = summary.sessions;
  lines.push(`cpesim ${summary.scenario}: ${summary.cpes} CPEs for ${summary.durationS}s against ${summary.acsUrl}`);
  lines.push(`sessions: started ${s.started}, completed ${s.completed}, failed ${s.failed} (${s.perSecond}/s)`);
  const c = summary.cpeStates;
  lines.push(`cpes at the end: online ${c.online}, booting ${c.booting}, offline ${c.offline}`);
  lines.push('');
  const header = ['latency (ms, from due time)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  const rows = Object.entries(summary.latency).map(([name, l]) => [name, l.count, l.p50, l.p90, l.p99, l.p999, l.max].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(fmt(header));
  for (const row of rows) lines.push(fmt(row));
  const errors = Object.entries(summary.errors);
  lines.push('');
  lines.push(errors.length === 0 ? 'errors: none' : `errors: ${errors.map(([k, n]) => `${k}=${n}`).join(', ')}`);
  for (const [kind, samples] of Object.entries(summary.errorSamples)) {
    for (const sample of samples ?? []) lines.push(`  ${kind}: ${sample}`);
  }
  for (const warning of summary.warnings) lines.push(`WARNING: ${warning}`);
  lines.push(`results: ${resultsFile}`);
  return lines.join('\n');
}
