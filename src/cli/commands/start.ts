import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nyseCalendar } from '../../core/calendar/index.js';
import { dataLine, dataQualityLines } from '../data-summary.js';
import { loadConfig } from '../../io/load-config.js';
import { BENCHMARK_SETS, benchmarkFiles } from '../../marketdata/benchmark-sets.js';
import type { LoadResult } from '../../marketdata/index.js';

import {
  DEFAULT_SET,
  DEFAULT_SYNTHETIC_SEED,
  DataStore,
  DownloadError,
  StoreError,
  defaultSetFrom,
  findDemoData,
  loadEntries,
  selectEntries,
  syntheticSet,
} from '../../data/index.js';
import { CliError, EXIT } from '../errors.js';
import { dataDir } from '../data-dir.js';
import { REPAIR_HELP } from '../bar-flags.js';
import { it, refuseInapplicable } from '../flags-apply.js';
import { wholeNumber } from '../whole-number.js';
import { checkOutputPath, humanStream, jsonOption, writeJsonOutput, writeOutput } from '../output.js';
import { describeResult, runDownload } from './data.js';
import { shellWord } from '../../io/shell-word.js';
import { addSetFlag, setFlagLayers } from '../flag-layers.js';
import {
  printSummary,
  reportOf,
  simulateCommand,
  simulationJson,
  simulationRun,
  type SimulateRun,
} from './simulate.js';

interface StartOptions {
  synthetic?: boolean;
  seed?: string;
  dir?: string;
  json?: string;
  report?: string;
  quiet?: boolean;
  cache?: boolean;
  repair?: boolean;
  /** `--set key=value`, in the order given. */
  set?: string[];
}

const SUGGESTION =
  "run `npm start -- --synthetic` for a labelled synthetic demo, or see README 'Getting data'.";
/** The one line of a first run that has neither data nor a network, naming the folder it looked in. */
export const noNetworkLine = (dir: string): string =>
  `No market data in ${dir} and no network to download it: ${SUGGESTION}`;
const SYNTHETIC_BANNER = (seed: number): string =>
  `SYNTHETIC DATA (seed ${seed}): generated prices, not a market; these numbers say nothing about real trading.`;

export function registerStart(program: Command): void {
  const command = program
    .command('start')
    .description(
      'the demo behind `npm start`: simulate on the data there is (WORKSTEAL_DATA, ../shared/marketdata, ./data), downloading a small default set the first time',
    )
    .option(
      '--synthetic',
      'run on a seeded synthetic market instead (no data, no network; labelled synthetic)',
    )
    .option('--seed <n>', 'with --synthetic: seed of the synthetic market', String(DEFAULT_SYNTHETIC_SEED))
    .option(
      '--dir <dir>',
      'local data folder (default: WORKSTEAL_DATA_DIR, else ./data); given, start reads it alone, not WORKSTEAL_DATA or ../shared/marketdata',
    )
    .addOption(jsonOption('the full result'))
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--quiet', 'print only the summary line')
    .option('--no-cache', 'do not read or write the binary bar cache')
    .option('--repair', REPAIR_HELP);
  addSetFlag(command)
    .addHelpText(
      'after',
      '\nExamples:\n  npm start                                  # the same as: worksteal start\n  worksteal start --synthetic --seed 3 --quiet\n  worksteal start --json result.json --report report.html',
    )
    .action(async (opts: StartOptions, cmd: Command) => {
      checkStartFlags(opts, cmd.getOptionValueSource('seed') === 'cli');
      await checkOutputPath('--json', opts.json);
      await checkOutputPath('--report', opts.report);
      // A --set the config refuses is said before any data is looked for or downloaded.
      await loadConfig({ flags: setFlagLayers(opts.set), env: process.env });
      const out = humanStream(opts.json);
      const ran = opts.synthetic ? { run: await synthetic(opts), data: null } : await demo(opts);
      if (ran === null) return;
      const run = ran.run;
      const result = run.result;
      const seed = Number(opts.seed);
      if (result.synthetic) out.write(`${SYNTHETIC_BANNER(seed)}\n`);
      printSummary(result, opts.quiet === true, out);
      if (result.synthetic && !opts.quiet) out.write(`${SYNTHETIC_BANNER(seed)}\n`);
      if (opts.json) await writeJsonOutput(opts.json, simulationJson(run));
      if (opts.report) await writeOutput('--report', opts.report, reportOf(run, opts.quiet === true));
      for (const [flag, path] of [
        ['--json', opts.json],
        ['--report', opts.report],
      ] as const) {
        // A line about the run, not its result: stderr (docs/cli.md "Output"), so stdout holds only the summary.
        if (path && path !== '-' && !opts.quiet) process.stderr.write(`${flag}: wrote ${path}\n`);
      }
      // The comparison suggested is of the configuration just simulated: the --set values go with it.
      const data = ran.data && [ran.data, ...(opts.set ?? []).map((s) => `--set ${shellWord(s)}`)].join(' ');
      if (!opts.quiet) for (const line of nextSteps(data)) process.stderr.write(`${line}\n`);
      process.exitCode = EXIT.ok;
    });
}

