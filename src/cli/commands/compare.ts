import type { Command } from 'commander';
import { calendarFromSessions, nyseCalendar } from '../../core/calendar/index.js';
import { dataLine, dataQualityLines } from '../data-summary.js';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { readStructuredFile } from '../../io/read-structured.js';
import { compareWindows, type CompareResult, type ComparisonGroup } from '../../compare/compare.js';
import { compareMarkdownOutput, compareTextOutput, plural, researchNotes } from '../../compare/report.js';
import { renderCompareReport } from '../../compare/html.js';
import { DEFAULT_RESAMPLES } from '../../compare/stats.js';
import { comparePlan } from '../../compare/plan.js';
import { parseSpan } from '../../compare/windows.js';
import { selectFiles } from '../../optimizer/data.js';
import { defaultThreads } from '../../optimizer/evaluators/pool.js';
import type { Window } from '../../optimizer/objective/folds.js';
import { warmUpBars } from '../../optimizer/objective/window.js';
import { BENCHMARK_SETS } from '../../marketdata/benchmark-sets.js';
import { loadSignalsCsv, matchSignals } from '../../sim/signals/csv-signals.js';
import { parseDateRange } from '../dates.js';
import { CALENDAR_HELP } from '../calendar-flag.js';
import { CliError, EXIT } from '../errors.js';
import { wholeNumber } from '../whole-number.js';
import { addBarFileFlags, type BarFileFlags } from '../bar-flags.js';
import { loadBarFiles } from '../load-bars.js';
import { comparisonJson } from '../../compare/json.js';
import { checkOutputPath, humanStream, jsonOption, writeJsonOutput, writeOutput } from '../output.js';
import { tableWidth } from '../../report/text.js';
import { progressBar } from '../progress.js';
import { bothSides } from '../compare-labels.js';
import { resolveGroups, type SideFlags } from '../compare-groups.js';
import { invocation } from '../invocation.js';
import { addSetFlag, collect } from '../flag-layers.js';

interface CompareOptions extends BarFileFlags, SideFlags {
  data?: string[];
  benchmark?: string;
  symbols?: string;
  from?: string;
  to?: string;
  window: string;
  step?: string;
  subsets?: string;
  subsetSize?: string;
  seed: string;
  resamples: string;
  replicates: string;
  threads?: string;
  calendar?: string;
  signals?: string;
  json?: string;
  markdown?: string;
  report?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  worksteal compare --benchmark crypto                                  # the default config vs stealing off, 6-month windows
  worksteal compare --benchmark mixed --window 3mo --step 1mo --json cmp.json --markdown cmp.md
  worksteal compare --benchmark crypto --variant protectionPct=0.004 --variant best.json --baseline protectionPct=0.0015
  worksteal compare --benchmark mixed --subsets 20 --subset-size 4 --seed 7
  worksteal compare --benchmark crypto --sweep sim.slippageBps=0,5,10      # A vs B at each slippage level
  worksteal compare --data ../shared/marketdata/binance-spot-yanniedog --window 3mo    # seven pairs, 3-month windows
  worksteal compare --benchmark crypto --replicates 7 --threads 2       # each window the mean of 7 paths per side
  worksteal compare --benchmark crypto --sweep sim.research.signalSkill=0,0.25,1 --report skill.html   # charts

A side (--variant, --baseline) is a config file (JSON/YAML; best.json from optimize works) or key=value pairs
separated by spaces or ';'. --set applies to every side, --sweep makes one comparison per value (applied to
both sides), so any configuration key, sim.* included, can be compared or swept.

One path per window is mostly noise (every decision changes all that follows). --replicates n simulates each
window n times per side, the order size scaled by 1 + δ on both sides alike (δ = 0, then ±s, ±2s, … up to
±0.2%), and compares the means; the summary's "path noise" is how much ΔSharpe moves from path to path.`;

export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description(
      'compare policy A with policy B (default: stealing off) on the same data cut into rolling windows: win rate, median differences with 95% intervals, net steal regret',
    )
    .option('--data <paths...>', 'bar files, folders and/or glob patterns (CSV, any supported layout)')
    .option('--benchmark <set>', `a named set: ${Object.keys(BENCHMARK_SETS).join(', ')}`)
    .option('--symbols <list>', 'only these symbols (comma separated)');
  addBarFileFlags(command)
    .option('--from <time>', 'start of the first window (ISO date, UTC)')
    .option('--to <time>', 'no window ends after this (ISO date, UTC)')
    .option('--config <file>', 'config file every side starts from (JSON or YAML)')
    .option('--preset <name>', `preset every side starts from (${PRESET_NAMES.join(', ')})`);
  addSetFlag(command, 'a config value for every side (repeatable), e.g. --set sim.slippageBps=5')
    .option(
      '--variant <side>',
      'policy A: a config file or key=value pairs (repeatable: several A against one B)',
      collect,
      [],
    )
    .option(
      '--baseline <side>',
      'policy B: a config file or key=value pairs (default: stealingEnabled=false)',
    )
    .option(
      '--sweep <key=v1,v2,…>',
      'one comparison per value, set on both sides (repeatable: every combination)',
      collect,
      [],
    )
    .option('--window <length>', 'window length: 90d, 2w, 6mo, 1y', '6mo')
    .option('--step <length>', 'from one window start to the next (default: the window length, no overlap)')
    .option('--subsets <n>', 'also compare on n random symbol subsets of each window')
    .option('--subset-size <k>', 'symbols per subset (with --subsets)')
    .option('--seed <n>', 'seed of the subsets and the bootstrap', '1')
    .option('--resamples <n>', 'bootstrap resamples', String(DEFAULT_RESAMPLES))
    .option(
      '--replicates <n>',
      'simulations per side and window, each with the order size of both sides scaled by a fixed 1 + δ (|δ| ≤ 0.2%); the window is their mean',
      '1',
    )
    .option('--signals <file>', 'signals CSV instead of the built-in forecaster (every side trades on it)')
    .option('--calendar <file>', CALENDAR_HELP)
    .option('--threads <k>', 'simulations at once on worker threads (default: one per core; 0 = this thread)')
    .addOption(jsonOption('every number (per window, per side, aggregates)'))
    .option('--markdown <file>', 'write the tables as Markdown, with the command that made them')
    .option(
      '--report <file>',
      'write a self-contained HTML report: every window of each pair, and the curve of a numeric --sweep',
    )
    .option('--quiet', 'print only the summary table')
    .addHelpText('after', EXAMPLES)
    .action(async (opts: CompareOptions) => {
      await compareCommand(opts);
    });
}

