/**
 * The default baseline is the base configuration (--config/--preset) with stealing off. A variant given as a
 * file (best.json from optimize) usually carries more than a stealing switch: its own preset, order size,
 * every tuned key. Against that baseline the comparison then measures all of those together, not stealing.
 * This names every key in which such a variant and its baseline differ, and the command that compares the
 * file against itself with stealing off.
 */
import type { ResolvedConfig } from '../core/config/resolve.js';

export interface KeyDifference {
  key: string;
  variant: unknown;
  baseline: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf key (dotted) where `a` and `b` differ, in key order. */
export function configDifferences(a: unknown, b: unknown, prefix = ''): KeyDifference[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => configDifferences(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ key: prefix, variant: a, baseline: b }];
}

/** Keys that do not change a simulation, or that the default baseline changes on purpose. */
const NOT_COMPARED = new Set(['stealingEnabled']);
const notCompared = (key: string): boolean => NOT_COMPARED.has(key) || key.startsWith('optimize.');

const show = (v: unknown): string =>
  v === undefined ? 'unset' : typeof v === 'string' ? v : JSON.stringify(v);

/**
 * The warning for a file variant compared with the default baseline, or null when the two differ only in
 * stealing. `argv` is the user's arguments after `compare`, to build the command that isolates stealing;
 * `commandLine` writes a `compare` with those arguments as the user would type it (the CLI's own form, with
 * the environment that shaped the run and shell quoting).
 */
export function mixedSidesWarning(
  file: string,
  variant: ResolvedConfig,
  baseline: ResolvedConfig,
  argv: readonly string[],
  commandLine: (args: readonly string[]) => string = (args) => ['worksteal compare', ...args].join(' '),
): string | null {
  const diffs = configDifferences(variant.config, baseline.config).filter((d) => !notCompared(d.key));
  if (variant.preset !== baseline.preset)
    diffs.unshift({ key: 'preset', variant: variant.preset, baseline: baseline.preset });
  const stealingOff = variant.config.stealingEnabled === false;
  if (diffs.length === 0 && !stealingOff) return null;
  const parts = [
    `--variant ${file} is compared with the base configuration with stealing off, not with itself with stealing off.`,
  ];
  if (diffs.length > 0) {
    parts.push(
      `The sides also differ in ${diffs.length} key${diffs.length === 1 ? '' : 's'} (variant vs baseline): ${diffs
        .map((d) => `${d.key} ${show(d.variant)} vs ${show(d.baseline)}`)
        .join(
          ', ',
        )}; the comparison measures ${diffs.length === 1 ? 'it' : 'them'}${stealingOff ? '' : ' together with stealing'}.`,
    );
  }
  if (stealingOff) parts.push(`${file} itself has stealingEnabled false: neither side steals.`);
  parts.push(`To measure stealing alone on ${file}: ${commandLine(isolatingArgs(file, argv))}`);
  // The file becomes the base in place of --config: keys it lacks come from the preset, not that file.
  const base = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (base >= 0)
    parts.push(
      `(${file} replaces --config as the base there, so it must hold every key wanted from that file, as optimize's best.json does).`,
    );
  return parts.join(' ');
}

/** Flags the isolating command leaves out, with their values: the sides it replaces and the files it would overwrite. */
const LEFT_OUT = /^--(variant|config|json|markdown)$/u;
const LEFT_OUT_JOINED = /^--(variant|config|json|markdown)=/u;

/**
 * The user's arguments with every --variant and --config taken out, then the file as the base and A with
 * stealing on (B, the default baseline, is that base with stealing off). A --preset stays: it wins over the
 * file's own preset, as it did on both sides of this comparison. --json and --markdown go too: run as given,
 * the command would overwrite this comparison's own files.
 */
function isolatingArgs(file: string, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (LEFT_OUT.test(a)) i++;
    else if (!LEFT_OUT_JOINED.test(a)) out.push(a);
  }
  return [...out, '--config', file, '--variant', 'stealingEnabled=true'];
}
