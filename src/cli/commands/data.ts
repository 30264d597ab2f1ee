import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../../io/load-config.js';
import { expandDataArgs } from '../../marketdata/index.js';
import {
  DataStore,
  DownloadError,
  MANIFEST_FILE,
  StoreError,
  download,
  importFiles,
  openAlpacaSource,
  openCcxtSource,
  type BarSource,
  type ImportResult,
  type SymbolResult,
} from '../../data/index.js';
import { parseDateRange } from '../dates.js';
import { listFlag } from '../lists.js';
import { addSetFlag, setFlagLayers } from '../flag-layers.js';
import { dataDir } from '../data-dir.js';
import { it, itSets, refuseInapplicable } from '../flags-apply.js';
import { CliError, EXIT } from '../errors.js';
import { REPAIR_HELP, addLayoutFlags, layoutOverride, type LayoutFlags } from '../bar-flags.js';
import {
  checkOutputPath,
  deprecatedAlias,
  humanStream,
  jsonOption,
  takeDeprecated,
  writeJsonOutput,
} from '../output.js';
import { importLines } from '../data-summary.js';
import { readLines } from '../../marketdata/read-notes.js';
import { reportedProblems } from '../../marketdata/quality.js';
import { progressBar, type Progress } from '../progress.js';
import { listData } from './data-list.js';

interface DownloadOptions {
  source: string;
  symbols: string;
  timeframe: string;
  from?: string;
  to?: string;
  dir?: string;
  feed?: string;
  adjustment?: string;
}

interface ImportOptions extends LayoutFlags {
  dir?: string;
  folder?: string;
  /** Deprecated name of --folder. */
  source?: string;
  symbol?: string;
  assetClass?: string;
  repair?: boolean;
  replace?: boolean;
  config?: string;
  /** `--set key=value`, in the order given. */
  set?: string[];
  cache?: boolean;
  json?: string;
}

