import { nyseCalendar } from '../../core/calendar/index.js';
import { dataLine, dataQualityLines } from '../data-summary.js';
import type { Command } from 'commander';
import { addBarFileFlags } from '../bar-flags.js';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { encodeJson } from '../../optimizer/json.js';
import { SCORE_DESCRIPTIONS } from '../../optimizer/objective/scores.js';
import {
  createEvaluator,
  optimize,
  prepareObjective,
  type OptimizeOutcome,
} from '../../optimizer/optimize.js';
import type { ObjectiveSpec } from '../../optimizer/objective/objective.js';
import type { BarSeries } from '../../marketdata/index.js';
import type { WorkstealConfig } from '../../core/config/schema.js';
import { printBest, startLine } from './optimize-print.js';
import { bestConfigFile, buildMeta, metaPathFor, noTradesWarning } from '../../optimizer/output.js';
import { testFoldEquity } from '../../optimizer/report/fold-equity.js';
import { candidatesLine } from '../../optimizer/counts.js';
import { renderOptimizeReport } from '../../optimizer/report/html.js';
import { OptimizerStore } from '../../optimizer/store.js';
import { studyLabel } from '../../optimizer/study.js';
import { BENCHMARK_SETS } from '../../marketdata/benchmark-sets.js';
import { parseDateRange } from '../dates.js';
import { CliError, EXIT } from '../errors.js';
import { wholeNumber } from '../whole-number.js';
import {
  checkOutputPath,
  checkStorePathEarly,
  deprecatedAlias,
  humanStream,
  jsonOption,
  takeDeprecated,
  writeJsonOutput,
  writeOutput,
} from '../output.js';
import { progressBar } from '../progress.js';
import { compareCommand } from './optimize-compare.js';
import { DEFAULT_HOLDOUT } from '../../compare/holdout.js';
import {
  DEFAULT_DB,
  asCliError,
  day,
  executorOf,
  interruptOnSignal,
  loadData,
  progressReporter,
  resolveOptimizeConfig,
  sayAlways,
  sensitivityReporter,
  stoppingLine,
  studyReads,
  type OptimizeOptions,
} from './optimize-shared.js';
import { invocation } from '../invocation.js';
import { addSetFlag } from '../flag-layers.js';

// Other commands and tests import these from here.
export { checkQueueUrl, progressLabel } from './optimize-shared.js';

export function registerOptimize(program: Command): void {
  const command = program
    .command('optimize')
    .description(
      'tune the coordinator with differential evolution, scored out of sample on walk-forward folds; resumable, parallel, distributable',
    )
    .option('--data <paths...>', 'bar files, folders and/or glob patterns')
    .option('--benchmark <set>', `a named set: ${Object.keys(BENCHMARK_SETS).join(', ')}`)
    .option('--symbols <list>', 'only these symbols (comma separated)');
  addBarFileFlags(command)
    .option('--from <time>', 'start of the folds (ISO date, UTC)')
    .option('--to <time>', 'end of the folds (ISO date, UTC)')
    .option('--config <file>', 'config file; its optimize section sets the search space, folds and score')
    .option('--preset <name>', `preset (${PRESET_NAMES.join(', ')})`);
  addSetFlag(command)
    .option('--generations <n>', 'generations to run, the initial population counting as one', '20')
    .option('--population <n>', 'DE population (default: the config, else 5 per parameter)')
    .option('--seed <n>', 'random seed: the same seed gives the same run', '1')
    .option('--threads <k>', 'evaluations at once (default: one per core; 0 = in this thread)')
    .option('--queue <redis-url>', 'put evaluations on a BullMQ queue for `worksteal worker` processes')
    .option('--queue-name <name>', 'queue name (default worksteal-optimize)')
    .option('--db <file>', 'SQLite store of evaluations and study state (rerun to resume)', DEFAULT_DB)
    .option('--out <file>', 'write the best configuration (a config file for simulate/run --config)')
    .option('--out-meta <file>', 'write scores, folds, data hashes and history (default: <out>.meta.json)')
    .option('--report <file>', 'write an HTML report')
    .option('--sensitivity <points>', 'points per parameter for the sensitivity table (0: skip)', '5')
    .option(
      '--compare',
      "test the seed system's claim: stealing off, protection 0.4% / 0.1% / 0.15% and the optimiser's best, on a holdout the optimiser never sees (one window; `worksteal compare` for rolling windows)",
    )
    .option(
      '--holdout <fraction>',
      'with --compare: last share of the range kept from the optimiser (default 0.25)',
    )
    .option('--markdown <file>', 'with --compare: write the table as Markdown, with the command')
    .addOption(jsonOption('the study (scores, folds, data hashes, history; with --compare: every number)'))
    .option('--quiet', 'print only the result line')
    .addHelpText(
      'after',
      `\nExamples:\n  worksteal optimize --benchmark crypto --generations 30 --seed 7 --out best.json --report opt.html\n  worksteal optimize --benchmark crypto --queue redis://10.0.0.5:6379   # then on each machine: worksteal worker --queue redis://10.0.0.5:6379\n  worksteal optimize --compare --benchmark mixed --generations 40 --population 30   # holdout only; rolling windows: worksteal compare --variant best.json\n\nCtrl-C stops after the running evaluations are stored; the same command continues where it stopped.`,
    )
    .action(async (opts: OptimizeOptions) => {
      takeDeprecated(opts, 'workers', 'threads', '--workers', '--threads');
      try {
        if (opts.compare) await compareCommand(opts);
        else await optimizeCommand(opts);
      } catch (error) {
        throw asCliError(error);
      }
    });
  deprecatedAlias(command, '--workers', '--threads', 'k');
}

