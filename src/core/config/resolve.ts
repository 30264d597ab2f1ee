import type { z } from 'zod';
import { parseDecimal } from '../decimal.js';
import { ValidationError, type Issue } from '../errors.js';
import { DEFAULT_CONFIG, PRESETS, PRESET_NAMES, type PresetName } from './presets.js';
import { configSchema, type WorkstealConfig } from './schema.js';
import { configWarnings, type ConfigWarning } from './warnings.js';
import { suggestKey } from './schema-keys.js';
import { tightestBounds } from './tightest-bound.js';
import { closestNames, didYouMean } from '../similar.js';

export interface ResolveInput {
  preset?: string;
  /** Layers applied in order over the preset, e.g. the parsed config file then a scenario's `config`. */
  layers?: readonly { source: string; values: unknown }[];
  /** Environment variables; only `WORKSTEAL_*` keys are read. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Values typed on the command line (`--dry-run`, `--no-stealing`, `compare --set`), applied after the
   * environment: an exported `WORKSTEAL_DRY_RUN=false` must not turn `--dry-run` into live orders.
   */
  flags?: readonly { source: string; values: unknown }[];
}

export interface ResolvedConfig {
  config: WorkstealConfig;
  warnings: ConfigWarning[];
  preset: PresetName;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge for config layers: objects merge key by key, everything else replaces. */
export function mergeLayer(base: unknown, layer: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(layer)) return layer === undefined ? base : layer;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    // `symbols` is a user map, not a shape: a layer's map is merged entry by entry as well.
    out[key] = mergeLayer(base[key], value);
  }
  return out;
}

/** `protectionPct` → `WORKSTEAL_PROTECTION_PCT`; nested `sim.feesBps` → `WORKSTEAL_SIM_FEES_BPS`. */
export function envName(path: readonly string[]): string {
  return 'WORKSTEAL_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function scalarPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isPlainObject(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'symbols' && prefix.length === 0 ? [] : scalarPaths(v, [...prefix, k]),
  );
}

const KNOWN_ENV = new Map(scalarPaths(DEFAULT_CONFIG).map((p) => [envName(p), p] as const));
/** Variables that belong to the runtime, not to the config schema (keys, URLs, locations, tests). */
export const RUNTIME_ENV = new Set([
  'WORKSTEAL_DATA',
  'WORKSTEAL_DATA_DIR',
  'WORKSTEAL_CACHE_DIR',
  'WORKSTEAL_PRESET',
  'WORKSTEAL_CONFIG',
  'WORKSTEAL_LOG',
  'WORKSTEAL_TOKEN',
]);
export const RUNTIME_ENV_PREFIXES = [
  'WORKSTEAL_TEST_',
  'WORKSTEAL_BENCH_',
  'WORKSTEAL_ALPACA_',
  'WORKSTEAL_HTTP_',
  'WORKSTEAL_SECRET',
];

/**
 * Whether a `WORKSTEAL_*` variable shapes what a simulation, comparison or study computes: a config key
 * outside `live` (the live runtime's own settings: webhook URLs that may hold a token, state and signal
 * paths), or the config file or preset it starts from. A recorded command carries these, so that running it
 * again runs the same config, and nothing else.
 */
export function shapesConfig(name: string): boolean {
  const path = KNOWN_ENV.get(name);
  if (path) return path[0] !== 'live';
  return name === 'WORKSTEAL_CONFIG' || name === 'WORKSTEAL_PRESET';
}

/** Known variables nearest an unknown one, compared without the common `WORKSTEAL_` prefix. */
function closestEnvNames(name: string): string[] {
  const strip = (n: string): string => n.slice('WORKSTEAL_'.length);
  return closestNames(
    strip(name),
    [...KNOWN_ENV.keys(), ...RUNTIME_ENV].map((known) => ({ label: known, name: strip(known) })),
  );
}

const isRuntimeEnv = (name: string): boolean =>
  RUNTIME_ENV.has(name) || RUNTIME_ENV_PREFIXES.some((prefix) => name.startsWith(prefix));

