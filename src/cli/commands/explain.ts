import type { Command } from 'commander';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { decisionRecord } from '../../core/policy/record.js';
import { loadScenarioBars } from '../../explain/bars.js';
import { explainScenario } from '../../explain/explain.js';
import { decisionSummary } from '../../explain/summary.js';
import { renderDecision, renderValuationBasis } from '../../explain/render.js';
import { parseScenario } from '../../explain/scenario.js';
import {
  barsRead,
  staleBarWarnings,
  valuationRecord,
  valueScenario,
  type ScenarioValuation,
} from '../../explain/valuation.js';
import { loadCalendar } from '../../io/load-calendar.js';
import { loadConfig } from '../../io/load-config.js';
import { readStructuredFile } from '../../io/read-structured.js';
import { dataQualityLines, type ReadBars } from '../data-summary.js';
import { CALENDAR_HELP } from '../calendar-flag.js';
import { CliError, EXIT } from '../errors.js';
import { addSetFlag, setFlagLayers } from '../flag-layers.js';
import { addBarFileFlags, barLoadOptions, type BarFileFlags } from '../bar-flags.js';
import { checkOutputPath, humanStream, jsonOption, writeJsonOutput } from '../output.js';

/**
 * The largest scenario explain reads: 4 MiB, four times the body `serve` takes for one request (1 MiB), room
 * for some 20,000 open orders at about 200 bytes each, far beyond any account's book. A file beyond it is a
 * mistake (a data file, a log, a generated book) that would only be read whole into memory, parsed and
 * echoed back; it is refused before it is read (README "Scenario format").
 */
export const SCENARIO_MAX_BYTES = 4 * 1024 * 1024;

const SCENARIO_TOO_LARGE_ADVICE =
  'a scenario is one account at one instant (its open orders, positions and one request); keep only the orders and positions that account holds, or check that the path names a scenario';

interface ExplainOptions extends BarFileFlags {
  scenario: string;
  config?: string;
  preset?: string;
  json?: string;
  calendar?: string;
  data?: string[];
  set?: string[];
}

export function registerExplain(program: Command): void {
  const command = program
    .command('explain')
    .description(
      'decide one entry request in a scenario and print the decision record ("why did it steal X?")',
    )
    .requiredOption('--scenario <file>', 'scenario JSON or YAML (format in the README)')
    .option('--config <file>', 'config file under the scenario (scenario.config wins over it)')
    .option(
      '--preset <name>',
      `preset under the config file and the scenario (${PRESET_NAMES.join(', ')}); a scenario's own preset must agree`,
    );
  addSetFlag(command).option(
    '--data <paths...>',
    'bar files, folders and/or glob patterns (as simulate reads them); needed under victimRanking fillProbability or expectedValue, and what makes the default auto rank by expected value: each symbol is valued from its bars closed by the scenario time. An order or request without validUntil is valid for one bar after now',
  );
  addBarFileFlags(command, 'with --data: ')
    .addOption(jsonOption('the decision record'))
    .option('--calendar <file>', CALENDAR_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  worksteal explain --scenario examples/scenario-steal.json\n  worksteal explain --scenario examples/scenario-steal.json --json - | jq .victims\n  worksteal explain --scenario examples/scenario-value.json --data ../shared/marketdata/binance-spot-yanniedog',
    )
    .action(async (opts: ExplainOptions) => {
      await checkOutputPath('--json', opts.json);
      const raw = await readStructuredFile(opts.scenario, undefined, {
        maxBytes: SCENARIO_MAX_BYTES,
        advice: SCENARIO_TOO_LARGE_ADVICE,
      });
      const calendar = await loadCalendar(opts.calendar);
      const scenario = parseScenario(raw, opts.scenario, calendar);
      // The scenario records the preset its decision was made under: a different one typed now is a
      // contradiction to resolve, not a silent override either way.
      if (opts.preset !== undefined && scenario.preset !== undefined && opts.preset !== scenario.preset)
        throw new CliError(
          `--preset ${opts.preset} contradicts the scenario's preset "${scenario.preset}" (${opts.scenario}); drop --preset or change the scenario's preset`,
        );
      const resolved = await loadConfig({
        file: opts.config,
        preset: scenario.preset ?? opts.preset,
        extra: scenario.config ? [{ source: `${opts.scenario} config`, values: scenario.config }] : [],
        flags: setFlagLayers(opts.set),
        env: process.env,
      });
      const config = resolved.config;
      let valued: ScenarioValuation | null = null;
      if (opts.data?.length) {
        const bars = await loadScenarioBars(opts.data, scenario, {
          symbols: config.symbols,
          ...barLoadOptions(opts),
        });
        for (const note of bars.notes) process.stderr.write(`note: ${note}\n`);
        valued = valueScenario({
          scenario,
          series: bars.series,
          calendar,
          ranking: config.victimRanking,
          deleverageLeadMinutes: config.deleverageLeadMinutes,
        });
        // The data warnings every command gives (daily stocks, which never fill, bars outside sessions,
        // likely splits), and bars that stop long before `now` or start after it; on stderr, --json - too.
        // A suspicious move in bars the valuation never read (before its warm-up, after now) is a note, and
        // explain says no data notes.
        const { warnings } = dataQualityLines(bars.loaded, calendar, {
          extendedHours: config.extendedHours,
          reads: valuationReads(valued),
        });
        for (const w of [...warnings, ...staleBarWarnings(valued, bars.series, scenario.now, calendar)])
          process.stderr.write(`${w}\n`);
      }
      const decision = explainScenario(scenario, resolved, calendar, valued?.valuation.coordinatorOptions());
      const active = valued !== null && valued.valuation.active;
      if (opts.json) {
        // The record, then the reason in words (the line under the printed verdict) and what it was valued from.
        const record = { ...decisionRecord(decision), detail: decisionSummary(decision) };
        await writeJsonOutput(
          opts.json,
          active ? { ...record, valuation: valuationRecord(valued!, scenario) } : record,
        );
      }
      // Under `--json -` the record goes to stdout and the text with it to stderr (docs/cli.md "Output").
      const out = humanStream(opts.json);
      const validity = active
        ? { request: valued!.requestValidUntil, order: (id: string) => valued!.orderValidUntil({ id }) }
        : undefined;
      out.write(`${renderDecision(decision, validity)}\n`);
      if (active) out.write(`\n${renderValuationBasis(valued!)}\n`);
      // Notes and warnings about the run go to stderr (docs/cli.md), so stdout is the decision alone.
      if (config.victimRanking === 'auto' && !active)
        process.stderr.write(
          'note: victimRanking auto ranked by distance: no bars were given; pass --data <bar files or folders> to rank by expected value, as simulate and run do\n',
        );
      for (const w of resolved.warnings) process.stderr.write(`config warning: ${w.message}\n`);
      process.exitCode = EXIT.ok;
      if (!Number.isFinite(decision.time)) throw new CliError('scenario time is not a valid instant');
    });
}

/** The bars explain reads of each symbol: those its valuation was fed (explain/valuation.ts: barsRead). */
export function valuationReads(valued: ScenarioValuation): ReadBars {
  return {
    reader: 'the valuation',
    outside: valued.valuation.active
      ? "before the fill model's warm-up or after the scenario's now"
      : 'victimRanking distance values no order from bars',
    span: (s) => barsRead(valued, s.symbol),
  };
}