export function registerData(program: Command): void {
  const data = program
    .command('data')
    .description('get market data: download (ccxt, Alpaca), import files, list the local data folder')
    .addHelpText(
      'after',
      '\nExamples:\n  worksteal data download --source ccxt:binance --symbols BTC/USDT --timeframe 1h --from 2023-01-01\n  worksteal data import ~/Downloads/AAPL_1h.csv --folder broker\n  worksteal data list',
    );

  data
    .command('download')
    .description('download bars into the data folder; a second call fetches only what is missing')
    .requiredOption(
      '--source <source>',
      'ccxt:<exchange> (crypto, public data, e.g. ccxt:binance) or alpaca (US stocks, keys from the environment)',
    )
    .requiredOption('--symbols <list>', 'comma separated, e.g. BTC/USDT,ETH/USDT or AAPL,SPY')
    .option('--timeframe <tf>', 'bar size: 1m, 5m, 15m, 1h, 4h, 1d …', '1h')
    .option('--from <date>', 'first bar (UTC date or time); needed the first time a symbol is downloaded')
    .option('--to <date>', 'end, exclusive (UTC); default: now (the bar still forming is never stored)')
    .option('--dir <dir>', 'data folder (default: WORKSTEAL_DATA_DIR, else ./data)')
    .option('--feed <feed>', 'alpaca only: iex (free plans) or sip')
    .option('--adjustment <kind>', 'alpaca only: raw, split, dividend or all', 'split')
    .addHelpText(
      'after',
      `\nExamples:\n  worksteal data download --source ccxt:binance --symbols BTC/USDT,ETH/USDT --timeframe 1h --from 2022-01-01\n  ALPACA_API_KEY_ID=… ALPACA_API_SECRET_KEY=… worksteal data download --source alpaca --symbols AAPL,SPY --from 2023-01-01 --feed iex\n\nInterrupted or failed downloads keep what they received; run the same command again to resume.`,
    )
    .action(async (opts: DownloadOptions, cmd: Command) => {
      // Alpaca's own flags with another source would be ignored: refused (flags-apply.ts).
      refuseInapplicable(
        opts.source === 'alpaca',
        [
          ['--feed', opts.feed !== undefined],
          ['--adjustment', cmd.getOptionValueSource('adjustment') === 'cli'],
        ],
        (one) =>
          `only with --source alpaca (${itSets(one)} Alpaca's data feed and price adjustment), and --source is ${opts.source}`,
        (one) => `drop ${it(one)} or use --source alpaca`,
      );
      const range = parseDateRange(opts.from, opts.to);
      const dir = await dataDir(opts.dir);
      const results = await guard(dir, () =>
        runDownload({
          source: opts.source,
          symbols: listFlag(opts.symbols, '--symbols')!,
          timeframe: opts.timeframe,
          from: range.from,
          to: range.to,
          dir,
          ...(opts.feed ? { feed: opts.feed } : {}),
          ...(opts.adjustment ? { adjustment: opts.adjustment } : {}),
        }),
      );
      for (const r of results) process.stdout.write(`${describeResult(r, dir)}\n`);
      process.exitCode = EXIT.ok;
    });

  const importCommand = addLayoutFlags(data.command('import'))
    .description('copy bar files (any layout the loader reads) into the data folder as canonical files')
    .argument('<files...>', 'bar files and/or folders of CSV files')
    .option('--dir <dir>', 'data folder (default: WORKSTEAL_DATA_DIR, else ./data)')
    .option('--folder <name>', 'sub-folder of the data folder for these files (default: import)')
    .option('--symbol <symbol>', 'symbol of a single file, when its name or symbol column does not say it')
    .option('--asset-class <class>', 'crypto or stock, when inference from the symbol is wrong')
    .option(
      '--config <file>',
      "config file (else WORKSTEAL_CONFIG) whose 'symbols' map gives asset classes; the only part data import reads",
    )
    .option('--repair', REPAIR_HELP)
    .option(
      '--replace',
      'replace a stored file even where the new one lacks some of its bars (refused without it: those bars would be deleted)',
    )
    .option('--no-cache', 'do not read or write the binary bar cache')
    .addOption(
      jsonOption(
        '{dir, imported: [{file, key, path, replaced, changes, classFrom, classChange, warnings, entry, problems}]}',
      ),
    )
    .addHelpText(
      'after',
      `\nStock gaps are counted against the exchange calendar: nights, weekends and holidays are not gaps.\n\nExamples:\n  worksteal data import ../shared/marketdata/ibkr-tsla-economiaunmsm/TSLA_1h.csv\n  worksteal data import ~/Downloads/prices.csv --symbol AAPL --asset-class stock --folder broker --timezone America/New_York`,
    );
  addSetFlag(
    importCommand,
    'a config value (repeatable); data import reads only the symbols map, e.g. --set symbols.SOLUSDT.assetClass=crypto',
  );
  deprecatedAlias(importCommand, '--source', '--folder', 'name');
  importCommand.action(async (files: string[], opts: ImportOptions) => {
    takeDeprecated(opts, 'source', 'folder', '--source', '--folder');
    const dir = await dataDir(opts.dir);
    if (opts.assetClass !== undefined && opts.assetClass !== 'crypto' && opts.assetClass !== 'stock') {
      throw new CliError(`--asset-class ${opts.assetClass}: use crypto or stock`);
    }
    await checkOutputPath('--json', opts.json);
    // The configuration as every command reads it (--config else WORKSTEAL_CONFIG, the environment, --set);
    // of it, data import uses the symbols map.
    const { symbols } = (
      await loadConfig({ file: opts.config, env: process.env, flags: setFlagLayers(opts.set) })
    ).config;
    const results = await guard(dir, () =>
      expandDataArgs(files).then((paths) =>
        importFiles({
          store: new DataStore(dir),
          files: paths,
          source: opts.folder ?? 'import',
          ...(opts.symbol ? { symbol: opts.symbol } : {}),
          ...(opts.assetClass ? { assetClass: opts.assetClass as 'crypto' | 'stock' } : {}),
          ...(opts.repair ? { repair: true } : {}),
          ...(opts.replace ? { replace: true } : {}),
          ...(Object.keys(symbols).length > 0 ? { symbols } : {}),
          ...(opts.cache === false ? { cacheDir: null } : {}),
          ...layoutOverride(opts),
        }),
      ),
    );
    const out = humanStream(opts.json);
    for (const r of results) {
      // How the file was read (its zone above all: a stock's naive times are stored as read here) and what
      // contradicts its class, as every command that loads bars says it.
      const read = readLines([r.load]);
      const lines = [
        ...importLines(r, shortPath(r.path, dir), opts.json),
        ...read.notes.map((n) => `  ${n}`),
      ];
      out.write(`${lines.join('\n')}\n`);
      for (const w of read.warnings) process.stderr.write(`${w}\n`);
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    }
    if (opts.json) await writeJsonOutput(opts.json, { dir, imported: results.map(importJson) });
    process.exitCode = EXIT.ok;
  });

  data
    .command('list')
    .description('show what the data folder holds')
    .option('--dir <dir>', 'data folder (default: WORKSTEAL_DATA_DIR, else ./data)')
    .addOption(
      jsonOption(
        '{dir, files, missing, untracked, broken, misfiled}',
        'An entry of a file changed outside worksteal after it wrote it has editedAfterWrite {writtenAt, writtenSha256, noticedAt}',
      ),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  worksteal data list\n  worksteal data list --dir ~/market --json - | jq ".files[].symbol"',
    )
    .action(listData);
}

