/**
 * Inline SVG line charts for the HTML report: a few dozen lines instead of a chart library, so the report is one
 * self-contained file that renders with no network and no script.
 */

export interface Series {
  name: string;
  /** [x, y] in data units; points with a non-finite y are gaps. */
  points: readonly (readonly [number, number])[];
}

export interface ChartSpec {
  /** Machine-readable identity (data-chart attribute): what a test or a reader looks for. */
  id: string;
  title: string;
  yLabel: string;
  series: readonly Series[];
  /** Labels for chosen x positions (default: evenly spaced numbers). */
  xTicks?: readonly { x: number; label: string }[];
  xLabel?: string;
}

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** 1, 2 or 5 times a power of ten: round axis steps. */
export function niceStep(range: number, ticks: number): number {
  if (!(range > 0)) return 1;
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

const fmt = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : String(Number(v.toPrecision(3))));

export function lineChart(spec: ChartSpec): string {
  const finite = spec.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  const xMin = spec.xTicks?.length ? Math.min(...spec.xTicks.map((t) => t.x), ...xs) : Math.min(...xs, 0);
  const xMax = spec.xTicks?.length ? Math.max(...spec.xTicks.map((t) => t.x), ...xs) : Math.max(...xs, 1);
  const yStep = niceStep(Math.max(...ys, 0), 4);
  const yMax = Math.max(yStep, Math.ceil(Math.max(...ys, 0) / yStep) * yStep);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + (xMax === xMin ? 0 : ((x - xMin) / (xMax - xMin)) * plotW);
  const py = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" data-chart="${escapeHtml(spec.id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" ` +
      `xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(spec.title)}</title>`,
  );
  parts.push(`<text x="${MARGIN.left}" y="18" class="chart-title">${escapeHtml(spec.title)}</text>`);
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${fmt(y)}</text>`);
  }
  const xTicks = spec.xTicks ?? evenTicks(xMin, xMax);
  for (const t of xTicks) {
    parts.push(`<text class="tick" x="${px(t.x).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(t.label)}</text>`);
  }
  parts.push(`<text class="axis-label" x="14" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`);
  if (spec.xLabel) parts.push(`<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/>`);
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = pathData(series.points, px, py);
    if (d) parts.push(`<path class="series" data-series="${escapeHtml(series.name)}" d="${d}" stroke="${color}"/>`);
    for (const [x, y] of series.points) {
      if (!Number.isFinite(y)) continue;
      // Few points (a percentile curve) get markers with the exact value on hover; a long time series does not.
      if (series.points.length <= 12) {
        parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"><title>${escapeHtml(series.name)}: ${fmt(y)}</title></circle>`);
      }
    }
    const lx = MARGIN.left + 8 + i * 150;
    parts.push(`<rect x="${lx}" y="${MARGIN.top + 6}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text class="legend" x="${lx + 14}" y="${MARGIN.top + 15}">${escapeHtml(series.name)}</text>`);
  });
  if (finite.length === 0) parts.push(`<text class="tick" x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle">no data</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function pathData(points: Series['points'], px: (x: number) => number, py: (y: number) => number): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

function evenTicks(min: number, max: number): { x: number; label: string }[] {
  const step = niceStep(max - min, 6);
  const out: { x: number; label: string }[] = [];
  for (let x = Math.ceil(min / step) * step; x <= max + step / 1e6; x += step) out.push({ x, label: fmt(x) });
  return out;
}
