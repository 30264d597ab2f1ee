import { nyseCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Logger } from '../ports/log.js';
import { selectBenchmark } from '../marketdata/benchmark-sets.js';
import { expandDataArgs, loadMany, type BarSeries } from '../marketdata/index.js';
import { firstSignalBar } from '../sim/signals/forecaster.js';
import { barLoadOptions, type BarFileFlags } from './bar-flags.js';
import { runDataLines } from './run-data.js';
import { parseDateRange } from './dates.js';
import { CliError } from './errors.js';

/** The bars and window of a replay, as `run --broker replay` and `serve --broker replay` take them. */
export interface ReplayInputOptions extends BarFileFlags {
  data?: string[];
  benchmark?: string;
  from?: string;
  to?: string;
}

const DAY = 86_400_000;

/**
 * The replay's bars and window (replayWindow): a named benchmark set or the given files, read as the bar-file
 * flags say (as simulate reads them), cut to the wanted symbols. What simulate says about the bars for the
 * same range (runDataLines: how each file was read, gaps, symbols without bars in the range, rows --repair
 * dropped, suspicious moves in the bars read, bars outside sessions) goes to the log. `endsAtTo`: the replay
 * stops at the window's end (run); otherwise it runs on through the data unless --to was given (serve).
 */
export async function replayInput(
  opts: ReplayInputOptions,
  config: WorkstealConfig,
  wanted: string[],
  log: Pick<Logger, 'info' | 'warn'>,
  { endsAtTo }: { endsAtTo: boolean },
): Promise<{ series: BarSeries[]; from: number; to: number; firstSignals: number }> {
  let files: string[];
  if (opts.benchmark) {
    const set = selectBenchmark(opts.benchmark, { dataGiven: (opts.data?.length ?? 0) > 0, orData: true });
    if ('problem' in set) throw new CliError(`--benchmark ${opts.benchmark}: ${set.problem}`);
    files = set.files;
  } else if (opts.data?.length) files = await expandDataArgs(opts.data);
  else
    throw new CliError(
      '--broker replay needs bars: pass --data <files or folders> or --benchmark crypto|mixed',
    );
  const loaderNotes: string[] = [];
  const loaded = await loadMany(files, {
    symbols: config.symbols,
    ...barLoadOptions(opts),
    onNote: (note) => loaderNotes.push(note),
  });
  const known = loaded.map((l) => l.series.symbol);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length) {
    throw new CliError(
      `symbols ${unknown.join(', ')} are not in the replay data; the data holds ${known.join(', ')}`,
    );
  }
  const used = loaded.filter((l) => !wanted.length || wanted.includes(l.series.symbol));
  const series = used.map((l) => l.series);
  const window = replayWindow(series, config, opts);
  const end = endsAtTo || opts.to !== undefined ? { to: window.to } : {};
  const { notes, warnings } = runDataLines(used, nyseCalendar(), config, { from: window.from, ...end });
  for (const message of [...loaderNotes, ...notes]) log.info('data-note', { message });
  for (const message of warnings) log.warn('data-warning', { message });
  return { series, ...window };
}

/**
 * The replay's first and last poll (`to` itself is polled: the close of the last bar that opens before it).
 * By default it starts once every series has the forecaster's whole window of history behind it (its
 * lookback and horizon: its quantiles are then over as many excursions as at any later time) and runs for 7
 * days, within the data. `firstSignals` is when the built-in forecaster can first give a signal in any
 * series (firstSignalBar): polls before it find none in any.
 */
export function replayWindow(
  series: readonly BarSeries[],
  config: WorkstealConfig,
  opts: ReplayInputOptions,
): { from: number; to: number; firstSignals: number } {
  const f = config.sim.forecaster;
  // The close of bar k of each series (of its last bar when it has fewer).
  const closesOfBar = (k: number): number[] =>
    series.map((s) => s.time[Math.min(s.time.length - 1, k)]! + s.intervalMs);
  const fullWindow = Math.max(...closesOfBar(f.lookbackBars + f.horizonBars + 1));
  const firstSignals = Math.min(...closesOfBar(firstSignalBar(f)));
  const dataEnd = Math.min(...series.map((s) => s.time[s.time.length - 1]! + s.intervalMs));
  const asked = parseDateRange(opts.from, opts.to);
  const from = asked.from ?? fullWindow;
  // Checked first: without --to the default end is the data's end, which a late --from is past, and the
  // message must name the flag that was given.
  if (from >= dataEnd) {
    throw new CliError(
      `--from ${new Date(from).toISOString()} is after the end of the data (${new Date(dataEnd).toISOString()}); give a --from before it`,
    );
  }
  const to = asked.to ?? Math.min(dataEnd, from + 7 * DAY);
  if (!(to > from)) {
    throw new CliError(
      `the replay window is empty: --to ${new Date(to).toISOString()} is not after --from ${new Date(from).toISOString()}`,
    );
  }
  return { from, to, firstSignals };
}