async function compareCommand(opts: CompareOptions): Promise<void> {
  const seed = wholeNumber(opts.seed, '--seed', 0);
  const resamples = wholeNumber(opts.resamples, '--resamples', 100);
  const replicates = wholeNumber(opts.replicates, '--replicates', 1);
  const threads = opts.threads === undefined ? defaultThreads() : wholeNumber(opts.threads, '--threads', 0);
  const window = parseSpan(opts.window, '--window');
  const step = opts.step === undefined ? window : parseSpan(opts.step, '--step');
  const { from, to } = parseDateRange(opts.from, opts.to);
  if ((opts.subsets === undefined) !== (opts.subsetSize === undefined)) {
    throw new CliError(
      '--subsets and --subset-size go together: give both (e.g. --subsets 20 --subset-size 4)',
    );
  }
  await checkOutputPath('--json', opts.json);
  await checkOutputPath('--markdown', opts.markdown);
  await checkOutputPath('--report', opts.report);
  const say = (line: string): void => {
    if (!opts.quiet) process.stderr.write(`${line}\n`);
  };

  // The sides first (a typo in a key should not wait for the data to load), then which files: an unknown set
  // or a missing folder is refused before any warning of the sides is said.
  const { groups, warnings, mixed } = await resolveGroups(opts);
  const selection = await selectFiles({
    ...(opts.benchmark !== undefined ? { benchmark: opts.benchmark } : {}),
    ...(opts.data ? { data: opts.data } : {}),
  });
  for (const w of warnings) say(`config warning: ${w}`);
  // Said even with --quiet: a comparison that measures more than it says misleads.
  for (const w of mixed) process.stderr.write(`warning: ${w}\n`);
  // Read and checked here (a bad file is refused now); each thread rebuilds the calendar from the content.
  const calendar = opts.calendar
    ? { file: opts.calendar, sessions: await readStructuredFile(opts.calendar, 'calendar file') }
    : undefined;
  if (calendar) calendarFromSessions(calendar.sessions, calendar.file);

  const symbolsOf = groups[0]!.baseline.config.symbols;
  const { loaded, notes } = await loadBarFiles(selection.files, symbolsOf, opts);
  for (const note of notes) say(`note: ${note}`);
  const series = loaded.map((l) => l.series);
  say(dataLine(loaded, symbolsOf));
  // A daily stock places orders only under extended hours: warned about unless every side has them.
  const allSides = groups.flatMap((g) => [g.baseline, ...g.variants]);
  const requestedFrom = from ?? selection.defaultRange?.from;
  const requestedTo = to ?? selection.defaultRange?.to;
  const requested = {
    ...(requestedFrom !== undefined ? { from: requestedFrom } : {}),
    ...(requestedTo !== undefined ? { to: requestedTo } : {}),
  };
  const { range, windows, subsets } = comparePlan({
    series,
    window,
    step,
    requested,
    ...(opts.subsets === undefined
      ? {}
      : {
          subsets: {
            count: wholeNumber(opts.subsets, '--subsets', 1),
            size: wholeNumber(opts.subsetSize!, '--subset-size', 1),
          },
        }),
    seed,
  });
  const quality = dataQualityLines(
    loaded,
    calendar ? calendarFromSessions(calendar.sessions, calendar.file) : nyseCalendar(),
    {
      extendedHours: allSides.every((s) => s.config.extendedHours),
      // The bars the windows read, as laid (whether or not --from/--to were typed): from the first window's
      // start, with the longest warm-up of any side before it, to the last window's end.
      reads: {
        from: windows[0]!.from,
        to: windows[windows.length - 1]!.to,
        warmUp: Math.max(...allSides.map((s) => warmUpBars(s.config.sim.forecaster))),
      },
    },
  );
  for (const line of quality.notes) say(line);
  // Said even with --quiet, as simulate does: a run whose data cannot trade, or holds a likely split, misleads.
  for (const line of quality.warnings) process.stderr.write(`${line}\n`);
  // --from/--to narrow the benchmark set's own window; within the data's common span either way.
  const signals = opts.signals
    ? matchSignals(
        await loadSignalsCsv(opts.signals),
        series.map((s) => s.symbol),
        new Set(series.filter((s) => s.assetClass === 'crypto').map((s) => s.symbol)),
      )
    : undefined;
  for (const w of signals?.warnings ?? []) say(`signals warning: ${w}`);
  const sides = groups.reduce((n, g) => n + 1 + g.variants.length, 0);
  const total = windows.length * (subsets?.length ?? 1) * sides * replicates;
  say(
    `comparing: ${plural(windows.length, 'window')} of ${opts.window}${subsets ? ` × ${plural(subsets.length, 'subset')}` : ''} × ${sides} sides${replicates > 1 ? ` × ${replicates} replicates` : ''} = ${total} simulations on ${threads === 0 ? 'this thread' : `${Math.min(threads, total)} thread(s)`}`,
  );

  const bar = progressBar('comparing');
  let lastTenth = 0;
  const result = await compareWindows({
    series,
    groups,
    windows,
    ...(subsets ? { subsets } : {}),
    seed,
    resamples,
    ...(replicates > 1 ? { replicates } : {}),
    threads,
    ...(calendar ? { calendar } : {}),
    ...(signals ? { signals: signals.signals } : {}),
    onProgress: (done, n) => {
      bar.update(done, n, 'simulations');
      // Without a terminal the bar is silent: a line per tenth keeps a log alive.
      const tenth = Math.floor((10 * done) / n);
      if (!process.stderr.isTTY && tenth > lastTenth) {
        lastTenth = tenth;
        say(`progress: ${done}/${n} simulations`);
      }
    },
  });
  bar.stop();

  const dataLabel = opts.benchmark ?? series.map((s) => s.symbol).join(', ');
  const command = invocation();
  const out = humanStream(opts.json);
  const research = researchNotes(groups);
  const common = bothSides(opts.set, process.env);
  out.write(
    compareTextOutput(result, dataLabel, { research, bothSides: common }, !opts.quiet, tableWidth(out)),
  );
  await writeFiles(
    opts,
    { result, groups, dataLabel, command, research, common, range },
    [...warnings, ...mixed],
    say,
  );
  process.exitCode = EXIT.ok;
}

