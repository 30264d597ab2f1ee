import type { Command } from 'commander';
import { decisionRecord } from '../../core/policy/record.js';
import { explainScenario } from '../../explain/explain.js';
import { renderDecision } from '../../explain/render.js';
import { parseScenario } from '../../explain/scenario.js';
import { loadCalendar } from '../../io/load-calendar.js';
import { loadConfig } from '../../io/load-config.js';
import { readStructuredFile } from '../../io/read-structured.js';
import { CliError, EXIT } from '../errors.js';
import { checkOutputPath, jsonOption, writeJsonOutput } from '../output.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description(
      'decide one entry request in a scenario and print the decision record ("why did it steal X?")',
    )
    .requiredOption('--scenario <file>', 'scenario JSON or YAML (format in the README)')
    .option('--config <file>', 'config file under the scenario (scenario.config wins over it)')
    .addOption(jsonOption('the decision record'))
    .option('--calendar <file>', 'exchange sessions JSON instead of the built-in NYSE calendar')
    .addHelpText(
      'after',
      '\nExamples:\n  worksteal explain --scenario examples/scenario-steal.json\n  worksteal explain --scenario examples/scenario-steal.json --json - | jq .victims',
    )
    .action(async (opts: { scenario: string; config?: string; json?: string; calendar?: string }) => {
      await checkOutputPath('--json', opts.json);
      const raw = await readStructuredFile(opts.scenario);
      const calendar = await loadCalendar(opts.calendar);
      const scenario = parseScenario(raw, opts.scenario, calendar);
      const resolved = await loadConfig({
        file: opts.config,
        preset: scenario.preset,
        extra: scenario.config ? [{ source: `${opts.scenario} config`, values: scenario.config }] : [],
        env: process.env,
      });
      const decision = explainScenario(scenario, resolved, calendar);
      if (opts.json) await writeJsonOutput(opts.json, decisionRecord(decision));
      if (opts.json !== '-') {
        process.stdout.write(`${renderDecision(decision)}\n`);
        for (const w of resolved.warnings) process.stdout.write(`config warning: ${w.message}\n`);
      }
      process.exitCode = EXIT.ok;
      if (!Number.isFinite(decision.time)) throw new CliError('scenario time is not a valid instant');
    });
}
