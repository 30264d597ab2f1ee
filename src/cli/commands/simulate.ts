import type { Command } from 'commander';
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { loadCalendar } from '../../io/load-calendar.js';
import { loadConfig } from '../../io/load-config.js';
import {
  BENCHMARK_SETS,
  benchmarkFiles,
  marketDataDir,
  type BenchmarkSetName,
} from '../../sim/benchmark-sets.js';
import { expandDataArgs, loadMany } from '../../sim/data/index.js';
import { parseDateFlag } from '../dates.js';
import { addLayoutFlags, layoutOverride, type LayoutFlags } from '../layout-flags.js';
import { renderReport } from '../../sim/report/html.js';
import { runSimulation, type SimulationResult } from '../../sim/run.js';
import { loadSignalsCsv } from '../../sim/signals/csv-signals.js';
import { saveRun } from '../../store/runs.js';
import { CliError, EXIT } from '../errors.js';
import { money, num, pct, table } from '../format.js';
import { progressBar } from '../progress.js';

interface SimulateOptions extends LayoutFlags {
  data?: string[];
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
  repair?: boolean;
  cache?: boolean;
  calendar?: string;
  quiet?: boolean;
}

export function registerSimulate(program: Command): void {
  addLayoutFlags(program.command('simulate'))
    .description('replay real bars through the coordinator and report what work stealing is worth')
    .option('--data <paths...>', 'bar files and/or folders (CSV, any supported layout)')
    .option(
      '--benchmark <set>',
      `a named set from the market data folder: ${Object.keys(BENCHMARK_SETS).join(', ')}`,
    )
    .option('--symbols <list>', 'only these symbols (comma separated, as printed)')
    .option('--from <time>', 'start (ISO date or time, UTC)')
    .option('--to <time>', 'end (ISO date or time, UTC)')
    .option('--config <file>', 'config file (JSON or YAML); best.json from optimize works too')
    .option('--preset <name>', `preset (${PRESET_NAMES.join(', ')})`)
    .option('--signals <file>', 'signals CSV instead of the built-in forecaster')
    .option('--calendar <file>', 'exchange sessions JSON instead of the built-in NYSE calendar (2000–2035)')
    .option('--no-stealing', 'disable stealing (same as stealingEnabled: false), for a comparison')
    .option(
      '--json <file>',
      'write the full result (config, data, summary, equity, trades, decisions) as JSON',
    )
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--db <file>', 'append the run to a SQLite store')
    .option(
      '--repair',
      'drop bad rows and duplicates in the data (each reported) instead of refusing the file',
    )
    .option('--no-cache', 'do not read or write the binary bar cache')
    .option('--quiet', 'print only the summary line')
    .addHelpText(
      'after',
      `\nExamples:\n  worksteal simulate --benchmark crypto\n  worksteal simulate --data ../shared/marketdata/binance-spot-yanniedog --symbols SOLUSDT,LINKUSDT --from 2023-01-01\n  worksteal simulate --benchmark mixed --no-stealing --json out.json --report out.html`,
    )
    .action(async (opts: SimulateOptions) => {
      // Checked before the simulation, so a typo in a path does not cost the run.
      await checkOutputPath('--json', opts.json);
      await checkOutputPath('--report', opts.report);
      await checkOutputPath('--db', opts.db);
      const result = await simulateCommand(opts);
      printSummary(result, opts.quiet === true);
      if (opts.json) await writeOutput('--json', opts.json, JSON.stringify(result));
      if (opts.report) await writeOutput('--report', opts.report, renderReport(result));
      if (opts.db) saveRun(opts.db, 'simulate', result);
      for (const [flag, path] of [
        ['--json', opts.json],
        ['--report', opts.report],
        ['--db', opts.db],
      ] as const) {
        if (path && !opts.quiet) process.stdout.write(`${flag}: wrote ${path}\n`);
      }
      process.exitCode = EXIT.ok;
    });
}

/** An output path must name a file in a folder that exists and that we may write in. */
async function checkOutputPath(flag: string, path: string | undefined): Promise<void> {
  if (!path) return;
  const folder = dirname(resolve(path));
  const folderStat = await stat(folder).catch(() => null);
  if (!folderStat?.isDirectory()) {
    throw new CliError(
      `${flag} ${path}: the folder ${folder} does not exist; create the folder or choose another path`,
    );
  }
  if ((await stat(path).catch(() => null))?.isDirectory()) {
    throw new CliError(`${flag} ${path}: is a folder; choose another path that names a file in it`);
  }
  await access(folder, constants.W_OK).catch(() => {
    throw new CliError(`${flag} ${path}: the folder ${folder} is not writable; choose another path`);
  });
}

/** Write an output file; a failure names the flag, the path and the reason instead of a stack trace. */
async function writeOutput(flag: string, path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`${flag} ${path}: could not write the file (${code}); choose another path`);
  }
}

