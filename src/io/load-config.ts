import { resolveConfig, type ResolvedConfig } from '../core/config/resolve.js';
import { PRESET_NAMES } from '../core/config/presets.js';
import { ValidationError, type Issue } from '../core/errors.js';
import { optionNames, unknownOptionIssues } from '../core/option-names.js';
import { readStructuredFile } from './read-structured.js';

export interface LoadConfigOptions {
  file?: string;
  preset?: string;
  /** Extra layers over the file (e.g. a scenario's inline config, or optimizer output). */
  extra?: { source: string; values: unknown }[];
  /** Command-line values: applied after the environment, so the flag typed now wins over an exported variable. */
  flags?: { source: string; values: unknown }[];
  env?: Readonly<Record<string, string | undefined>>;
}

const OPTION_NAMES = optionNames<LoadConfigOptions>({
  file: true,
  preset: true,
  extra: true,
  flags: true,
  env: true,
});

/** The options' shape: a path passed alone (`loadConfig('bot.yaml')`) would otherwise load the defaults. */
function checkOptions(options: unknown): void {
  const shape = 'an object { file?, preset?, extra?, flags?, env? }';
  const fix = typeof options === 'string' ? `pass { file: ${JSON.stringify(options)} }` : `pass ${shape}`;
  const issues: Issue[] = [];
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    issues.push({ where: 'options', message: `must be ${shape}: ${fix}`, value: options });
  } else {
    const o = options as Record<string, unknown>;
    for (const key of ['file', 'preset'] as const)
      if (o[key] !== undefined && typeof o[key] !== 'string')
        issues.push({ where: `options.${key}`, message: 'must be a string, or absent', value: o[key] });
    issues.push(...unknownOptionIssues(o, OPTION_NAMES, 'options'));
  }
  if (issues.length) throw new ValidationError('Invalid loadConfig() input', issues);
}

/** The config file: the one named on the command line, else the one `WORKSTEAL_CONFIG` names. */
async function readConfigFile(
  options: LoadConfigOptions,
): Promise<{ file: string; raw: unknown } | undefined> {
  if (options.file) return { file: options.file, raw: await readStructuredFile(options.file, 'config file') };
  const fromEnv = options.env?.WORKSTEAL_CONFIG;
  if (fromEnv === undefined) return undefined;
  if (fromEnv.trim() === '') {
    throw new ValidationError('Invalid configuration', [
      {
        where: 'environment WORKSTEAL_CONFIG',
        message: 'is set but empty; set it to a config file path or unset it',
        value: fromEnv,
      },
    ]);
  }
  try {
    return { file: fromEnv, raw: await readStructuredFile(fromEnv, 'config file') };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // Say where the path came from: the user may not remember exporting it.
    throw new ValidationError(
      'Cannot use the config file named by WORKSTEAL_CONFIG',
      error.issues.map((issue) => ({ ...issue, where: `environment WORKSTEAL_CONFIG=${issue.where}` })),
    );
  }
}

/**
 * Preset → config file → extra layers → environment → command-line flags. A file may name its own preset with a top-level
 * `preset` key (a string); `--preset` on the command line wins over it.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  checkOptions(options);
  const layers: { source: string; values: unknown }[] = [];
  let preset = options.preset;
  let presetSource = '--preset';
  const read = await readConfigFile(options);
  if (read) {
    const { file, raw } = read;
    let values = raw;
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && Object.hasOwn(raw, 'preset')) {
      const { preset: filePreset, ...rest } = raw as Record<string, unknown>;
      if (typeof filePreset !== 'string') {
        throw new ValidationError('Invalid configuration', [
          {
            where: `${file}: preset`,
            message: `must be a preset name, one of ${PRESET_NAMES.join(', ')}`,
            value: filePreset,
          },
        ]);
      }
      if (preset === undefined) {
        preset = filePreset;
        presetSource = `${file}: preset`;
      }
      values = rest;
    }
    layers.push({ source: file, values });
  }
  layers.push(...(options.extra ?? []));
  if (preset === undefined && options.env?.WORKSTEAL_PRESET !== undefined) {
    preset = options.env.WORKSTEAL_PRESET;
    presetSource = 'environment WORKSTEAL_PRESET';
  }
  // Name where a bad preset came from: the flag, the file's preset key or the environment.
  if (preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new ValidationError('Unknown preset', [
      { where: presetSource, message: `must be one of ${PRESET_NAMES.join(', ')}`, value: preset },
    ]);
  }
  return resolveConfig({
    preset,
    layers,
    env: options.env ?? {},
    ...(options.flags ? { flags: options.flags } : {}),
  });
}