/** An environment value in its config type, or an issue naming the variable and the text it holds. */
function parseEnvValue(
  name: string,
  raw: string,
  template: unknown,
): { ok: true; value: unknown } | { ok: false; issue: Issue } {
  const bad = (message: string) => ({
    ok: false as const,
    issue: { where: `environment ${name}`, message, value: raw },
  });
  if (typeof template === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(raw)) return { ok: true, value: true };
    if (/^(false|0|no|off)$/i.test(raw)) return { ok: true, value: false };
    return bad('must be true or false (or 1/0, yes/no, on/off)');
  }
  if (typeof template === 'number') {
    const value = parseDecimal(raw);
    return Number.isNaN(value) ? bad('must be a decimal number, e.g. 0.002') : { ok: true, value };
  }
  return { ok: true, value: raw };
}

/** Environment overrides as a config layer; unknown `WORKSTEAL_*` names are errors, not ignored. */
export function envLayer(env: Readonly<Record<string, string | undefined>>): {
  values: unknown;
  issues: Issue[];
} {
  const values: Record<string, unknown> = {};
  const issues: Issue[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('WORKSTEAL_') || raw === undefined || isRuntimeEnv(name)) continue;
    const path = KNOWN_ENV.get(name);
    if (!path) {
      issues.push({
        where: `environment ${name}`,
        message: `is not a configuration key; ${didYouMean(closestEnvNames(name)) || 'check the spelling against `worksteal config check`'}`,
        value: raw,
      });
      continue;
    }
    let template: unknown = DEFAULT_CONFIG;
    for (const segment of path) template = (template as Record<string, unknown>)[segment];
    const parsed = parseEnvValue(name, raw, template);
    if (!parsed.ok) {
      issues.push(parsed.issue);
      continue;
    }
    let target = values;
    path.forEach((segment, i) => {
      if (i === path.length - 1) target[segment] = parsed.value;
      else target = (target[segment] ??= {}) as Record<string, unknown>;
    });
  }
  return { values, issues };
}

/** An unknown key's message, with the closest known key when one is close enough. */
function unknownKeyMessage(path: readonly string[], key: string): string {
  const guess = didYouMean(suggestKey(configSchema, path, key));
  return `unknown key "${key}"; ${guess ? `${guess} Otherwise remove it` : 'remove it or fix the spelling'}`;
}

/**
 * The schema's issues as one Issue per problem, each with its key path: one per unknown key (with the closest
 * known key), one per key out of range (the tightest bound broken). resolveConfig() and the coordinator's own
 * check of a configuration both say it this way.
 */
export function configIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  input: unknown,
): (Issue & { path: string[] })[] {
  return tightestBounds(zodIssues).flatMap((issue) => {
    const path = issue.path.map(String);
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [null];
    return keys.map((key) =>
      key === null
        ? { ...zodIssue(issue, input), path }
        : { where: '', message: unknownKeyMessage(path, key), path: [...path, key] },
    );
  });
}

/**
 * A configuration changed after resolveConfig() (a copy edited by hand, a value from elsewhere), checked
 * against the schema resolveConfig() validates with: a bufferPct of -3 would otherwise let a coordinator hold
 * four times the equity in margin, or a simulation run on it. Each issue is named from `where` (e.g.
 * `config`, `a[0].config`). About 0.25 ms: once per coordinator, simulation or comparison, not per decision.
 */
export function resolvedConfigIssues(config: unknown, where: string): Issue[] {
  const parsed = configSchema.safeParse(config);
  if (parsed.success) return [];
  return configIssues(parsed.error.issues, config)
    .slice(0, 20)
    .map(({ path, message, value }) => ({
      where: [where, ...path].join('.'),
      message: `${message}; resolveConfig() refuses it too: set it through its layers`,
      value,
    }));
}

function zodIssue(issue: z.core.$ZodIssue, input: unknown): Issue {
  let value: unknown = input;
  for (const seg of issue.path) {
    // Arrays too: `live.symbols.0` names the first symbol of the list.
    value =
      typeof value === 'object' && value !== null && Object.hasOwn(value, String(seg))
        ? (value as Record<string, unknown>)[String(seg)]
        : undefined;
  }
  return { where: '', message: issue.message, value };
}

