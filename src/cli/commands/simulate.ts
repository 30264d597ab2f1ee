import type { Command } from 'commander';
import { PRESET_NAMES } from '../../core/config/presets.js';
import type { ExchangeCalendar } from '../../core/calendar/index.js';
import { loadCalendar } from '../../io/load-calendar.js';
import { loadConfig } from '../../io/load-config.js';
import { BENCHMARK_SETS, selectBenchmark } from '../../marketdata/benchmark-sets.js';
import type { WorkstealConfig } from '../../core/config/schema.js';
import { expandDataArgs, type BarSeries, type LoadResult } from '../../marketdata/index.js';
import { dataLine, dataWithProblems } from '../data-summary.js';
import { runDataLines } from '../run-data.js';
import { parseDecimal } from '../../core/decimal.js';
import { checkDateOrder, checkRangeMeetsData, parseDateRange } from '../dates.js';
import { addBarFileFlags, type BarFileFlags } from '../bar-flags.js';
import { forecasterWarmUpWarnings } from '../forecaster-warnings.js';
import { loadBarFiles } from '../load-bars.js';
import { rangeDays } from '../../sim/report/analysis.js';
import { renderReport } from '../../sim/report/html.js';
import { classRegretRows } from '../../sim/report/regret-rows.js';
import { runSimulation, type SimulationResult } from '../../sim/run.js';
import { loadSignalsCsv, matchSignals } from '../../sim/signals/csv-signals.js';
import { CALENDAR_HELP } from '../calendar-flag.js';
import { CliError, EXIT } from '../errors.js';
import { money, num, pct, table, tableWidth } from '../../report/text.js';
import {
  checkOutputPath,
  checkStorePathEarly,
  humanStream,
  jsonOption,
  writeJsonOutput,
  writeOutput,
} from '../output.js';
import { progressBar } from '../progress.js';
import { addSetFlag, setFlagLayers } from '../flag-layers.js';
import type { RunStore } from '../../store/runs.js';

interface SimulateOptions extends BarFileFlags {
  data?: string[];
  /** The command takes --data (start does not): the hint for a benchmark set's missing files offers it. */
  dataFlag?: boolean;
  benchmark?: string;
  symbols?: string;
  from?: string;
  to?: string;
  config?: string;
  preset?: string;
  signals?: string;
  json?: string;
  report?: string;
  db?: string;
  stealing?: boolean;
  calendar?: string;
  quiet?: boolean;
  signalSkill?: string;
  /** `--set key=value`, in the order given. */
  set?: string[];
}

export function registerSimulate(program: Command): void {
  const command = program
    .command('simulate')
    .description('replay real bars through the coordinator and report what work stealing is worth')
    .option('--data <paths...>', 'bar files, folders and/or glob patterns (CSV, any supported layout)')
    .option(
      '--benchmark <set>',
      `a named set from the market data folder: ${Object.keys(BENCHMARK_SETS).join(', ')}`,
    )
    .option('--symbols <list>', 'only these symbols (comma separated, as printed)');
  addBarFileFlags(command)
    .option('--from <time>', 'start (ISO date or time, UTC)')
    .option('--to <time>', 'end (ISO date or time, UTC)')
    .option('--config <file>', 'config file (JSON or YAML); best.json from optimize works too')
    .option('--preset <name>', `preset (${PRESET_NAMES.join(', ')})`);
  addSetFlag(command)
    .option('--signals <file>', 'signals CSV instead of the built-in forecaster')
    .option('--calendar <file>', CALENDAR_HELP)
    .option('--no-stealing', 'disable stealing (same as stealingEnabled: false), for a comparison')
    .option(
      '--signal-skill <k>',
      'research only, reads the future: a share k (0 to 1) of signals enter where the price really went (sim.research.signalSkill)',
    )
    .addOption(jsonOption('the full result (config, data, summary, equity, trades, decisions)'))
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--db <file>', 'append the run to a SQLite store')
    .option('--quiet', 'print only the summary line')
    .addHelpText(
      'after',
      `\nExamples:\n  worksteal simulate --benchmark crypto\n  worksteal simulate --data ../shared/marketdata/binance-spot-yanniedog --from 2023-01-01\n  worksteal simulate --benchmark mixed --no-stealing --json out.json --report out.html\n  worksteal simulate --benchmark mixed --set victimRanking=distance\n  worksteal simulate --benchmark crypto --quiet --json - | jq .summary\n  worksteal simulate --benchmark crypto --signal-skill 0.5   # research: look-ahead signals`,
    )
    .action(async (opts: SimulateOptions) => {
      // Checked before the simulation, so a typo in a path does not cost the run.
      await checkOutputPath('--json', opts.json);
      await checkOutputPath('--report', opts.report);
      await checkStorePathEarly('--db', opts.db);
      const run = await simulateCommand(opts);
      try {
        await writeResults(run, opts);
      } finally {
        run.store?.close();
      }
      process.exitCode = EXIT.ok;
    });
}

