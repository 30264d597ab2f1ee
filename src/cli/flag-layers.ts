/**
 * Command-line flags as config layers, one per flag given, each named by its flag: the one schema validates
 * them like any other source, and an invalid value is reported as the flag the person typed
 * (`--poll: live.pollSec: Too small … (got 0)`), as `--signal-skill` and `--no-stealing` are, never as a
 * config key they did not write.
 */
import type { Command } from 'commander';
import { setLayer, type ConfigLayer } from '../io/set-layer.js';

/** A flag, the config key it sets, and its value (undefined: not given). */
export type ConfigFlag = readonly [flag: string, path: readonly string[], value: unknown];

export function flagLayers(flags: readonly ConfigFlag[]): { source: string; values: unknown }[] {
  return flags
    .filter(([, , value]) => value !== undefined)
    .map(([flag, path, value]) => ({
      source: flag,
      values: path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value),
    }));
}

/** Commander's way to take a flag more than once: each value appended to the list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `--set key=value` (repeatable), on every command that reads a configuration: any config key, typed like the
 * default config's value, over the environment and under the command's own flags.
 */
export function addSetFlag(
  command: Command,
  help = 'a config value (repeatable), e.g. --set sim.slippageBps=5',
): Command {
  return command.option('--set <key=value>', help, collect, []);
}

/** The `--set` values as config layers, in the order given (a later one wins), each named `--set key=value`. */
export function setFlagLayers(set: readonly string[] | undefined): ConfigLayer[] {
  return (set ?? []).map((text) => setLayer(text, '--set'));
}
