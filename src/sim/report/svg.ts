/**
 * Tiny SVG charts for self-contained reports: no script, no network, opens from disk in any browser.
 * Series are downsampled to at most ~1,500 points per line (min/max per bucket keeps spikes visible).
 */
export interface LineSeries {
  name: string;
  color: string;
  values: readonly number[];
  fill?: boolean;
}

const W = 960;
const H = 260;
const PAD = { l: 70, r: 16, t: 24, b: 28 };

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function lineChart(
  title: string,
  times: readonly number[],
  series: readonly LineSeries[],
  format: (v: number) => string,
): string {
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (times.length < 2 || all.length === 0)
    return `<figure><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  let lo = Math.min(...all.slice(0, 200_000));
  let hi = Math.max(...all.slice(0, 200_000));
  for (const v of all) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (series.some((s) => s.fill)) lo = Math.min(lo, 0);
  if (hi === lo) hi = lo + 1;
  const t0 = times[0]!;
  const t1 = times[times.length - 1]!;
  const x = (t: number): number => PAD.l + ((t - t0) / (t1 - t0 || 1)) * (W - PAD.l - PAD.r);
  const y = (v: number): number => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  const paths = series.map((s) => {
    const pts = downsample(times, s.values, 1500).map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    if (s.fill) {
      return `<polygon points="${x(t0).toFixed(1)},${y(0).toFixed(1)} ${pts.join(' ')} ${x(t1).toFixed(1)},${y(0).toFixed(1)}" fill="${s.color}" fill-opacity="0.35" stroke="${s.color}" stroke-width="1"/>`;
    }
    return `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.3"/>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const yAxis = ticks
    .map(
      (v) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${PAD.l - 6}" y="${y(v) + 4}" text-anchor="end">${esc(format(v))}</text>`,
    )
    .join('');
  const xAxis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const t = t0 + f * (t1 - t0);
      return `<text x="${x(t)}" y="${H - 8}" text-anchor="middle">${new Date(t).toISOString().slice(0, 10)}</text>`;
    })
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${PAD.l + i * 170}" y="6" width="10" height="10" fill="${s.color}"/><text x="${PAD.l + 14 + i * 170}" y="15">${esc(s.name)}</text>`,
    )
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}" font-size="11" font-family="sans-serif">${yAxis}${xAxis}${paths.join('')}${legend}</svg></figure>`;
}

/** Keep the first, min, max and last point of each bucket so that spikes survive the downsampling. */
function downsample(times: readonly number[], values: readonly number[], max: number): [number, number][] {
  const n = Math.min(times.length, values.length);
  if (n <= max)
    return Array.from({ length: n }, (_, i) => [times[i]!, values[i]!] as [number, number]).filter(([, v]) =>
      Number.isFinite(v),
    );
  const out: [number, number][] = [];
  const size = Math.ceil(n / (max / 2));
  for (let start = 0; start < n; start += size) {
    let iMin = start;
    let iMax = start;
    for (let i = start; i < Math.min(n, start + size); i++) {
      if (values[i]! < values[iMin]!) iMin = i;
      if (values[i]! > values[iMax]!) iMax = i;
    }
    for (const i of iMin < iMax ? [iMin, iMax] : [iMax, iMin])
      if (Number.isFinite(values[i]!)) out.push([times[i]!, values[i]!]);
  }
  return out;
}
