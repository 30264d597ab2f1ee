/**
 * What a report chart is, as data: the page's script turns each spec into an interactive uPlot chart (zoom by
 * dragging, values on hover, double-click to reset). Specs are plain JSON so a report is one file.
 */

export type ValueFormat = 'money' | 'pct' | 'int' | 'num' | 'hours';

export interface SeriesSpec {
  name: string;
  color: string;
  /** One value per x; null leaves a gap (a marker series is null except where it marks). */
  values: (number | null)[];
  /** Points only, no line: trade and steal markers. */
  markers?: boolean;
  dash?: boolean;
  /** Area under the line (drawdown). */
  fill?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** 'line' on a time axis; 'bars' stacks its series (weekly counts); 'histogram' on a numeric axis. */
  kind: 'line' | 'bars' | 'histogram';
  /** Unix seconds for time axes; bucket starts for histograms; any numbers with `time: false`. */
  x: number[];
  time: boolean;
  xLabel?: string;
  xFormat?: ValueFormat;
  yFormat: ValueFormat;
  logY?: boolean;
  /**
   * The y axis fits the data in view (axisRange and axisTicks in axis.ts), on a log axis when logY: for
   * equity, whose range is far from zero and may be narrow.
   */
  fitY?: boolean;
  /**
   * Bars and histograms: the width of one bar in x units. Bars start at their x, so the x axis runs to the
   * last x plus this, or the last bar would be cut off at the right edge.
   */
  xPad?: number;
  /**
   * Points at the first and last x (a sweep's levels) would sit on the plot's edges, half drawn: the x axis
   * runs this share of the data's x span past each end.
   */
  xMargin?: number;
  /** The y axis includes zero (shares, counts). */
  fromZero?: boolean;
  /** Fixed axis ranges: a scatter against its y = x line needs the same range on both axes. */
  xRange?: [number, number];
  yRange?: [number, number];
  logX?: boolean;
  /** Draw a point at every value of the lines too (short series: one generation is one point). */
  points?: boolean;
  height?: number;
  series: SeriesSpec[];
  /** A short line under the title: what is plotted and how. */
  note?: string;
  /** Charts sharing a group are drawn one at a time, chosen by a select box (price per symbol). */
  group?: string;
}

export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/**
 * Equal-width histogram of finite values: bucket starts, counts and the bucket width (empty input: no
 * buckets). When every value is the same there is one bucket, starting at that value, 1/buckets of it wide
 * (1/buckets when it is 0).
 */
export function histogram(
  values: readonly number[],
  buckets = 20,
): { x: number[]; counts: number[]; width: number } {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return { x: [], counts: [], width: 1 };
  let lo = v[0]!;
  let hi = v[0]!;
  for (const a of v) {
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  if (hi === lo) return { x: [lo], counts: [v.length], width: Math.abs(lo) / buckets || 1 / buckets };
  const width = (hi - lo) / buckets;
  const counts = new Array<number>(buckets).fill(0);
  for (const a of v) counts[Math.min(buckets - 1, Math.floor((a - lo) / width))]!++;
  return { x: counts.map((_, i) => lo + i * width), counts, width };
}
