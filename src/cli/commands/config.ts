import type { Command } from 'commander';
import pc from 'picocolors';
import { ValidationError } from '../../core/errors.js';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { loadConfig } from '../../io/load-config.js';
import { EXIT } from '../errors.js';
import { writeJson } from '../format.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('inspect and validate configuration');
  config
    .command('check')
    .description(
      'validate a config file (JSON or YAML) with WORKSTEAL_* overrides; print the effective config and warnings',
    )
    .argument('[file]', 'config file; omitted: the preset alone')
    .option('--preset <name>', `start from a preset (${PRESET_NAMES.join(', ')})`)
    .option('--json', 'print {valid, config, warnings, errors} as JSON')
    .action(async (file: string | undefined, opts: { preset?: string; json?: boolean }) => {
      try {
        const resolved = await loadConfig({ file, preset: opts.preset, env: process.env });
        if (opts.json) {
          writeJson({
            valid: true,
            preset: resolved.preset,
            config: resolved.config,
            warnings: resolved.warnings,
            errors: [],
          });
        } else {
          process.stdout.write(
            `${pc.green('valid')} (preset ${resolved.preset}${file ? `, file ${file}` : ''})\n\n`,
          );
          process.stdout.write(`${JSON.stringify(resolved.config, null, 2)}\n`);
          if (resolved.warnings.length) {
            process.stdout.write(`\n${pc.yellow(`${resolved.warnings.length} warning(s)`)}:\n`);
            for (const w of resolved.warnings) process.stdout.write(`  - ${w.message}\n`);
          } else process.stdout.write('\nno warnings\n');
        }
        process.exitCode = EXIT.ok;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        if (opts.json) writeJson({ valid: false, errors: error.issues, warnings: [] });
        else process.stderr.write(`${pc.red('invalid')}: ${error.message}\n`);
        process.exitCode = EXIT.failed;
      }
    });
}
