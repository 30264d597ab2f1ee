/**
 * The sides of a comparison as configuration layers, resolved by the one config loader (`loadConfig`, as
 * `simulate --config` uses it): preset → config file → environment → `--set` (both sides) → sweep level
 * (both sides) → the side's own file or `key=value` list. Unknown keys and bad values are refused by the config schema,
 * which names the flag that brought them.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { mergeLayer, type ResolvedConfig } from '../core/config/resolve.js';
import { ValidationError } from '../core/errors.js';
import { loadConfig } from '../io/load-config.js';
import { readStructuredFile } from '../io/read-structured.js';
import { setLayer, type ConfigLayer } from '../io/set-layer.js';

export interface SideSpec {
  label: string;
  layers: ConfigLayer[];
  /** A side's file may name its own preset (best.json from optimize does). */
  preset?: string;
  /** The file the side came from (not set for a key=value side). */
  file?: string;
}

const bad = (where: string, message: string, value?: unknown): ValidationError =>
  new ValidationError('Invalid comparison', [{ where, message, ...(value !== undefined ? { value } : {}) }]);

/** Several `key=value` layers merged into one (later keys win), for a side given as a list. */
function mergeLayers(layers: readonly ConfigLayer[]): Record<string, unknown> {
  return layers.reduce<Record<string, unknown>>(
    (acc, l) => mergeLayer(acc, l.values) as Record<string, unknown>,
    {},
  );
}

/**
 * A side: a config file (JSON or YAML, best.json from optimize too), or `key=value` pairs separated by
 * spaces or semicolons.
 */
export async function sideSpec(text: string, flag: string): Promise<SideSpec> {
  const trimmed = text.trim();
  // A file that exists is a file, even when its path holds `=` (run folders such as `seed=7/`).
  if (trimmed.includes('=') && !isFile(trimmed)) {
    const parts = trimmed.split(/[\s;]+/).filter(Boolean);
    const layers = parts.map((p) => setLayer(p, flag));
    return {
      label: parts.join(' '),
      layers: [{ source: `${flag} ${trimmed}`, values: mergeLayers(layers) }],
    };
  }
  // Neither key=value nor an existing file: most likely a key without its value (`--variant protectionPct`).
  if (!existsSync(trimmed) && !/[\\/.]/.test(trimmed)) {
    throw bad(
      `${flag} ${trimmed}`,
      'is neither a config file nor key=value; give a file, or key=value (e.g. protectionPct=0.004)',
    );
  }
  const raw = await readStructuredFile(trimmed, `${flag} file`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw bad(`${flag} ${trimmed}`, 'must hold an object of configuration keys');
  }
  const { preset, ...values } = raw as Record<string, unknown>;
  if (preset !== undefined && typeof preset !== 'string') {
    throw bad(`${trimmed}: preset`, 'must be a preset name', preset);
  }
  return {
    label: basename(trimmed),
    file: trimmed,
    layers: [{ source: trimmed, values }],
    ...(typeof preset === 'string' ? { preset } : {}),
  };
}

/** A sweep level: its name (`key=value …`, '' without a sweep) and the settings it puts on every side. */
export interface SweepLevel {
  label: string;
  layers: ConfigLayer[];
}

/**
 * `--sweep key=v1,v2,…`: one layer per value. Several sweeps combine into every combination of levels, the
 * first sweep's values outermost. `name` says where sweep i came from in an error (the CLI's flag, the
 * library's `sweep[i]`).
 */
export function sweepLevels(
  sweeps: readonly string[],
  name: (i: number) => string = () => '--sweep',
): SweepLevel[] {
  let levels: SweepLevel[] = [{ label: '', layers: [] }];
  const swept = new Map<string, number>();
  for (const [i, text] of sweeps.entries()) {
    const eq = text.indexOf('=');
    const key = eq > 0 ? text.slice(0, eq).trim() : '';
    const values =
      eq > 0
        ? text
            .slice(eq + 1)
            .split(',')
            .map((v) => v.trim())
        : [];
    if (!key || values.length === 0 || values.some((v) => v === '')) {
      throw bad(name(i), 'must be key=value1,value2,… (e.g. sim.research.signalSkill=0,0.25,0.5,1)', text);
    }
    // Each value typed (and a bad one refused) once, not once per level it joins.
    const layers = values.map((v) => setLayer(`${key}=${v}`, name(i)));
    sweptOnce(key, i, swept, sweeps, name);
    valuesOnce(key, values, layers, `${name(i)} ${text}`);
    levels = levels.flatMap((l) =>
      values.map((v, k) => ({
        label: [l.label, `${key}=${v}`].filter(Boolean).join(' '),
        layers: [...l.layers, layers[k]!],
      })),
    );
  }
  return levels;
}

/**
 * A key swept twice would label each level with both values while the later one alone is applied (a level
 * `protectionPct=0.1 protectionPct=0.2` that ran 0.2): refused, as a one-value flag given twice is.
 */
function sweptOnce(
  key: string,
  i: number,
  swept: Map<string, number>,
  sweeps: readonly string[],
  name: (i: number) => string,
): void {
  const first = swept.get(key);
  if (first === undefined) {
    swept.set(key, i);
    return;
  }
  throw bad(
    `${name(i)} ${sweeps[i]}`,
    `sweeps ${key} again (${name(first)} ${sweeps[first]} sweeps it first); sweep each key once, with all its values in one list (${key}=v1,v2,…)`,
  );
}

/** A value listed twice (0.1,0.1 or 0.1,0.10) would run the same comparison twice: refused. */
function valuesOnce(
  key: string,
  values: readonly string[],
  layers: readonly ConfigLayer[],
  where: string,
): void {
  const typed = layers.map((l) => JSON.stringify(l.values));
  const k = typed.findIndex((t, j) => typed.indexOf(t) !== j);
  if (k < 0) return;
  const [a, b] = [values[typed.indexOf(typed[k]!)]!, values[k]!];
  const twice = a === b ? `${key}=${a} twice` : `one value of ${key} twice (${a} and ${b})`;
  throw bad(where, `lists ${twice}: it would run the same comparison again; list each value once`);
}

/** One side resolved: the base file and preset, the common layers, then the side's own layers. */
export function resolveSide(
  base: { file?: string; preset?: string },
  common: readonly ConfigLayer[],
  side: SideSpec,
): Promise<ResolvedConfig> {
  const preset = base.preset ?? side.preset;
  return loadConfig({
    ...(base.file ? { file: base.file } : {}),
    ...(preset ? { preset } : {}),
    // Typed on the command line (or the side's own file): an exported WORKSTEAL_* variable must not turn
    // the baseline's stealing back on and compare a policy with itself.
    flags: [...common, ...side.layers],
    env: process.env,
  });
}

/** B's default: the same configuration with stealing off. */
export const STEALING_OFF: SideSpec = {
  label: 'stealing off',
  layers: [{ source: 'the baseline (stealing off)', values: { stealingEnabled: false } }],
};

/** A's default: the configuration as given. */
export const AS_GIVEN: SideSpec = { label: 'as configured', layers: [] };

/** Whether `path` names an existing regular file (never throws). */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