export async function simulateCommand(opts: SimulateOptions): Promise<SimulationResult> {
  let files: string[];
  let from = parseDateFlag(opts.from, '--from');
  let to = parseDateFlag(opts.to, '--to');
  if (opts.benchmark) {
    if (!(opts.benchmark in BENCHMARK_SETS)) {
      throw new CliError(
        `--benchmark ${opts.benchmark}: unknown set; choose one of ${Object.keys(BENCHMARK_SETS).join(', ')}`,
      );
    }
    const name = opts.benchmark as BenchmarkSetName;
    const set = benchmarkFiles(name);
    if (set.missing.length) {
      throw new CliError(
        `the ${name} set needs the market data folder ${marketDataDir()}, but ${set.missing.length} file(s) are missing (first: ${set.missing[0]}).\nSet WORKSTEAL_DATA to the folder that holds it, or pass files with --data.`,
      );
    }
    files = set.files;
    from ??= Date.parse(BENCHMARK_SETS[name].from);
    to ??= Date.parse(BENCHMARK_SETS[name].to);
  } else if (opts.data?.length) {
    files = await expandDataArgs(opts.data);
  } else {
    throw new CliError('nothing to simulate: pass --data <files or folders> or --benchmark crypto|mixed');
  }
  const resolved = await loadConfig({
    file: opts.config,
    preset: opts.preset,
    extra: opts.stealing === false ? [{ source: '--no-stealing', values: { stealingEnabled: false } }] : [],
    env: process.env,
  });
  const config = resolved.config;
  const loadBar = progressBar('loading');
  let loaded = await loadMany(files, {
    symbols: config.symbols,
    onBadData: opts.repair ? 'repair' : 'refuse',
    ...layoutOverride(opts),
    ...(opts.cache === false ? { cacheDir: null } : {}),
  });
  loadBar.stop();
  if (opts.symbols) {
    const wanted = opts.symbols
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const known = loaded.map((l) => l.series.symbol);
    const unknown = wanted.filter((w) => !known.includes(w));
    if (unknown.length)
      throw new CliError(
        `--symbols: ${unknown.join(', ')} not in the data; the data holds ${known.join(', ')}`,
      );
    loaded = loaded.filter((l) => wanted.includes(l.series.symbol));
  }
  const symbols = loaded.map((l) => l.series.symbol);
  const dupes = symbols.filter((s, i) => symbols.indexOf(s) !== i);
  if (dupes.length) {
    throw new CliError(
      `symbol ${dupes[0]} comes from more than one file; pass --symbols or map the files to distinct symbols in the config`,
    );
  }
  if (!opts.quiet) {
    process.stderr.write(
      `data: ${loaded.map((l) => `${l.series.symbol} (${l.series.assetClass}${config.symbols[l.series.symbol] ? '' : ', inferred'}, ${l.report.bars} bars${l.fromCache ? ', cached' : ''})`).join(', ')}\n`,
    );
    for (const w of resolved.warnings) process.stderr.write(`config warning: ${w.message}\n`);
  }
  const signals = opts.signals ? await loadSignalsCsv(opts.signals) : undefined;
  const bar = progressBar('simulating');
  const { result } = runSimulation({
    loaded,
    config,
    calendar: await loadCalendar(opts.calendar),
    ...(signals ? { signals } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    onProgress: (done, total) => bar.update(done, total, 'steps'),
  });
  bar.stop();
  return result;
}

export function printSummary(result: SimulationResult, quiet: boolean): void {
  const s = result.summary;
  if (quiet) {
    process.stdout.write(
      `return ${pct(s.totalReturn, 2)} sharpe ${num(s.sharpe)} maxDD ${pct(s.maxDrawdown, 2)} trades ${s.trades} steals ${s.steals} blocks ${s.blocks}\n`,
    );
    return;
  }
  const blocks =
    Object.entries(s.blocksByReason)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  process.stdout.write(
    `${table(
      ['metric', 'value'],
      [
        ['range', `${result.range.from?.slice(0, 10)} → ${result.range.to?.slice(0, 10)} (${s.days} days)`],
        ['stealing', result.config.stealingEnabled ? 'enabled' : 'disabled'],
        ['equity', `${money(s.initialEquity)} → ${money(s.finalEquity)}`],
        ['total return', pct(s.totalReturn, 2)],
        ['CAGR', pct(s.cagr, 2)],
        ['Sharpe (daily, √365)', num(s.sharpe)],
        ['Sortino (daily, √365)', num(s.sortino)],
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
          `${s.regret.victimsThatWouldHaveFilled}/${s.regret.victimsEvaluated} victims would have filled; they would have made ${money(s.regret.victimWouldHaveMade)}, stealers made ${money(s.regret.stealersMade)}`,
        ],
      ],
    )}\n`,
  );
}
