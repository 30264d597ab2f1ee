/**
 * The sides of the library's `compare` (library-compare.ts): A (one configuration or several labelled sides),
 * B (default: A with stealing off) and the sweep, checked (every issue named by the argument: `a[1].label`,
 * `sweep[0]`) and made into the comparison groups by the CLI's own code: sweepLevels (compare/sides.ts) reads
 * a sweep as `--sweep` does, and sweepGroups (compare/groups.ts) makes one group per level. A side given as a
 * configuration is what the CLI's config file, `--set` and side's own values resolve to; each level is set on
 * it, then the default B's stealing off, as the CLI layers them.
 */
import { resolveConfig, type ResolvedConfig } from './core/config/resolve.js';
import type { WorkstealConfig } from './core/config/schema.js';
import { ValidationError, type Issue } from './core/errors.js';
import type { ComparisonGroup } from './compare/compare.js';
import { sweepGroups, type GroupSides } from './compare/groups.js';
import { STEALING_OFF, sweepLevels, type SweepLevel } from './compare/sides.js';
import type { ConfigLayer } from './io/set-layer.js';
import { configIssues, isObject } from './library-checks.js';

/** One side of a comparison: a resolved configuration and the name the result gives it. */
export interface CompareSide {
  label: string;
  config: WorkstealConfig;
}

/** A side as each level resolves it: its configuration (named `where` in errors), the level, its own layers. */
interface LayeredSide extends CompareSide {
  where: string;
  layers: readonly ConfigLayer[];
}

/** The arguments that make the sides: `a`, `b` and `sweep` of compare()'s input. */
export interface SideArguments {
  a: WorkstealConfig | readonly CompareSide[];
  b?: WorkstealConfig | CompareSide | undefined;
  sweep?: readonly string[] | undefined;
}

/** A side given as `{ label, config }`: its issues at `where`. */
function sideIssues(side: unknown, where: string): Issue[] {
  if (!isObject(side) || !('config' in side))
    return [{ where, message: 'must be { label, config: resolveConfig().config }', value: side }];
  return [
    ...(typeof side.label === 'string' && side.label.length > 0
      ? []
      : [{ where: `${where}.label`, message: 'must be a non-empty name for this side', value: side.label }]),
    ...configIssues(side.config, `${where}.config`, { values: true }),
  ];
}

const given = (side: CompareSide, where: string): LayeredSide => ({ ...side, where, layers: [] });

/** A, then B (default: A with stealing off), as labelled sides; null with the issues added. */
function sidesOf(input: SideArguments, issues: Issue[]): GroupSides<LayeredSide> | null {
  const before = issues.length;
  let a: LayeredSide[];
  if (Array.isArray(input.a)) {
    const sides = input.a as readonly CompareSide[];
    if (sides.length === 0)
      issues.push({ where: 'a', message: 'is empty: pass a configuration, or one side or more', value: [] });
    sides.forEach((side, i) => issues.push(...sideIssues(side, `a[${i}]`)));
    a = sides.map((side, i) => given(side, `a[${i}].config`));
  } else {
    a = [given({ label: 'A', config: input.a as WorkstealConfig }, 'a')];
    issues.push(...configIssues(input.a, 'a', { values: true }));
  }
  let b: LayeredSide | undefined;
  const other: unknown = input.b;
  if (other === undefined) {
    if (a.length > 1)
      issues.push({
        where: 'b',
        message: 'must be given with several A: there is no one A to turn stealing off in; pass b',
        value: undefined,
      });
    // Stealing turned off after the sweep level, as the CLI's baseline: a sweep cannot turn it back on.
    else if (a[0]) b = { ...STEALING_OFF, config: a[0].config, where: a[0].where };
  } else if (isObject(other) && 'config' in other) {
    issues.push(...sideIssues(other, 'b'));
    b = given(other as unknown as CompareSide, 'b.config');
  } else {
    issues.push(...configIssues(other, 'b', { values: true }));
    b = given({ label: 'B', config: other as WorkstealConfig }, 'b');
  }
  return issues.length > before || !b ? null : { baseline: b, variants: a };
}

const SWEEP_FIX = 'an array of key=value1,value2,… (e.g. ["sim.research.signalSkill=0,0.5,1"]), or absent';

/** The sweep's levels as `--sweep` makes them (every combination, the first sweep outermost); null with its issues. */
function levelsOf(sweep: unknown, issues: Issue[]): SweepLevel[] | null {
  if (sweep === undefined) return sweepLevels([]);
  if (!Array.isArray(sweep) || sweep.length === 0) {
    issues.push({ where: 'sweep', message: `must be ${SWEEP_FIX}`, value: sweep });
    return null;
  }
  const name = (i: number): string => `sweep[${i}]`;
  const before = issues.length;
  sweep.forEach((text: unknown, i) => {
    if (typeof text !== 'string') {
      issues.push({ where: name(i), message: `must be a string: ${SWEEP_FIX}`, value: text });
      return;
    }
    try {
      sweepLevels([text], () => name(i));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.issues);
    }
  });
  return issues.length > before ? null : sweepLevels(sweep as string[], name);
}

/**
 * A side at a level: the level's settings on its configuration, then its own; checked by the config schema,
 * with the warnings of the configuration it makes (none for a side as given: its caller resolved it).
 */
function atLevel(side: LayeredSide, level: readonly ConfigLayer[]): Omit<ResolvedConfig, 'preset'> {
  const flags = [...level, ...side.layers];
  if (flags.length === 0) return { config: side.config, warnings: [] };
  return resolveConfig({ layers: [{ source: side.where, values: side.config }], flags });
}

/**
 * The comparison groups: one per sweep level (one, level '', without a sweep), each with B and every A at
 * that level, and the configuration warnings of the sides a level made, each once, as the CLI prints them;
 * null with the issues added (a side or a sweep malformed, or a level's value the configuration refuses,
 * named `sweep[i] key=value: key`).
 */
export async function sideGroups(
  input: SideArguments,
  issues: Issue[],
): Promise<{ groups: ComparisonGroup[]; warnings: string[] } | null> {
  const sides = sidesOf(input, issues);
  const levels = levelsOf(input.sweep, issues);
  if (!sides || !levels) return null;
  const warnings = new Set<string>();
  const resolve = (side: LayeredSide, level: readonly ConfigLayer[]) => {
    const r = atLevel(side, level);
    for (const w of r.warnings) warnings.add(w.message);
    return r;
  };
  try {
    return { groups: await sweepGroups(levels, sides, resolve), warnings: [...warnings] };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues.push(...e.issues);
    return null;
  }
}
