/**
 * What `cpesim report DIR` reads from a results folder: summary.json (required) and the files its `files` field
 * names, when the run wrote them: the time series (per-second CSV rows), the HdrHistogram interval logs (the full
 * latency distributions and their course over time) and the effective scenario. A summary without `files` (an older
 * run) is looked up under the default names. Missing optional files only leave charts out.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { CpesimError } from '../errors.js';
import { newHistogram, type Histogram } from '../metrics/histogram.js';
import { FROM_SEND_TAG } from './histogram-log.js';
import type { RunOutcome, RunSummary } from './summary.js';

/** The results folder cannot be reported on (no summary.json, or not one cpesim wrote). */
export class ReportInputError extends CpesimError {
  constructor(message: string) {
    super('CPESIM_REPORT_INPUT', message);
  }
}

/** summary.json: RunSummary plus the run's outcome, optional so that older results still render. */
export type ReportSummary = RunSummary & Partial<RunOutcome>;

export interface MetricHistograms {
  /** The whole run (all intervals added), from the due time. */
  intended: Histogram;
  /** The same exchanges from the send, when the log has them (Tag=fromSend). */
  fromSend: Histogram | undefined;
  /** [seconds since the start, p99 ms] of each interval that recorded something. */
  p99OverTime: [number, number][];
}

export interface ReportInputs {
  dir: string;
  summary: ReportSummary;
  /** timeseries.csv rows by column name (a blank cell, "nothing recorded", is undefined). */
  timeSeries: Record<string, number | undefined>[] | undefined;
  histograms: Map<string, MetricHistograms>;
  scenario: { file: string; text: string } | undefined;
}

/** Where a run without `files` in its summary kept them. */
const DEFAULT_FILES = { scenario: 'scenario.json', timeSeries: 'timeseries.csv', histogramsDir: 'histograms' };

export async function readReportInputs(dir: string): Promise<ReportInputs> {
  const summaryText = await readFile(join(dir, 'summary.json'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ReportInputError(`${dir} is not a cpesim results folder: cannot read summary.json (${err.code ?? err.message})`);
  });
  let summary: ReportSummary;
  try {
    summary = JSON.parse(summaryText) as ReportSummary;
  } catch (err) {
    throw new ReportInputError(`${join(dir, 'summary.json')}: not JSON (${(err as Error).message})`);
  }
  if (typeof summary !== 'object' || summary === null || typeof summary.latency !== 'object' || typeof summary.sessions !== 'object') {
    throw new ReportInputError(`${join(dir, 'summary.json')}: not a cpesim summary (no sessions or latency)`);
  }
  const files = summary.files;
  const scenarioFile = files?.scenario ?? DEFAULT_FILES.scenario;
  const scenarioText = await optional(join(dir, scenarioFile), (t) => t);
  return {
    dir,
    summary,
    timeSeries: await optional(join(dir, files?.timeSeries ?? DEFAULT_FILES.timeSeries), parseCsv),
    histograms: files?.histograms
      ? await readHistogramLogs(Object.entries(files.histograms).map(([name, file]) => [name, join(dir, file)]))
      : await readHistogramLogs(await listHistogramLogs(join(dir, DEFAULT_FILES.histogramsDir))),
    scenario: scenarioText === undefined ? undefined : { file: scenarioFile, text: scenarioText },
  };
}

async function optional<T>(file: string, parse: (text: string) => T): Promise<T | undefined> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ReportInputError(`${file}: ${(err as Error).message}`);
  }
}

/** timeseries.csv is numbers only (no quoting needed): header line, then one row per interval. */
export function parseCsv(text: string): Record<string, number | undefined>[] {
  const [head, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (!head) return [];
  const columns = head.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] === undefined || cells[i] === '' ? undefined : Number(cells[i])]));
  });
}

/** [metric, file] of every `<metric>.hlog` in `dir` (none when it does not exist). */
async function listHistogramLogs(dir: string): Promise<[string, string][]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw new ReportInputError(`${dir}: ${err.message}`);
  });
  return names.filter((n) => n.endsWith('.hlog')).map((n) => [n.slice(0, -'.hlog'.length), join(dir, n)]);
}

async function readHistogramLogs(files: [string, string][]): Promise<Map<string, MetricHistograms>> {
  const out = new Map<string, MetricHistograms>();
  for (const [name, file] of files.sort(([a], [b]) => a.localeCompare(b))) {
    const log = await optional(file, readHistogramLog);
    if (log) out.set(name, log);
  }
  return out;
}

/** Adds up one metric's interval log; untagged intervals are from the due time, Tag=fromSend from the send. */
export function readHistogramLog(text: string): MetricHistograms {
  const reader = new hdr.HistogramLogReader(text, 32);
  const intended = newHistogram();
  let fromSend: Histogram | undefined;
  const p99OverTime: [number, number][] = [];
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    if (h.tag === FROM_SEND_TAG) {
      (fromSend ??= newHistogram()).add(h);
      continue;
    }
    intended.add(h);
    // Interval time stamps are absolute (the log's BaseTime added); the chart wants seconds since the start.
    if (h.totalCount > 0) p99OverTime.push([Math.round(h.endTimeStampMsec - reader.baseTimeSec * 1000) / 1000, h.getValueAtPercentile(99) / 1000]);
  }
  return { intended, fromSend, p99OverTime };
}
