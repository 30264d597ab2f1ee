import { resolveConfig, type ResolvedConfig } from '../core/config/resolve.js';
import { readStructuredFile } from './read-structured.js';

export interface LoadConfigOptions {
  file?: string;
  preset?: string;
  /** Extra layers over the file (e.g. a scenario's inline config, or optimizer output). */
  extra?: { source: string; values: unknown }[];
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Preset → config file → extra layers → environment. A file may name its own preset with a top-level
 * `preset` key; `--preset` on the command line wins over it.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const layers: { source: string; values: unknown }[] = [];
  let preset = options.preset;
  if (options.file) {
    const raw = await readStructuredFile(options.file);
    let values = raw;
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'preset' in raw) {
      const { preset: filePreset, ...rest } = raw as Record<string, unknown>;
      preset ??= typeof filePreset === 'string' ? filePreset : String(filePreset);
      values = rest;
    }
    layers.push({ source: options.file, values });
  }
  layers.push(...(options.extra ?? []));
  return resolveConfig({
    preset: preset ?? options.env?.WORKSTEAL_PRESET,
    layers,
    env: options.env ?? {},
  });
}
