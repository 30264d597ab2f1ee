/**
 * The sides of a comparison as configuration layers, resolved by the one config loader (`loadConfig`, as
 * `simulate --config` uses it): preset → config file → environment → `--set` (both sides) → sweep level
 * (both sides) → the side's own file or `key=value` list. Unknown keys and bad values are refused by the config schema,
 * which names the flag that brought them.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_CONFIG } from '../core/config/presets.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import { parseDecimal } from '../core/decimal.js';
import { ValidationError } from '../core/errors.js';
import { loadConfig } from '../io/load-config.js';
import { readStructuredFile } from '../io/read-structured.js';

export interface ConfigLayer {
  source: string;
  values: Record<string, unknown>;
}

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

/** The default config's value at a dotted path, to type a `--set` value (undefined: not a known key). */
function templateAt(path: readonly string[]): unknown {
  let v: unknown = DEFAULT_CONFIG;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** A `--set` value in the type the key has (numbers as decimals, booleans in the usual spellings). */
function typedValue(where: string, raw: string, template: unknown): unknown {
  if (typeof template === 'boolean' || (template === undefined && /^(true|false)$/i.test(raw))) {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    throw bad(where, 'must be true or false (or 1/0, yes/no, on/off)', raw);
  }
  if (typeof template === 'number' || (template === undefined && !Number.isNaN(parseDecimal(raw)))) {
    const n = parseDecimal(raw);
    if (Number.isNaN(n)) throw bad(where, 'must be a decimal number, e.g. 0.002', raw);
    return n;
  }
  if (template === null && raw === 'null') return null;
  if (template === null && !Number.isNaN(parseDecimal(raw))) return parseDecimal(raw);
  return raw;
}

/** `sim.slippageBps=5` → `{ sim: { slippageBps: 5 } }`, named after the flag that gave it. */
export function setLayer(text: string, flag: string): ConfigLayer {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (eq <= 0 || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(key)) {
    throw bad(
      flag,
      'must be key=value, the key as in a config file with dots for nesting (e.g. sim.slippageBps=5)',
      text,
    );
  }
  const path = key.split('.');
  const value = typedValue(`${flag} ${key}`, text.slice(eq + 1).trim(), templateAt(path));
  const values: Record<string, unknown> = {};
  let target = values;
  path.forEach((seg, i) => {
    if (i === path.length - 1) target[seg] = value;
    else target = (target[seg] = {}) as Record<string, unknown>;
  });
  return { source: `${flag} ${text}`, values };
}

/** Several `key=value` layers merged into one (later keys win), for a side given as a list. */
function mergeLayers(layers: readonly ConfigLayer[]): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] =
        typeof prev === 'object' && prev !== null && typeof v === 'object' && v !== null
          ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return layers.reduce<Record<string, unknown>>((acc, l) => merge(acc, l.values), {});
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

/** `--sweep key=v1,v2,…`: one layer per value. Several sweeps combine into every combination of levels. */
export function sweepLevels(sweeps: readonly string[]): { label: string; layers: ConfigLayer[] }[] {
  let levels: { label: string; layers: ConfigLayer[] }[] = [{ label: '', layers: [] }];
  for (const text of sweeps) {
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
      throw bad('--sweep', 'must be key=value1,value2,… (e.g. sim.research.signalSkill=0,0.25,0.5,1)', text);
    }
    levels = levels.flatMap((l) =>
      values.map((v) => ({
        label: [l.label, `${key}=${v}`].filter(Boolean).join(' '),
        layers: [...l.layers, setLayer(`${key}=${v}`, '--sweep')],
      })),
    );
  }
  return levels;
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
