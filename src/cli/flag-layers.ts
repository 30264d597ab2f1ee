/**
 * Command-line flags as config layers, one per flag given, each named by its flag: the one schema validates
 * them like any other source, and an invalid value is reported as the flag the person typed
 * (`--poll: live.pollSec: Too small … (got 0)`), as `--signal-skill` and `--no-stealing` are, never as a
 * config key they did not write.
 */

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