async function optimizeCommand(opts: OptimizeOptions): Promise<void> {
  const generations = wholeNumber(opts.generations, '--generations', 1);
  const seed = wholeNumber(opts.seed, '--seed', 0);
  const points = wholeNumber(opts.sensitivity, '--sensitivity', 0);
  if (points === 1) throw new CliError('--sensitivity 1: give 0 (skip) or at least 2 points per parameter');
  const executor = executorOf(opts);
  const { from, to } = parseDateRange(opts.from, opts.to);
  const { config, preset, fileValues, warnings } = await resolveOptimizeConfig(opts);
  const onBadData = opts.repair ? 'repair' : 'refuse';
  // Without --compare nothing is held out: a --holdout taken silently would let the user believe it was.
  if (opts.markdown !== undefined)
    throw new CliError(
      `--markdown ${opts.markdown} belongs to --compare: it writes the holdout table, which only --compare makes (add --compare, or leave --markdown out)`,
    );
  if (opts.holdout !== undefined)
    throw new CliError(
      `--holdout ${opts.holdout} belongs to --compare: without it the optimiser searches the whole --from/--to range and nothing is held out (add --compare, or leave --holdout out)`,
    );
  if (opts.json !== undefined && opts.outMeta !== undefined)
    throw new CliError('--json and --out-meta write the same JSON; give one of them');
  // Every output is checked before the study runs: a path that cannot be written fails now, not after it.
  const metaPath = opts.json ? undefined : (opts.outMeta ?? (opts.out ? metaPathFor(opts.out) : undefined));
  await checkOutputPath('--json', opts.json);
  await checkOutputPath('--out', opts.out);
  await checkOutputPath(opts.outMeta ? '--out-meta' : '--out (its .meta.json)', metaPath);
  await checkOutputPath('--report', opts.report);
  await checkStorePathEarly('--db', opts.db);
  const data = await loadData(opts, config);
  const { spec, series, range } = prepareObjective({
    config,
    data,
    range: { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
    onBadData,
  });
  const say = (line: string): void => {
    if (!opts.quiet) process.stderr.write(`${line}\n`);
  };
  const f0 = spec.folds[0]!;
  say(dataLine(data.loaded, config.symbols));
  const quality = dataQualityLines(data.loaded, nyseCalendar(), {
    extendedHours: config.extendedHours,
    reads: studyReads(range, config),
  });
  for (const line of quality.notes) say(line);
  for (const line of warnings) say(line);
  // Said even with --quiet, as simulate does: a run whose data cannot trade, or holds a likely split, misleads.
  for (const line of quality.warnings) process.stderr.write(`${line}\n`);
  say(
    `folds: ${spec.folds.length} ${config.optimize.folds.scheme}, ${day(range.from)} → ${day(range.to)} (first: train ${day(f0.train.from)} → ${day(f0.train.to)}, test → ${day(f0.test.to)}); score: ${SCORE_DESCRIPTIONS[spec.score]}`,
  );
  say(
    `holdout: none; every date above chooses the best, so its out-of-sample score is the one it was chosen on (--compare holds the last ${DEFAULT_HOLDOUT * 100}% out)`,
  );
  const store = OptimizerStore.open(opts.db, undefined, invocation());
  // The study's bar, then the sensitivity phase's own (its budget is the probes).
  let bar = progressBar('optimizing');
  // Every exit closes the store and removes its lock (`<db>.lock`): done, an error (Redis unreachable, a
  // refused --generations), a stop signal, and a second signal, which quits at once.
  const stop = interruptOnSignal(
    (signal) => {
      bar.stop();
      process.stderr.write(stoppingLine(signal));
    },
    () => store.close(),
  );
  let interrupted: boolean;
  try {
    const evaluator = await createEvaluator(executor, spec, series, sayAlways);
    say(`evaluating on: ${evaluator.name}; store: ${opts.db}`);
    let outcome;
    try {
      outcome = await optimize({
        config,
        spec,
        evaluator,
        store,
        seed,
        generations,
        sensitivityPoints: points,
        signal: stop.signal,
        onProgress: progressReporter(bar),
        onStart: (st) => say(startLine(st)),
        onSensitivity: (n) => {
          bar.stop();
          say(
            `sensitivity: ${n} evaluation${n === 1 ? '' : 's'} around the best point (those already stored are read)`,
          );
          bar = progressBar('sensitivity');
        },
        onSensitivityProgress: sensitivityReporter(() => bar),
      });
    } finally {
      bar.stop();
      await evaluator.close();
    }
    interrupted = await writeResults(opts, {
      outcome,
      spec,
      series,
      range,
      config,
      preset,
      fileValues,
      store,
      metaPath,
      say,
    });
  } finally {
    bar.stop();
    stop.dispose();
    store.close();
  }
  if (interrupted) {
    process.stderr.write(
      `interrupted: every finished evaluation is stored in ${opts.db}. Run the same command again to continue where it stopped.\n`,
    );
    process.exitCode = EXIT.interrupted;
    return;
  }
  process.exitCode = EXIT.ok;
}

/** The study's results: the counts line, the best point, best.json, the metadata and the report. Returns whether it was interrupted. */
async function writeResults(
  opts: OptimizeOptions,
  r: {
    outcome: OptimizeOutcome;
    spec: ObjectiveSpec;
    series: BarSeries[];
    range: { from: number; to: number };
    config: WorkstealConfig;
    preset: string;
    fileValues: Record<string, unknown> | undefined;
    store: OptimizerStore;
    metaPath: string | undefined;
    say: (line: string) => void;
  },
): Promise<boolean> {
  const { outcome, spec, series, range, config, preset, fileValues, store, metaPath, say } = r;
  const s = outcome.study;
  say(`${studyLabel(s.studyId)}${s.resumed ? ' (resumed)' : ''}: ${candidatesLine(s)}`);
  const interrupted =
    s.status === 'interrupted' || (outcome.sensitivity !== null && !outcome.sensitivity.complete);
  // The best point's test windows: when none traded, its score (and every score it beat or tied) measures
  // nothing, the rule optimize --compare applies to its holdout.
  const noTrades = s.best
    ? noTradesWarning(
        s.best.evaluation.folds.map((f) => f.test.trades),
        {
          who: 'fold of the best point',
          where: `its test window (${spec.folds.length} fold${spec.folds.length === 1 ? '' : 's'}, ${day(range.from)} → ${day(range.to)})`,
          what: 'its scores',
          fix: 'It was chosen among scores that measure nothing; use data and dates in which the signals trade (a wider --from/--to, other --data).',
        },
      )
    : null;
  const meta = buildMeta({
    outcome,
    spec,
    range,
    foldScheme: config.optimize.folds.scheme,
    command: invocation(),
    warnings: noTrades ? [noTrades] : [],
  });
  // Said even with --quiet, as compare's holdout warning is: every number below measures nothing.
  if (noTrades) process.stderr.write(`${noTrades}\n`);
  if (s.best) printBest(meta, opts.quiet === true, humanStream(opts.json));
  // An unfinished study's best is not the answer yet: best.json is written when the study is done.
  if (s.best && opts.out && !interrupted) {
    await writeOutput(
      '--out',
      opts.out,
      `${JSON.stringify(bestConfigFile({ preset, ...(fileValues ? { fileValues } : {}), params: s.best.params, research: meta.research }), null, 2)}\n`,
    );
    say(`--out: wrote ${opts.out}`);
  }
  if (opts.json) await writeJsonOutput(opts.json, meta, encodeJson);
  if (metaPath) {
    await writeOutput(
      opts.outMeta ? '--out-meta' : '--out (its .meta.json)',
      metaPath,
      `${encodeJson(meta)}\n`,
    );
    say(`meta: wrote ${metaPath}`);
  }
  if (opts.report) {
    const trials = store.trials(s.studyId).map((t) => t.hash);
    const evaluations = [...store.evaluations(trials).values()];
    say('--report: simulating the best parameters and the base configuration on the test folds');
    const folds = s.best ? testFoldEquity(spec, series, s.best.params) : [];
    await writeOutput('--report', opts.report, renderOptimizeReport(meta, evaluations, folds));
    say(`--report: wrote ${opts.report}`);
  }
  return interrupted;
}
