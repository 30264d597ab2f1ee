/**
 * Small SVG charts on numeric axes (the simulator's charts have a time axis): a line chart for convergence
 * and scatter plots for parameter-vs-score and in-sample-vs-out-of-sample. Inline SVG, no script.
 */

export const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface Frame {
  width: number;
  height: number;
}

const PAD = { l: 58, r: 12, t: 22, b: 34 };

interface Scale {
  lo: number;
  hi: number;
  log: boolean;
}

function scaleOf(values: readonly number[], log = false): Scale {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (v.length === 0) return { lo: 0, hi: 1, log: false };
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (hi === lo) {
    const d = Math.abs(lo) * 0.05 || 1;
    lo -= log ? 0 : d;
    hi += d;
  }
  return { lo, hi, log: log && lo > 0 };
}

function at(s: Scale, v: number): number {
  return s.log
    ? (Math.log(v) - Math.log(s.lo)) / (Math.log(s.hi) - Math.log(s.lo))
    : (v - s.lo) / (s.hi - s.lo);
}

export const compact = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 100_000)) return v.toExponential(1);
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3).replace(/\.?0+$/, '');
};

/** Tick labels with as many decimals as the axis span needs, so neighbouring ticks never read the same. */
function tickFormat(s: Scale): (v: number) => string {
  if (s.log) return compact;
  const span = s.hi - s.lo;
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(span)) + 1));
  return (v) => (Math.abs(v) >= 1e5 ? v.toExponential(2) : v.toFixed(decimals));
}

function axes(
  frame: Frame,
  xs: Scale,
  ys: Scale,
  xLabel: string,
  yLabel: string,
  fx: (v: number) => string = tickFormat(xs),
): string {
  const fy = tickFormat(ys);
  const { width: W, height: H } = frame;
  const px = (f: number): number => PAD.l + f * (W - PAD.l - PAD.r);
  const py = (f: number): number => PAD.t + (1 - f) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.5, 1];
  const inv = (s: Scale, f: number): number =>
    s.log ? Math.exp(Math.log(s.lo) + f * (Math.log(s.hi) - Math.log(s.lo))) : s.lo + f * (s.hi - s.lo);
  const y = ticks
    .map(
      (f) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${py(f)}" y2="${py(f)}" stroke="#e4e4e4"/><text x="${PAD.l - 5}" y="${py(f) + 4}" text-anchor="end">${esc(fy(inv(ys, f)))}</text>`,
    )
    .join('');
  const x = ticks
    .map((f) => {
      const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
      return `<text x="${px(f)}" y="${H - 18}" text-anchor="${anchor}">${esc(fx(inv(xs, f)))}</text>`;
    })
    .join('');
  const labels =
    `<text x="${(PAD.l + W - PAD.r) / 2}" y="${H - 3}" text-anchor="middle" class="lbl">${esc(xLabel)}</text>` +
    `<text x="12" y="${(PAD.t + H - PAD.b) / 2}" text-anchor="middle" class="lbl" transform="rotate(-90 12 ${(PAD.t + H - PAD.b) / 2})">${esc(yLabel)}</text>`;
  return y + x + labels;
}

function svg(frame: Frame, title: string, body: string): string {
  return `<figure><svg viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" role="img" aria-label="${esc(title)}"><text x="${PAD.l}" y="14" class="ttl">${esc(title)}</text>${body}</svg></figure>`;
}

export interface XYSeries {
  name: string;
  color: string;
  ys: readonly number[];
}

export function lineChart(
  title: string,
  xs: readonly number[],
  series: readonly XYSeries[],
  labels: { x: string; y: string },
  frame: Frame = { width: 920, height: 260 },
): string {
  const sx = scaleOf(xs);
  const sy = scaleOf(series.flatMap((s) => s.ys));
  const { width: W, height: H } = frame;
  const px = (v: number): number => PAD.l + at(sx, v) * (W - PAD.l - PAD.r);
  const py = (v: number): number => PAD.t + (1 - at(sy, v)) * (H - PAD.t - PAD.b);
  const lines = series
    .map((s) => {
      const pts = xs
        .map((x, i) => [x, s.ys[i]!] as const)
        .filter(([, y]) => Number.isFinite(y))
        .map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
      return `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`;
    })
    .join('');
  // The legend sits in the title row, right-aligned, so it never covers a line.
  const legend = series
    .map((s, i) => {
      const x = W - PAD.r - (series.length - i) * 170;
      return `<rect x="${x}" y="5" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="14">${esc(s.name)}</text>`;
    })
    .join('');
  return svg(frame, title, axes(frame, sx, sy, labels.x, labels.y) + lines + legend);
}

export interface Point {
  x: number;
  y: number;
  highlight?: boolean;
}

export function scatter(
  title: string,
  points: readonly Point[],
  labels: { x: string; y: string },
  options: { logX?: boolean; diagonal?: boolean; frame?: Frame; formatX?: (v: number) => string } = {},
): string {
  const frame = options.frame ?? { width: 300, height: 210 };
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length === 0) return svg(frame, title, '<text x="60" y="100">no finite scores</text>');
  const sx = scaleOf(
    finite.map((p) => p.x),
    options.logX,
  );
  const sy = scaleOf(finite.map((p) => p.y));
  const { width: W, height: H } = frame;
  const px = (v: number): number => PAD.l + at(sx, v) * (W - PAD.l - PAD.r);
  const py = (v: number): number => PAD.t + (1 - at(sy, v)) * (H - PAD.t - PAD.b);
  let diag = '';
  if (options.diagonal) {
    const lo = Math.max(sx.lo, sy.lo);
    const hi = Math.min(sx.hi, sy.hi);
    if (hi > lo) {
      diag = `<line x1="${px(lo)}" y1="${py(lo)}" x2="${px(hi)}" y2="${py(hi)}" stroke="#999" stroke-dasharray="4 3"/>`;
    }
  }
  // The highlighted point is drawn last so it stays visible on top of the cloud.
  const dots = [...finite]
    .sort((a, b) => Number(a.highlight ?? false) - Number(b.highlight ?? false))
    .map((p) =>
      p.highlight
        ? `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="4.5" fill="#d62728" stroke="#fff"/>`
        : `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2.4" fill="#1f77b4" fill-opacity="0.45"/>`,
    )
    .join('');
  const axesSvg = options.formatX
    ? axes(frame, sx, sy, labels.x, labels.y, options.formatX)
    : axes(frame, sx, sy, labels.x, labels.y);
  return svg(frame, title, axesSvg + diag + dots);
}
