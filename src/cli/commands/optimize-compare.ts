/** `optimize --compare`: the seed system's claim on a holdout the optimiser never sees (src/compare/holdout.ts). */
import { nyseCalendar } from '../../core/calendar/index.js';
import { dataLine, dataQualityLines } from '../data-summary.js';
import { DEFAULT_HOLDOUT, compare, compareMarkdown, compareResultLine } from '../../compare/holdout.js';
import { holdoutJson } from '../../compare/json.js';
import { boundary } from '../../compare/windows.js';
import { parseDateRange } from '../dates.js';
import { encodeJson } from '../../optimizer/json.js';
import { createEvaluator, studyRange } from '../../optimizer/optimize.js';
import { noTradesWarning } from '../../optimizer/output.js';
import { OptimizerStore } from '../../optimizer/store.js';
import { CliError, EXIT } from '../errors.js';
import { wholeNumber } from '../whole-number.js';
import {
  checkOutputPath,
  checkStorePathEarly,
  humanStream,
  writeJsonOutput,
  writeOutput,
} from '../output.js';
import { progressBar } from '../progress.js';
import {
  executorOf,
  interruptOnSignal,
  loadData,
  progressReporter,
  resolveOptimizeConfig,
  sayAlways,
  stoppingLine,
  studyReads,
  type OptimizeOptions,
} from './optimize-shared.js';
import { invocation } from '../invocation.js';

export async function compareCommand(opts: OptimizeOptions): Promise<void> {
  const generations = wholeNumber(opts.generations, '--generations', 1);
  const seed = wholeNumber(opts.seed, '--seed', 0);
  const holdout = Number(opts.holdout ?? DEFAULT_HOLDOUT);
  if (!(holdout > 0 && holdout < 1))
    throw new CliError(`--holdout ${opts.holdout}: must be a fraction in (0, 1), e.g. 0.25`);
  // --from/--to bound the range that is split: the selection first, the last --holdout share after it.
  const range = parseDateRange(opts.from, opts.to);
  const executor = executorOf(opts);
  for (const [flag, value] of [
    ['--out', opts.out],
    ['--out-meta', opts.outMeta],
    ['--report', opts.report],
  ] as const) {
    if (value !== undefined)
      throw new CliError(`${flag} does not apply with --compare (it writes --markdown/--json)`);
  }
  const { config, warnings } = await resolveOptimizeConfig(opts);
  await checkOutputPath('--markdown', opts.markdown);
  await checkOutputPath('--json', opts.json);
  await checkStorePathEarly('--db', opts.db);
  const data = await loadData(opts, config);
  const say = (line: string): void => {
    if (!opts.quiet) process.stderr.write(`${line}\n`);
  };
  say(dataLine(data.loaded, config.symbols));
  const series = data.loaded.map((l) => l.series);
  // The range compare() splits into selection and holdout: the bars read are those of both.
  const whole = studyRange(series, { ...data.defaultRange, ...range });
  const quality = dataQualityLines(data.loaded, nyseCalendar(), {
    extendedHours: config.extendedHours,
    reads: studyReads(whole, config),
  });
  for (const line of quality.notes) say(line);
  for (const line of warnings) say(line);
  // Said even with --quiet, as simulate does: a run whose data cannot trade, or holds a likely split, misleads.
  for (const line of quality.warnings) process.stderr.write(`${line}\n`);
  const store = OptimizerStore.open(opts.db, undefined, invocation());
  const bar = progressBar('optimizing');
  const stop = interruptOnSignal(
    (signal) => {
      bar.stop();
      process.stderr.write(stoppingLine(signal));
    },
    () => store.close(),
  );
  let result;
  try {
    result = await compare({
      config,
      data,
      holdoutFraction: holdout,
      range,
      onBadData: opts.repair ? 'repair' : 'refuse',
      seed,
      generations,
      evaluatorFor: (spec) => createEvaluator(executor, spec, series, sayAlways),
      holdoutThreads: executor.kind === 'pool' ? executor.threads : 0,
      store,
      signal: stop.signal,
      onProgress: progressReporter(bar),
      onPhase: (phase) => {
        bar.stop();
        say(`evaluating ${phase}`);
      },
      onSplit: ({ selection, holdout: held, folds, warnings }) => {
        const f0 = folds[0]!;
        say(
          `selection: ${boundary(selection.from)} → ${boundary(selection.to)}, ${folds.length} walk-forward folds (first: train ${boundary(f0.train.from)} → ${boundary(f0.train.to)}, test → ${boundary(f0.test.to)}); holdout: ${boundary(held.from)} → ${boundary(held.to)}, never read before the choice is made`,
        );
        // Said even with --quiet, as the data warnings are: it is about how to read every number that follows.
        for (const line of warnings) process.stderr.write(`${line}\n`);
      },
    });
  } finally {
    bar.stop();
    stop.dispose();
    store.close();
  }
  if (!result) {
    process.stderr.write(
      `interrupted: every finished evaluation is stored in ${opts.db}. Run the same command again to continue.\n`,
    );
    process.exitCode = EXIT.interrupted;
    return;
  }
  // A holdout in which no row traded measured nothing about stealing: said, not left to a table of zeros.
  const noTrades = noTradesWarning(
    result.rows.map((r) => r.holdout.trades),
    {
      who: 'row',
      where: `the holdout ${boundary(result.holdout.from)} → ${boundary(result.holdout.to)}`,
      what: 'its columns',
      fix: 'Give a larger --holdout or a wider --from/--to.',
    },
  );
  if (noTrades) process.stderr.write(`${noTrades}\n`);
  const command = invocation();
  const setName = opts.benchmark ?? data.loaded.map((l) => l.series.symbol).join(', ');
  const md = compareMarkdown(setName, result, command);
  // --quiet: the result line alone (the help's promise); the table is still written to --markdown.
  humanStream(opts.json).write(`${opts.quiet ? compareResultLine(result) : md}\n`);
  if (opts.markdown) await writeOutput('--markdown', opts.markdown, `${md}\n`);
  // The holdout comparison as `compare --json` writes it (NaN as null); the study's scores as optimize does.
  if (opts.json)
    await writeJsonOutput(opts.json, { data: setName, command, ...holdoutJson(result) }, encodeJson);
  process.exitCode = EXIT.ok;
}