/** Print the summary and write what was asked for: --json, --report, a run row in the --db store. */
async function writeResults(run: SimulateRun, opts: SimulateOptions): Promise<void> {
  const result = run.result;
  const out = humanStream(opts.json);
  printSummary(result, opts.quiet === true, out);
  // The JSON lists every row the loader dropped, repaired or warned about; the console shows the first.
  if (opts.json) await writeJsonOutput(opts.json, simulationJson(run));
  if (opts.report) await writeOutput('--report', opts.report, reportOf(run, opts.quiet === true));
  run.store?.save('simulate', result);
  for (const [flag, path] of [
    ['--json', opts.json],
    ['--report', opts.report],
    ['--db', opts.db],
  ] as const) {
    // A line about the run, not its result: stderr (docs/cli.md "Output"), so stdout holds only the summary.
    if (path && path !== '-' && !opts.quiet) process.stderr.write(`${flag}: wrote ${path}\n`);
  }
}

/**
 * The `--json` document: the result, with every row the loader dropped, repaired or warned about (the
 * console shows the first), and `range.days`, the range row's day count (rangeDays), so the text and the
 * JSON say the same number of days. `summary.days` counts the daily equity rows, both ends included.
 */
export function simulationJson(run: Pick<SimulateRun, 'result' | 'loaded'>): object {
  const result = run.result;
  return {
    ...result,
    range: { ...result.range, days: rangeDays(result.range) },
    data: dataWithProblems(result.data, run.loaded),
  };
}

/** `--signal-skill k` as a config layer; the schema checks the range and names the flag when it is out of it. */
export function signalSkillLayer(raw: string): { source: string; values: unknown } {
  const k = parseDecimal(raw);
  if (Number.isNaN(k)) {
    throw new CliError(
      `--signal-skill ${JSON.stringify(raw)}: must be a number from 0 (the forecaster's own signals) to 1 (every signal given a look-ahead entry), e.g. 0.25`,
    );
  }
  return { source: '--signal-skill', values: { sim: { research: { signalSkill: k } } } };
}

/** One simulation as the CLI ran it, with what a report needs: the bars, and the run with stealing reversed. */
export interface SimulateRun {
  result: SimulationResult;
  series: BarSeries[];
  /** The bars as loaded, with their quality reports. */
  loaded: readonly LoadResult[];
  /** The same data, range, signals and config with `stealingEnabled` reversed (run when called). */
  comparison(): SimulationResult;
  /** The calendar the run used (--calendar, or the built-in NYSE one when none was given). */
  calendar?: ExchangeCalendar;
  /** `--db`: the store, opened, checked and locked before the simulation; the caller closes it. */
  store?: RunStore;
}

