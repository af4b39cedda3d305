/**
 * The connection-request numbers of a run as text, for the summary table (plain-text.ts) and the HTML report alike:
 * the CPE side (summary.json `counters`: requests received per transport, STUN, XMPP logins) and the built-in ACS's
 * own requests (summary.json `referenceAcs.connectionRequests`).
 */
import type { ConnectionRequestDriverReport } from '../acs/connection-request-driver.js';
import { counterLabels, stunCounterLabels, type CounterName, type Counters } from '../metrics/counters.js';

/**
 * One line per connection-request transport that saw any request, e.g.
 * `connection requests (http): received 5, accepted 1, merged 1, rejected 3 (unauthenticated 2, not_found 1)`.
 */
export function connectionRequestLines(counters: Counters | undefined): string[] {
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
  return lines;
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

/**
 * The built-in ACS's own connection requests in one line, e.g.
 * `reference ACS connection requests (1/s): sent 15 (http 15), skipped 0, answered http 2xx 15, failed 0, awaiting inform 0`.
 */
export function referenceAcsLine(r: ConnectionRequestDriverReport): string {
  const answers: string[] = [];
  if (total(r.answered.http) > 0) answers.push(`http ${list(r.answered.http)}`);
  const xmpp = r.answered.xmpp;
  if (xmpp.result + total(xmpp.error) > 0) answers.push(`xmpp result ${xmpp.result}${total(xmpp.error) > 0 ? `, error ${list(xmpp.error)}` : ''}`);
  const skipped = r.skipped.inFlight + r.skipped.noDevice;
  const failed = total(r.failed);
  return (
    `reference ACS connection requests (${r.ratePerS}/s): sent ${total(r.sent)}${total(r.sent) > 0 ? ` (${list(r.sent)})` : ''}, ` +
    `skipped ${skipped}${skipped > 0 ? ` (in flight ${r.skipped.inFlight}, no device ${r.skipped.noDevice})` : ''}, ` +
    `answered ${answers.length > 0 ? answers.join('; ') : 'none'}, failed ${failed}${failed > 0 ? ` (${list(r.failed)})` : ''}, awaiting inform ${r.awaitingInform}`
  );
}

/** The request → `6 CONNECTION REQUEST` Inform latency per transport (ms) as a table (no rows: nothing measured). */
export function referenceAcsLatency(r: ConnectionRequestDriverReport): { header: string[]; rows: string[][] } {
  const rows = Object.entries(r.toInform).map(([t, l]) => [`${t}: request -> 6 CONNECTION REQUEST inform`, l!.count, l!.p50, l!.p90, l!.p99, l!.max].map(String));
  return { header: ['reference ACS latency (ms)', 'count', 'p50', 'p90', 'p99', 'max'], rows };
}

function total(m: Record<string, number | undefined>): number {
  return Object.values(m).reduce<number>((a, n) => a + (n ?? 0), 0);
}

function list(m: Record<string, number | undefined>): string {
  return Object.entries(m).map(([k, n]) => `${k} ${n}`).join(', ');
}