/**
 * --seed sets the synthetic market, and --dir, --repair and --no-cache choose and read market data, which
 * --synthetic does not: each is refused where it would do nothing (flags-apply.ts). A seed is a whole number
 * >= 0, as compare's and optimize's are.
 */
function checkStartFlags(opts: StartOptions, seedTyped: boolean): void {
  refuseInapplicable(
    opts.synthetic === true,
    [['--seed', seedTyped]],
    () => "only with --synthetic (it sets the synthetic market's seed), and --synthetic is not given",
    () => 'drop it or add --synthetic',
  );
  refuseInapplicable(
    opts.synthetic !== true,
    [
      ['--dir', opts.dir !== undefined],
      ['--repair', opts.repair === true],
      ['--no-cache', opts.cache === false],
    ],
    (one) =>
      `not with --synthetic (${one ? 'it applies' : 'they apply'} to market data read from files, and --synthetic generates its bars in memory)`,
    (one) => `drop ${it(one)} or leave out --synthetic`,
  );
  if (opts.synthetic) wholeNumber(opts.seed ?? String(DEFAULT_SYNTHETIC_SEED), '--seed', 0);
}

/** The example scenario of `explain`, in a checkout (a packed install has no examples/). */
const EXAMPLE_SCENARIO = fileURLToPath(new URL('../../../examples/scenario-steal.json', import.meta.url));

/** Six-month windows, compare's default: at least two of them, or a comparison says little. */
const COMPARE_MIN_MS = 365 * 86_400_000;

/**
 * Where a first run goes next, on stderr: the evidence on the same data (`data`: the flag that names it to
 * compare; null when none can) and why one order was stolen (when the example scenario is there).
 */
export function nextSteps(data: string | null, scenario = EXAMPLE_SCENARIO): string[] {
  const lines: string[] = [];
  if (data !== null)
    lines.push(
      `next: npx worksteal compare ${data} --report compare.html   # stealing on against off, window by window`,
    );
  if (existsSync(scenario)) {
    const path = relative(process.cwd(), scenario) || scenario;
    lines.push(
      `next: npx worksteal explain --scenario ${path}   # why one order was stolen, candidate by candidate`,
    );
  }
  return lines;
}

async function simulateLoaded(
  loaded: LoadResult[],
  quiet: boolean,
  set: readonly string[] | undefined,
): Promise<SimulateRun> {
  const resolved = await loadConfig({ flags: setFlagLayers(set), env: process.env });
  const calendar = nyseCalendar();
  const quality = dataQualityLines(loaded, calendar, { extendedHours: resolved.config.extendedHours });
  if (!quiet) {
    process.stderr.write(`${dataLine(loaded, resolved.config.symbols)}\n`);
    for (const line of quality.notes) process.stderr.write(`${line}\n`);
  }
  for (const line of quality.warnings) process.stderr.write(`${line}\n`);
  return simulationRun({ loaded, config: resolved.config, calendar });
}

async function synthetic(opts: StartOptions): Promise<SimulateRun> {
  const seed = Number(opts.seed ?? DEFAULT_SYNTHETIC_SEED);
  if (!opts.quiet) process.stderr.write(`demo data: SYNTHETIC market (seed ${seed}), generated in memory\n`);
  const run = await simulateLoaded(
    syntheticSet({ seed, calendar: nyseCalendar() }),
    opts.quiet === true,
    opts.set,
  );
  run.result.synthetic = true;
  return run;
}

/**
 * The demo's data in README "Getting data" order, with the flags that name the same data to `compare` (null
 * under a year of bars: too short for its windows); null when the demo cannot run (the reason is printed).
 */
