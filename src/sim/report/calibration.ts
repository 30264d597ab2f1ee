import { PALETTE, type ChartSpec, type SeriesSpec } from '../../report/chart-spec.js';
import { pct, table } from '../../report/format.js';
import { figure } from '../../report/page.js';
import type { SimulationResult } from '../run.js';

const CLASS_COLOR = { crypto: PALETTE[0]!, stock: PALETTE[1]! } as const;

/**
 * Predicted against realised fill rate, one point per decile and asset class, beside the y = x line a
 * perfectly calibrated model would sit on. Null when the run valued nothing (distance ranking).
 */
export function calibrationChart(r: SimulationResult): ChartSpec | null {
  const classes = r.calibration?.classes ?? [];
  if (!classes.length) return null;
  // One shared x axis: every decile's mean prediction, ascending; each class has values only at its own.
  const points = classes.flatMap((c, k) => c.deciles.map((d) => ({ k, x: d.meanPredicted, y: d.realised })));
  points.sort((a, b) => a.x - b.x || a.k - b.k);
  const x = points.map((p) => p.x);
  const series: SeriesSpec[] = classes.map((c, k) => ({
    name: `${c.assetClass} (${c.predictions} orders)`,
    color: CLASS_COLOR[c.assetClass],
    values: points.map((p) => (p.k === k ? p.y : null)),
    markers: true,
  }));
  series.push({ name: 'perfect calibration', color: PALETTE[7]!, values: x.slice(), dash: true });
  return {
    id: 'calibration',
    title: 'Fill probability: predicted against realised',
    kind: 'line',
    time: false,
    x,
    xFormat: 'pct',
    xLabel: 'predicted fill probability (decile mean)',
    yFormat: 'pct',
    xRange: [0, 1],
    yRange: [0, 1],
    series,
    note: 'Each order the run valued, at its first valuation, cut into ten deciles of prediction per asset class; realised = the share whose limit was reached before its validity ended. Orders whose validity outlasted the data are left out.',
  };
}

/** The calibration section of the report: the chart and its numbers, or nothing under the distance ranking. */
export function calibrationSection(r: SimulationResult, chart: ChartSpec | null): string {
  const cal = r.calibration;
  if (!chart || !cal) return '';
  const rows = cal.classes.flatMap((c) =>
    c.deciles.map((d) => [
      c.assetClass,
      d.decile,
      d.count,
      pct(d.meanPredicted, 1),
      pct(d.realised, 1),
      `${(d.error * 100).toFixed(1)} pp`,
    ]),
  );
  const summary = cal.classes
    .map(
      (c) =>
        `${c.assetClass}: largest decile error ${(c.maxAbsError * 100).toFixed(1)} pp, Brier ${c.brier.toFixed(3)}`,
    )
    .join('; ');
  return `<h2>Fill-probability calibration</h2>
<p>${cal.scored} valued orders scored, ${cal.pending} pending (validity beyond the data). ${summary}.</p>
${figure(chart)}
${table(['class', 'decile', 'orders', 'predicted', 'realised', 'error'], rows, 'calibration')}`;
}