/** What `compare` made, as the files asked for: --markdown, --report and --json (each said on stderr). */
async function writeFiles(
  opts: CompareOptions,
  made: {
    result: CompareResult;
    groups: readonly ComparisonGroup[];
    dataLabel: string;
    command: string;
    research: string[];
    common: string | null;
    range: Window;
  },
  warnings: string[],
  say: (line: string) => void,
): Promise<void> {
  const { result, groups, dataLabel, command, research, common, range } = made;
  if (opts.markdown) {
    const markdown = compareMarkdownOutput(result, dataLabel, command, { research, bothSides: common });
    await writeOutput('--markdown', opts.markdown, markdown);
    say(`--markdown: wrote ${opts.markdown}`);
  }
  if (opts.report) {
    const page = { result, groups, data: dataLabel, command, bothSides: common, sweeps: opts.sweep };
    await writeOutput('--report', opts.report, renderCompareReport(page));
    say(`--report: wrote ${opts.report}`);
  }
  if (opts.json) {
    await writeJsonOutput(opts.json, {
      data: dataLabel,
      command,
      range,
      window: opts.window,
      step: opts.step ?? opts.window,
      sides: groups.map((g) => ({
        level: g.level,
        baseline: g.baseline,
        variants: g.variants,
      })),
      ...comparisonJson(result),
      research,
      bothSides: common,
      warnings,
    });
    if (opts.json !== '-') say(`--json: wrote ${opts.json}`);
  }
}
