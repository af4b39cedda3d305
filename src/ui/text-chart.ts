/**
 * Column charts drawn with text: one column per value, eighth-block characters for sub-row resolution. blessed has
 * no charts of its own and no chart package is a dependency, so the terminal UI draws with this (pure: lines in,
 * lines out, testable without a terminal).
 */

const EIGHTHS = ['', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

export interface ColumnChartOptions {
  /** Rows of bars (the axis labels are extra columns on the left). */
  height: number;
  /** Columns of bars: the last `width` values are drawn, right-aligned (newest at the right). */
  width: number;
  /** Formats the y-axis labels (top = the scale's maximum). */
  format?: (value: number) => string;
  /** Scale maximum; default the largest value drawn. */
  max?: number;
}

/**
 * Draws values as vertical bars, `height` lines tall. `undefined` is a gap (no data), distinct from 0.
 * Each line starts with a y-axis label padded to the same width and a `┤`/`│` axis.
 */
export function columnChart(values: readonly (number | undefined)[], options: ColumnChartOptions): string[] {
  const height = Math.max(1, Math.floor(options.height));
  const width = Math.max(1, Math.floor(options.width));
  const shown = values.slice(-width);
  const pad = width - shown.length;
  const format = options.format ?? ((v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1)));
  // An all-zero series still gets a scale (0..1), so its labels do not read "0, 0, 0".
  const top = options.max ?? (Math.max(0, ...shown.map((v) => v ?? 0)) || 1);
  const labels = [format(top), format(top / 2), format(0)];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  // Bar height in eighths of a row; a positive value always shows at least one eighth so it is not mistaken for 0.
  const eighths = shown.map((v) => (v === undefined || top <= 0 ? 0 : v <= 0 ? 0 : Math.max(1, Math.round((Math.min(v, top) / top) * height * 8))));
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    const rowFromBottom = height - 1 - row;
    const label = row === 0 ? labels[0]! : row === height - 1 ? labels[2]! : row === Math.floor((height - 1) / 2) && height > 2 ? labels[1]! : '';
    let bars = ' '.repeat(pad);
    for (const e of eighths) {
      const inRow = Math.min(8, Math.max(0, e - rowFromBottom * 8));
      bars += inRow === 0 ? ' ' : EIGHTHS[inRow]!;
    }
    lines.push(`${label.padStart(labelWidth)} ${label ? '┤' : '│'}${bars}`);
  }
  return lines;
}

/** Resamples `values` to exactly `width` columns (the maximum of each bucket: a spike must not vanish). */
export function fitColumns(values: readonly (number | undefined)[], width: number): (number | undefined)[] {
  if (values.length <= width) return [...values];
  const out: (number | undefined)[] = [];
  for (let col = 0; col < width; col++) {
    const from = Math.floor((col * values.length) / width);
    const to = Math.floor(((col + 1) * values.length) / width);
    let best: number | undefined;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v !== undefined && (best === undefined || v > best)) best = v;
    }
    out.push(best);
  }
  return out;
}
