import type { ProgressSample } from '../fleet/run-fleet.js';
import { paint } from './color.js';
import { counterLabels, stunCounterLabels, type CounterName, type Counters } from '../metrics/counters.js';
import type { ProfileSummary, RunOutcome, RunSummary } from './summary.js';

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
  if (w) lines.push(`warm-up before power-on (private stub ACS, not measured): ${w.sessions} sessions in ${w.durationS}s${w.failed > 0 ? `, ${w.failed} failed` : ''}`);
  lines.push('');
  const header = ['latency (ms, from due time)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  const rows = Object.entries(summary.latency).map(([name, l]) => [name, l.count, l.p50, l.p90, l.p99, l.p999, l.max].map(String));
  lines.push(...alignedTable(header, rows));
  lines.push(...profileBlock(summary.profiles));
  lines.push(...counterLines(summary.counters));
  lines.push(...referenceAcsLines(summary.referenceAcs));
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

/**
 * One line per connection-request transport that saw any request, e.g.
 * `connection requests (http): received 5, accepted 1, merged 1, rejected 3 (unauthenticated 2, not_found 1)`.
 */
function counterLines(counters: Counters | undefined): string[] {
  const byTransport = new Map<string, { received: number; accepted: number; merged: number; rejected: [string, number][] }>();
  for (const [name, n] of Object.entries(counters ?? {}) as [CounterName, number][]) {
    const labels = n === 0 ? undefined : counterLabels(name);
    if (labels === undefined) continue;
    const { transport, outcome, reason } = labels;
    let t = byTransport.get(transport);
    if (!t) byTransport.set(transport, (t = { received: 0, accepted: 0, merged: 0, rejected: [] }));
    if (outcome === 'rejected') t.rejected.push([reason ?? '?', n]);
    else t[outcome] += n;
  }
  const lines: string[] = [];
  for (const [transport, t] of byTransport) {
    const rejected = t.rejected.reduce((a, [, n]) => a + n, 0);
    const reasons = t.rejected.length === 0 ? '' : ` (${t.rejected.map(([r, n]) => `${r} ${n}`).join(', ')})`;
    lines.push(`connection requests (${transport}): received ${t.received}, accepted ${t.accepted}, merged ${t.merged}, rejected ${rejected}${reasons}`);
  }
  const stun = stunLine(counters ?? {});
  if (stun !== undefined) lines.push(stun);
  const logins = (counters?.['xmpp.login.ok'] ?? 0) + (counters?.['xmpp.login.failed'] ?? 0);
  if (logins > 0) {
    lines.push(`xmpp logins: ok ${counters?.['xmpp.login.ok'] ?? 0}, failed ${counters?.['xmpp.login.failed'] ?? 0}, disconnected ${counters?.['xmpp.disconnected'] ?? 0}`);
  }
  return lines.length === 0 ? [] : ['', ...lines];
}

/** `stun: requests 40, responses 39, errors 1 (timeout 1)` when any STUN counter was counted. */
function stunLine(counters: Counters): string | undefined {
  let requests = 0;
  let responses = 0;
  const errors: string[] = [];
  let errorTotal = 0;
  for (const [name, n] of Object.entries(counters) as [CounterName, number][]) {
    const labels = stunCounterLabels(name);
    if (labels === undefined || n === 0) continue;
    if (labels.kind === 'requests') requests += n;
    else if (labels.kind === 'responses') responses += n;
    else {
      errorTotal += n;
      errors.push(`${labels.reason ?? '?'} ${n}`);
    }
  }
  if (requests + responses + errorTotal === 0) return undefined;
  return `stun: requests ${requests}, responses ${responses}, errors ${errorTotal}${errors.length ? ` (${errors.join(', ')})` : ''}`;
}

/** Columns padded to their widest cell: the first left-aligned (names), the others right-aligned (numbers). */
/**
 * The built-in ACS's own connection requests, e.g.
 * `reference ACS connection requests (1/s): sent 15 (http 15), skipped 0, answered http 2xx 15, failed 0, awaiting inform 0`
 * and the request → `6 CONNECTION REQUEST` Inform latency per transport.
 */
function referenceAcsLines(acs: RunSummary['referenceAcs']): string[] {
  const r = acs?.connectionRequests;
  if (!r) return [];
  const total = (m: Record<string, number | undefined>) => Object.values(m).reduce<number>((a, n) => a + (n ?? 0), 0);
  const list = (m: Record<string, number | undefined>) => Object.entries(m).map(([k, n]) => `${k} ${n}`).join(', ');
  const answers: string[] = [];
  if (total(r.answered.http) > 0) answers.push(`http ${list(r.answered.http)}`);
  const xmpp = r.answered.xmpp;
  if (xmpp.result + total(xmpp.error) > 0) answers.push(`xmpp result ${xmpp.result}${total(xmpp.error) > 0 ? `, error ${list(xmpp.error)}` : ''}`);
  const skipped = r.skipped.inFlight + r.skipped.noDevice;
  const failed = total(r.failed);
  const lines = [
    '',
    `reference ACS connection requests (${r.ratePerS}/s): sent ${total(r.sent)}${total(r.sent) > 0 ? ` (${list(r.sent)})` : ''}, ` +
      `skipped ${skipped}${skipped > 0 ? ` (in flight ${r.skipped.inFlight}, no device ${r.skipped.noDevice})` : ''}, ` +
      `answered ${answers.length > 0 ? answers.join('; ') : 'none'}, failed ${failed}${failed > 0 ? ` (${list(r.failed)})` : ''}, awaiting inform ${r.awaitingInform}`,
  ];
  const rows = Object.entries(r.toInform).map(([t, l]) => [`${t}: request -> 6 CONNECTION REQUEST inform`, l!.count, l!.p50, l!.p90, l!.p99, l!.max].map(String));
  if (rows.length > 0) lines.push(...alignedTable(['reference ACS latency (ms)', 'count', 'p50', 'p90', 'p99', 'max'], rows));
  return lines;
}

function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [fmt(header), ...rows.map(fmt)];
}