/** How many leading segments of `path` exist in `values`, by own keys (`constructor` is "in" every object). */
function depthIn(values: unknown, path: readonly PropertyKey[]): number {
  let v = values;
  let depth = 0;
  for (const seg of path) {
    if (!isPlainObject(v) || !Object.hasOwn(v, String(seg))) break;
    v = v[String(seg)];
    depth++;
  }
  return depth;
}

/**
 * Find which layer introduced a bad key, so the error names the file or variable that holds it: the last
 * layer holding the whole path, else (a key that is missing, e.g. the partner of trainDays) the last layer
 * holding the most of it.
 */
function sourceOf(
  path: readonly PropertyKey[],
  layers: readonly { source: string; values: unknown }[],
): string {
  let best = 0;
  let source = 'config';
  for (let i = layers.length - 1; i >= 0; i--) {
    const depth = depthIn(layers[i]!.values, path);
    if (depth > best) {
      best = depth;
      source = layers[i]!.source;
    }
  }
  return source;
}

/** Keys that reach an object's prototype machinery: never configuration, always an error. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** No configuration key nests deeper than this; deeper input is refused before anything walks it. */
export const MAX_CONFIG_DEPTH = 8;

/**
 * Problems with a layer's shape that must be caught before merging: prototype keys (which a merge would
 * turn into a prototype change) and nesting deeper than any configuration key goes.
 */
export function shapeIssues(value: unknown, source: string, path: string[] = []): Issue[] {
  if (typeof value !== 'object' || value === null) return [];
  const where = (keys: string[]): string => `${source}: ${keys.join('.') || '(root)'}`;
  if (path.length >= MAX_CONFIG_DEPTH) {
    return [
      {
        where: where(path),
        message: `nests deeper than ${MAX_CONFIG_DEPTH} levels, which no configuration key does; check the structure`,
        value,
      },
    ];
  }
  const issues: Issue[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({
        where: where([...path, key]),
        message: `"${key}" is not a configuration key (it names JavaScript object internals); remove it`,
      });
    } else issues.push(...shapeIssues(child, source, [...path, key]));
    if (issues.length >= 20) break;
  }
  return issues;
}

/**
 * Preset, then each layer, then the environment, then the command line's flags; validated once at the end.
 * Throws ValidationError naming every bad key and value; returns soft problems as warnings.
 */
export function resolveConfig(input: ResolveInput = {}): ResolvedConfig {
  const presetName = (input.preset ?? 'default') as PresetName;
  if (!PRESET_NAMES.includes(presetName)) {
    throw new ValidationError('Unknown preset', [
      { where: 'preset', message: `must be one of ${PRESET_NAMES.join(', ')}`, value: input.preset },
    ]);
  }
  const given = [...(input.layers ?? []), ...(input.flags ?? [])];
  const issues: Issue[] = [];
  for (const layer of given) {
    if (layer.values !== undefined && !isPlainObject(layer.values)) {
      issues.push({
        where: layer.source,
        message: 'must be an object of configuration keys',
        value: layer.values,
      });
    } else issues.push(...shapeIssues(layer.values, layer.source));
  }
  const layers: { source: string; values: unknown }[] = [...(input.layers ?? [])];
  if (input.env) {
    const fromEnv = envLayer(input.env);
    issues.push(...fromEnv.issues);
    layers.push({ source: 'environment', values: fromEnv.values });
  }
  layers.push(...(input.flags ?? []));
  if (issues.length) throw new ValidationError('Invalid configuration', issues);

  // mergeLayer never writes into its inputs and the schema's output is a fresh object, so the defaults
  // need no copy.
  let merged: unknown = mergeLayer(DEFAULT_CONFIG, PRESETS[presetName]);
  for (const layer of layers) merged = mergeLayer(merged, layer.values ?? {});

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    // One error per unknown key, each with its own place and suggestion.
    const errs = configIssues(parsed.error.issues, merged).map(({ path, ...base }) => {
      const src = sourceOf(path, layers);
      // Name the place the user can fix: the environment variable, or the file and key.
      const where =
        src === 'environment' ? `environment ${envName(path)}` : `${src}: ${path.join('.') || '(root)'}`;
      return { ...base, where };
    });
    throw new ValidationError('Invalid configuration', errs);
  }
  return { config: parsed.data, warnings: configWarnings(parsed.data), preset: presetName };
}