async function demo(opts: StartOptions): Promise<{ run: SimulateRun; data: string | null } | null> {
  const quiet = opts.quiet === true;
  const cache = opts.cache !== false;
  const dir = await dataDir(opts.dir);
  const plan = await findDemoData(process.env, dir, { dirGiven: opts.dir !== undefined }).catch(
    (err: unknown) => {
      if (err instanceof StoreError) throw new CliError(err.message, err.exitCode);
      throw err;
    },
  );
  const set = BENCHMARK_SETS.crypto;
  if (plan.kind === 'benchmark') {
    if (plan.why === 'WORKSTEAL_DATA') await checkWorkstealData(plan.dir, dir);
    if (!quiet)
      process.stderr.write(
        `demo data: ${plan.dir} (${plan.why === 'WORKSTEAL_DATA' ? 'WORKSTEAL_DATA, ' : ''}crypto benchmark set: ${set.description})\n`,
      );
    const repair = opts.repair === true;
    const run = await (plan.why === 'WORKSTEAL_DATA'
      ? simulateCommand({ benchmark: 'crypto', dataFlag: false, quiet, cache, repair, set: opts.set })
      : simulateCommand({
          data: plan.files,
          from: set.from,
          to: set.to,
          quiet,
          cache,
          repair,
          set: opts.set,
        }));
    return { run, data: '--benchmark crypto' };
  }
  if (plan.kind === 'download') {
    const ok = await downloadDefaultSet(dir, quiet);
    if (!ok) return null;
  }
  const store = new DataStore(dir);
  const manifest = await store.read();
  const { entries, timeframe, shadowed } = selectEntries(manifest);
  if (!quiet) {
    process.stderr.write(
      `demo data: ${dir} (${entries.length} series at ${timeframe}; \`worksteal data list\` shows them)\n`,
    );
    for (const e of shadowed)
      process.stderr.write(`note: ${e.file} not used: ${e.symbol} also comes from another file\n`);
  }
  const loaded = await loadEntries(store, entries, cache ? {} : { cacheDir: null });
  const run = await simulateLoaded(loaded, quiet, opts.set);
  const { from, to } = run.result.range;
  const long = from !== null && to !== null && Date.parse(to) - Date.parse(from) >= COMPARE_MIN_MS;
  const folder = relative(process.cwd(), dir) || '.';
  if (!long) return { run, data: null };
  // The folder holds more than the demo ran (a market twice, which --data refuses, or another bar length):
  // name the demo's symbols, so that compare reads what the demo did.
  const narrowed = entries.length < Object.keys(manifest.files).length;
  const symbols = narrowed ? ` --symbols ${shellWord(entries.map((e) => e.symbol).join(','))}` : '';
  return { run, data: `--data ${shellWord(folder)}${symbols}` };
}

/**
 * WORKSTEAL_DATA names the folder of the crypto benchmark set; when it is missing, a file or lacks the set,
 * say so in those words (the user set a variable, not --benchmark) and give the ways on.
 */
async function checkWorkstealData(dir: string, localDir: string): Promise<void> {
  const { files, missing } = benchmarkFiles('crypto', dir);
  if (missing.length === 0) return;
  let what: string;
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) what = 'is a file, not a folder';
    else if (missing.length === files.length) what = "is a folder without the crypto set's files";
    else
      what = `is a folder without ${missing.length} of the crypto set's ${files.length} files (first: ${relative(dir, missing[0]!)})`;
  } catch {
    what = 'does not exist';
  }
  const names = BENCHMARK_SETS.crypto.files;
  throw new CliError(
    `WORKSTEAL_DATA points at ${dir}, which ${what}. start reads the crypto benchmark set from that folder (${names[0]} and ${names.length - 1} more, as in ../shared/marketdata). Choose one: set WORKSTEAL_DATA to the folder that holds it; unset WORKSTEAL_DATA (start then uses ../shared/marketdata beside the project, else the local data folder ${localDir}, downloading ${DEFAULT_SET.symbols.join(', ')} hourly from ${DEFAULT_SET.exchange} into it the first time); or run \`worksteal start --synthetic\` for a labelled synthetic demo.`,
  );
}

/** Downloads DEFAULT_SET; false (after printing exactly one line) when that is impossible. */
async function downloadDefaultSet(dir: string, quiet: boolean): Promise<boolean> {
  try {
    const results = await runDownload({
      source: DEFAULT_SET.source,
      symbols: [...DEFAULT_SET.symbols],
      timeframe: DEFAULT_SET.timeframe,
      from: defaultSetFrom(Date.now()),
      to: undefined,
      dir,
      onConnected: () =>
        process.stderr.write(
          `No market data found: downloading ${DEFAULT_SET.symbols.join(', ')} hourly, last ${DEFAULT_SET.years} years, from ${DEFAULT_SET.exchange} (public data, no key) into ${dir}\n`,
        ),
    });
    if (!quiet) for (const r of results) process.stderr.write(`${describeResult(r, dir)}\n`);
    return true;
  } catch (err) {
    if (err instanceof DownloadError && err.kind === 'network') {
      process.stderr.write(`${noNetworkLine(dir)}\n`);
    } else if (err instanceof DownloadError && err.kind !== 'interrupted') {
      process.stderr.write(
        `Could not download the default market data (${err.message.replace(/\s+/g, ' ')}): ${SUGGESTION}\n`,
      );
    } else if (err instanceof DownloadError || err instanceof StoreError) {
      throw new CliError(err.message, err.exitCode);
    } else throw err;
    process.exitCode = EXIT.failed;
    return false;
  }
}
