import { columnChart, fitColumns } from './text-chart.js';
import { bottleneckBasis } from '../metrics/bottleneck.js';
import { SIMULATOR_LATENCY_NOTES, type LatencyName } from '../metrics/observer.js';
import type { LiveState, LiveView } from './live-view.js';

/**
 * The terminal UI's views as blessed-tagged text (`{bold}`, `{red-fg}`…): pure functions of the live view and the
 * screen size, so what each view shows is testable without a terminal.
 */

export const VIEWS = ['overview', 'latency', 'errors', 'profiles'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface ScreenContext {
  view: ViewName;
  /** The latency whose distribution and history the latency view plots. */
  selected: string | undefined;
  /** The user asked to quit: the run is draining (grace period) before the results are written. */
  stopping: boolean;
  /** The run is paused (read from RunControl, so a pause shows before the next sample confirms it). */
  paused: boolean;
  width: number;
  height: number;
  title: string;
}

/** blessed parses `{…}` as tags: text from the run (error messages) must not be read as markup. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function renderHeader(state: LiveState | undefined, ctx: ScreenContext): string {
  const views = VIEWS.map((v, i) => (v === ctx.view ? `{inverse} ${i + 1} ${v} {/inverse}` : ` ${i + 1} ${v} `)).join('');
  const status = ctx.stopping
    ? '{yellow-fg}{bold}STOPPING{/bold}: running sessions get the grace period, then the results are written{/yellow-fg}'
    : ctx.paused
      ? '{yellow-fg}{bold}PAUSED{/bold} (p resumes){/yellow-fg}'
      : 'running';
  const t = state ? `${state.elapsedS.toFixed(0)}s` : 'starting';
  return `{bold}cpesim{/bold} ${escapeTags(ctx.title)}  t=${t}  ${status}\n${views}   keys: q quit  p pause/resume  1-4/tab views  ↑↓ metric`;
}

/** The red line shown on every view while the simulator, not the ACS, is the bottleneck. */
export function renderWarning(state: LiveState | undefined): string {
  const late = state?.simulatorBottleneck;
  if (!late) return '';
  return (
    `{red-bg}{white-fg}{bold} SIMULATOR IS THE BOTTLENECK {/bold}{/white-fg}{/red-bg}{red-fg} sessions start ${ms(late.lateMs)} ms late ` +
    `(${bottleneckBasis(late)} in the last ${late.seconds} s, max ${ms(late.max)} ms): the offered load is below the schedule; use more --workers or machines{/red-fg}`
  );
}

export function renderView(live: LiveView, ctx: ScreenContext): string {
  const state = live.current;
  if (!state) return 'waiting for the first metrics from the worker threads…';
  switch (ctx.view) {
    case 'overview':
      return renderOverview(live, state, ctx);
    case 'latency':
      return renderLatency(live, state, ctx);
    case 'errors':
      return renderErrors(state);
    case 'profiles':
      return renderProfiles(state);
  }
}

function renderOverview(live: LiveView, state: LiveState, ctx: ScreenContext): string {
  const s = state.sessions;
  const c = state.cpeStates;
  const rate = state.sessionsPerSecond === undefined ? '-' : state.sessionsPerSecond.toFixed(1);
  const errors = state.errors.length === 0 ? 'none' : state.errors.map(([k, n]) => `{red-fg}${k}{/red-fg} ${n}`).join('  ');
  const lines = [
    `{bold}sessions/s{/bold} ${rate}   {bold}in flight{/bold} ${state.inFlight}   started ${s.started}  completed ${s.completed}  failed ${s.failed}`,
    `{bold}CPEs{/bold} ${state.cpes}: online ${c.online}  booting ${c.booting}  offline ${c.offline} (rebooting or power-cycled)`,
    `{bold}errors{/bold} ${errors}`,
    '',
  ];
  // Two charts share what is left of the view: a label line and the bars each.
  const chartHeight = Math.max(3, Math.floor((ctx.height - lines.length - 4) / 2));
  const width = chartWidth(ctx);
  lines.push(`{bold}sessions completed per second{/bold} (last ${Math.min(live.sessionsPerSecond.length, width)} s)`);
  lines.push(...columnChart(live.sessionsPerSecond, { height: chartHeight, width, format: (v) => v.toFixed(v < 10 ? 1 : 0) }));
  lines.push(`{bold}sessions in flight{/bold}`);
  lines.push(...columnChart(live.inFlight, { height: chartHeight, width }));
  return lines.join('\n');
}

function renderLatency(live: LiveView, state: LiveState, ctx: ScreenContext): string {
  const header = ['latency (ms, from due time)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  const rows = state.latency.map((r) => [`${r.group === 'rpc' ? '  ' : ''}${r.name}`, String(r.count), ...[r.p50, r.p90, r.p99, r.p999, r.max].map(ms)]);
  const fmt = columnFormatter(header, rows);
  const lines = [`{bold}${fmt(header)}{/bold}`];
  state.latency.forEach((row, i) => {
    const text = escapeTags(fmt(rows[i]!));
    const note = SIMULATOR_LATENCY_NOTES[row.name as LatencyName];
    const suffix = note !== undefined ? ` (${note})` : '';
    lines.push(row.name === ctx.selected ? `{inverse}${text}{/inverse}${suffix}` : `${text}${suffix}`);
  });
  const name = ctx.selected;
  if (!name) return lines.join('\n');
  lines.push('');
  const chartHeight = Math.max(3, Math.floor((ctx.height - lines.length - 5) / 2));
  const width = chartWidth(ctx);
  // Columns are evenly spaced on the 1/(1-p) scale: 0, 90, 99, 99.9, 99.99 % fall at quarters of the width.
  const curve = live.percentiles(name, width);
  lines.push(`{bold}${escapeTags(name)}: latency by percentile{/bold} (ms, whole run)`);
  const chart = columnChart(curve.map((p) => p.ms), { height: chartHeight, width, format: ms });
  lines.push(...chart);
  lines.push(percentileAxis(chart[0]!.indexOf('┤') + 1, width));
  lines.push(`{bold}${escapeTags(name)}: p99 per second{/bold} (ms)`);
  lines.push(...columnChart(fitColumns(live.p99OverTime(name), width), { height: chartHeight, width, format: ms }));
  return lines.join('\n');
}

function renderErrors(state: LiveState): string {
  if (state.errors.length === 0) return 'errors by class: none';
  const lines = ['{bold}errors by class{/bold} (count, then the first distinct messages)'];
  for (const [kind, n] of state.errors) {
    lines.push(`{red-fg}${kind}{/red-fg} ${n}`);
    for (const sample of state.errorSamples[kind] ?? []) lines.push(`    ${escapeTags(sample)}`);
  }
  return lines.join('\n');
}

function renderProfiles(state: LiveState): string {
  if (state.profiles.length === 0) return 'per profile: no profile reported yet';
  const header = ['profile', 'CPEs', 'sessions/s', 'in flight', 'completed', 'failed', 'errors', 'session p50', 'p99', 'inform p50', 'p99'];
  const pct = (l: { p50: number; p99: number } | undefined, p: 'p50' | 'p99') => (l ? ms(l[p]) : '-');
  const rows = state.profiles.map((p) => [
    p.name,
    String(p.cpes),
    p.sessionsPerSecond === undefined ? '-' : p.sessionsPerSecond.toFixed(1),
    String(p.inFlight),
    String(p.sessions.completed),
    String(p.sessions.failed),
    String(p.errors),
    pct(p.session, 'p50'),
    pct(p.session, 'p99'),
    pct(p.inform, 'p50'),
    pct(p.inform, 'p99'),
  ]);
  const fmt = columnFormatter(header, rows);
  return [
    '{bold}per profile{/bold} (sessions/s over the last second; latency in ms from the due time, whole run)',
    `{bold}${escapeTags(fmt(header))}{/bold}`,
    // A profile with errors stands out: in a mixed fleet that is usually the point of looking here.
    ...state.profiles.map((p, i) => (p.errors > 0 ? `{red-fg}${escapeTags(fmt(rows[i]!))}{/red-fg}` : escapeTags(fmt(rows[i]!)))),
  ].join('\n');
}

/** Formats rows into columns as wide as their widest cell: the first left-aligned (names), the rest right-aligned. */
function columnFormatter(header: string[], rows: string[][]): (cells: string[]) => string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

function chartWidth(ctx: ScreenContext): number {
  // Room for the y-axis labels (up to 6 characters, a space and the axis) and the box border.
  return Math.max(10, ctx.width - 12);
}

function percentileAxis(indent: number, width: number): string {
  const axis = Array.from({ length: width }, () => ' ');
  const ticks = ['0%', '90%', '99%', '99.9%', '99.99%'];
  ticks.forEach((tick, i) => {
    const at = Math.min(width - tick.length, Math.round((i * (width - 1)) / (ticks.length - 1)));
    for (let j = 0; j < tick.length; j++) axis[at + j] = tick[j]!;
  });
  return ' '.repeat(indent) + axis.join('');
}