/** The HTML report: this run beside the same run with stealing the other way (a second simulation). */
export function reportOf(run: SimulateRun, quiet: boolean): string {
  if (!quiet)
    process.stderr.write(
      `report: simulating the comparison run (stealing ${run.result.config.stealingEnabled ? 'off' : 'on'})\n`,
    );
  return renderReport({
    result: run.result,
    comparison: run.comparison(),
    series: run.series,
    ...(run.calendar ? { calendar: run.calendar } : {}),
  });
}

export async function simulateCommand(opts: SimulateOptions): Promise<SimulateRun> {
  let files: string[];
  let { from, to } = parseDateRange(opts.from, opts.to);
  if (opts.benchmark) {
    const bench = selectBenchmark(opts.benchmark, {
      dataGiven: (opts.data?.length ?? 0) > 0,
      orData: opts.dataFlag !== false,
    });
    if ('problem' in bench) throw new CliError(`--benchmark ${opts.benchmark}: ${bench.problem}`);
    const name = bench.name;
    files = bench.files;
    from ??= bench.from;
    to ??= bench.to;
    const set = (end: string): string => `the ${name} set's ${end}`;
    checkDateOrder(from, to, opts.from ? '--from' : set('start'), opts.to ? '--to' : set('end'));
  } else if (opts.data?.length) {
    files = await expandDataArgs(opts.data);
  } else {
    throw new CliError('nothing to simulate: pass --data <files or folders> or --benchmark crypto|mixed');
  }
  const resolved = await loadConfig({
    file: opts.config,
    preset: opts.preset,
    // --set over the environment, the command's own flags over --set (docs/cli.md).
    flags: [
      ...setFlagLayers(opts.set),
      ...(opts.stealing === false ? [{ source: '--no-stealing', values: { stealingEnabled: false } }] : []),
      ...(opts.signalSkill !== undefined ? [signalSkillLayer(opts.signalSkill)] : []),
    ],
    env: process.env,
  });
  const config = resolved.config;
  const { loaded, notes } = await loadBarFiles(files, config.symbols, opts);
  checkRangeMeetsData(
    from,
    to,
    loaded.map((l) => l.series),
  );
  const calendar = await loadCalendar(opts.calendar);
  const quality = runDataLines(
    loaded,
    calendar,
    config,
    { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
    { problemsInJson: true },
  );
  if (!opts.quiet) {
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    process.stderr.write(`${dataLine(loaded, config.symbols)}\n`);
    for (const line of quality.notes) process.stderr.write(`${line}\n`);
    for (const w of resolved.warnings) process.stderr.write(`config warning: ${w.message}\n`);
  }
  // Said even with --quiet: a run on repaired data, data that cannot trade, a likely split, a zone assumed
  // without evidence or a bar length the file's name contradicts misleads without it.
  for (const line of quality.warnings) process.stderr.write(`${line}\n`);
  const signals = opts.signals
    ? matchSignals(
        await loadSignalsCsv(opts.signals),
        loaded.map((l) => l.series.symbol),
        new Set(loaded.filter((l) => l.series.assetClass === 'crypto').map((l) => l.series.symbol)),
      )
    : undefined;
  if (!signals) {
    const series = loaded.map((l) => l.series);
    for (const w of forecasterWarmUpWarnings(series, config.sim.forecaster, quality.range.to))
      process.stderr.write(`${w}\n`);
  }
  for (const w of signals?.warnings ?? [])
    process.stderr.write(`signals warning: ${w}
`);
  // The store is opened (locked, checked, migrated) once the inputs are known good and before the
  // simulation, as `run` opens its state: a store it would refuse costs no simulation. SQLite is loaded
  // only when asked for.
  const store = opts.db ? (await import('../../store/runs.js')).openRunStore(opts.db) : undefined;
  try {
    const run = simulationRun({
      loaded,
      config,
      calendar,
      ...(signals ? { signals: signals.signals } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    return store ? { ...run, store } : run;
  } catch (error) {
    store?.close();
    throw error;
  }
}

/** Simulate with a progress bar; the comparison run (stealing reversed) is made only when asked for. */
export function simulationRun(input: Omit<Parameters<typeof runSimulation>[0], 'onProgress'>): SimulateRun {
  const run = (config: WorkstealConfig, label: string): SimulationResult => {
    const bar = progressBar(label);
    const { result } = runSimulation({
      ...input,
      config,
      onProgress: (done, total) => bar.update(done, total, 'steps'),
    });
    bar.stop();
    return result;
  };
  return {
    result: run(input.config, 'simulating'),
    series: input.loaded.map((l) => l.series),
    loaded: input.loaded,
    ...(input.calendar ? { calendar: input.calendar } : {}),
    comparison: () => run({ ...input.config, stealingEnabled: !input.config.stealingEnabled }, 'comparison'),
  };
}

/** Under a value ranking: how well the valued fill chances matched what the bars did (one row per class). */
function calibrationRows(result: SimulationResult): [string, string][] {
  return (result.calibration?.classes ?? []).map((c) => [
    `fill calibration (${c.assetClass})`,
    `${c.predictions} valued orders, largest decile error ${(c.maxAbsError * 100).toFixed(1)} pp, Brier ${c.brier.toFixed(3)}`,
  ]);
}

export function printSummary(
  result: SimulationResult,
  quiet: boolean,
  out: NodeJS.WritableStream = process.stdout,
): void {
  const s = result.summary;
  const research = result.research ? result.research.label : null;
  if (quiet) {
    out.write(
      `return ${pct(s.totalReturn, 2)} sharpe ${num(s.sharpe)} maxDD ${pct(s.maxDrawdown, 2)} trades ${s.trades} steals ${s.steals} blocks ${s.blocks}${research ? ` [${research}]` : ''}\n`,
    );
    return;
  }
  if (research) out.write(`${research.toUpperCase()}: not a strategy anyone could trade\n`);
  const blocks =
    Object.entries(s.blocksByReason)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  out.write(
    `${table(
      ['metric', 'value'],
      [
        ...(research ? [['signals', research]] : []),
        [
          'range',
          `${result.range.from?.slice(0, 10) ?? '—'} → ${result.range.to?.slice(0, 10) ?? '—'} (${rangeDays(result.range) ?? 0} days)`,
        ],
        ['stealing', result.config.stealingEnabled ? 'enabled' : 'disabled'],
        ['equity', `${money(s.initialEquity)} → ${money(s.finalEquity)}`],
        ['total return', pct(s.totalReturn, 2)],
        ['CAGR', pct(s.cagr, 2)],
        [`Sharpe (daily, √${s.annualisationDays})`, num(s.sharpe)],
        [`Sortino (daily, √${s.annualisationDays})`, num(s.sortino)],
        ['max drawdown', pct(s.maxDrawdown, 2)],
        ['trades / win rate', `${s.trades} / ${pct(s.winRate, 1)}`],
        ['turnover (× avg equity)', num(s.turnover, 1)],
        ['fees / interest', `${money(s.feesPaid)} / ${money(s.interestPaid)}`],
        ['places', s.places],
        ['steal attempts / steals', `${s.stealAttempts} / ${s.steals} (${pct(s.stealSuccessRate, 1)})`],
        ['blocks', `${s.blocks} (${blocks})`],
        ['fights / protected skips', `${s.fights} / ${s.protectedSkips}`],
        ['deleverage cancels / trims', `${s.deleverageCancels} / ${s.deleverageTrims}`],
        [
          'steal regret',
          `${s.regret.victimsThatWouldHaveFilled}/${s.regret.victimsEvaluated} victims would have filled; they would have made ${money(s.regret.victimWouldHaveMade)}, stealers made ${money(s.regret.stealersMade)}; net ${money(s.regret.netRegret)} ± ${money(s.regret.netRegretStandardError)} (standard error)`,
        ],
        ...classRegretRows(s.regret, money),
        ...calibrationRows(result),
      ],
      { width: tableWidth(out) },
    )}\n`,
  );
}