export interface RunDownloadOptions {
  source: string;
  symbols: string[];
  timeframe: string;
  from: number | undefined;
  to: number | undefined;
  dir: string;
  feed?: string;
  adjustment?: string;
  /** Told once the source answered (its market list loaded): the network works. */
  onConnected?: () => void;
}

function openSource(spec: string, opts: RunDownloadOptions): Promise<BarSource> {
  const m = /^ccxt:([a-z0-9_]+)$/i.exec(spec);
  if (m) {
    return openCcxtSource({
      exchangeId: m[1] as string,
      ...(process.env.WORKSTEAL_TEST_CCXT_URL ? { apiOrigin: process.env.WORKSTEAL_TEST_CCXT_URL } : {}),
    });
  }
  if (spec === 'alpaca') {
    return Promise.resolve(
      openAlpacaSource({
        env: process.env,
        ...(opts.feed ? { feed: opts.feed } : {}),
        ...(opts.adjustment ? { adjustment: opts.adjustment } : {}),
      }),
    );
  }
  throw new CliError(`--source ${spec}: use ccxt:<exchange> (e.g. ccxt:binance) or alpaca`);
}

/**
 * Runs a download with a progress bar per symbol (on a terminal), notices on stderr, and Ctrl-C turned into
 * a clean stop that keeps what was received. Failures come out as DownloadError / StoreError (see guard).
 */
export async function runDownload(opts: RunDownloadOptions): Promise<SymbolResult[]> {
  if (opts.symbols.length === 0) throw new CliError('--symbols: give at least one symbol');
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nstopping after the current request (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let source: BarSource | null = null;
  let bar: Progress | null = null;
  try {
    source = await openSource(opts.source, opts);
    return await download({
      source,
      store: new DataStore(opts.dir),
      symbols: opts.symbols,
      timeframe: opts.timeframe,
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.to !== undefined ? { to: opts.to } : {}),
      signal: controller.signal,
      events: {
        ready() {
          opts.onConnected?.();
        },
        symbolStart(symbol) {
          bar = progressBar(`${symbol} ${opts.timeframe}`);
        },
        progress(_symbol, done, total) {
          bar?.update(Math.round(done / 86_400_000), Math.max(1, Math.round(total / 86_400_000)), 'days');
        },
        symbolDone() {
          bar?.stop();
          bar = null;
        },
        notice(message) {
          process.stderr.write(`note: ${message}\n`);
        },
      },
    });
  } finally {
    (bar as Progress | null)?.stop();
    process.removeListener('SIGINT', onSigint);
    await (source as BarSource | null)?.close();
  }
}

/** DownloadError / StoreError → CliError with their exit codes, and the reassurance that files are intact. */
export async function guard<T>(dir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DownloadError) {
      const kept =
        (err.kind === 'network' || err.kind === 'exchange') && existsSync(join(dir, MANIFEST_FILE))
          ? ` Files already in ${dir} are intact; the same command resumes where this one stopped.`
          : '';
      throw new CliError(`${err.message}${kept}`, err.exitCode);
    }
    if (err instanceof StoreError) throw new CliError(err.message, err.exitCode);
    throw err;
  }
}

export function describeResult(r: SymbolResult, dir: string): string {
  const e = r.entry;
  if (e === null) return `${r.symbol}: no bars stored`;
  const what = r.added > 0 ? `+${r.added.toLocaleString('en-US')} bars` : 'up to date';
  return `${r.symbol} ${e.timeframe}: ${what} → ${shortPath(r.path, dir)} (${e.rows.toLocaleString('en-US')} bars, ${e.first} → ${e.last}, ${e.gaps} gap${e.gaps === 1 ? '' : 's'}${r.problems.length ? `, ${r.problems.length} bad bars` : ''})`;
}

/** One imported file in --json: the manifest entry plus what the console shows only in part (every problem row). */
function importJson(r: ImportResult): object {
  const { file, key, path, replaced, changes, classFrom, classChange, warnings, entry } = r;
  return {
    file,
    key,
    path,
    replaced,
    changes,
    classFrom,
    classChange,
    ...(r.damaged !== undefined ? { damaged: r.damaged } : {}),
    warnings,
    entry,
    problems: reportedProblems(r.load.report),
  };
}

function shortPath(path: string, dir: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel || dir;
}
