import type { Command } from 'commander';
import pc from 'picocolors';
import { ValidationError } from '../../core/errors.js';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { loadConfig } from '../../io/load-config.js';
import { EXIT } from '../errors.js';
import { addSetFlag, setFlagLayers } from '../flag-layers.js';
import { checkOutputPath, humanStream, jsonOption, writeJsonOutput } from '../output.js';

interface CheckOptions {
  preset?: string;
  json?: string;
  strict?: boolean;
  set?: string[];
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('inspect and validate configuration')
    .addHelpText(
      'after',
      '\nExamples:\n  worksteal config check my-config.yaml\n  worksteal config check --preset original --json -',
    );
  const check = config
    .command('check')
    .description(
      'validate a config file (JSON or YAML) with WORKSTEAL_* overrides; print the effective config and warnings',
    )
    .argument('[file]', 'config file; omitted: the preset alone')
    .option('--preset <name>', `start from a preset (${PRESET_NAMES.join(', ')})`);
  addSetFlag(check)
    .addOption(jsonOption('{valid, preset, config, warnings, errors}'))
    .option('--strict', 'treat warnings as a failed check (exit 1)')
    .addHelpText(
      'after',
      `\nExit codes: 0 valid; 2 invalid (the file does not parse or a value fails validation); 1 valid but with warnings under --strict.\n\nExamples:\n  worksteal config check my-config.yaml\n  WORKSTEAL_COOLDOWN_SEC=200 worksteal config check --json - | jq .warnings\n  worksteal config check my-config.yaml --set margin.stock.pdtMinEquity=2000\n  worksteal config check best.json --strict`,
    )
    .action(async (file: string | undefined, opts: CheckOptions) => {
      await checkOutputPath('--json', opts.json);
      const out = humanStream(opts.json);
      try {
        const resolved = await loadConfig({
          file,
          preset: opts.preset,
          flags: setFlagLayers(opts.set),
          env: process.env,
        });
        // Under --strict a warning fails the check: the config is valid, the check is not passed.
        const failsStrict = opts.strict === true && resolved.warnings.length > 0;
        if (opts.json) {
          await writeJsonOutput(opts.json, {
            valid: true,
            ...(opts.strict ? { passedStrict: !failsStrict } : {}),
            preset: resolved.preset,
            config: resolved.config,
            warnings: resolved.warnings,
            errors: [],
          });
        }
        // Under `--json -` the JSON goes to stdout and the text with it to stderr (docs/cli.md "Output").
        out.write(`${pc.green('valid')} (preset ${resolved.preset}${file ? `, file ${file}` : ''})\n\n`);
        out.write(`${JSON.stringify(resolved.config, null, 2)}\n`);
        if (resolved.warnings.length) {
          out.write(`\n${pc.yellow(`${resolved.warnings.length} warning(s)`)}:\n`);
          for (const w of resolved.warnings) out.write(`  - ${w.message}\n`);
        } else out.write('\nno warnings\n');
        if (failsStrict)
          process.stderr.write(
            `${pc.red('failed')} under --strict: ${resolved.warnings.length} warning(s) above; resolve them or drop --strict\n`,
          );
        process.exitCode = failsStrict ? EXIT.failed : EXIT.ok;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        if (opts.json) await writeJsonOutput(opts.json, { valid: false, errors: error.issues, warnings: [] });
        process.stderr.write(`${pc.red('invalid')}: ${error.message}\n`);
        // A bad config is bad input, whichever command reads it (docs/cli.md "Exit codes").
        process.exitCode = EXIT.badInput;
      }
    });
}
