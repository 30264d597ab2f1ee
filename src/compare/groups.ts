/**
 * The groups a comparison runs, for the CLI (src/cli/compare-groups.ts: sides from flags, resolved by the
 * config loader) and the library (src/library-sides.ts: sides given as resolved configurations): one group
 * per sweep level (sides.ts sweepLevels), in which baseline B and each variant A are resolved with the level's
 * settings. Each side resolves the level's layers before its own, so B's "stealing off" stays off whatever a
 * sweep sets.
 */
import type { WorkstealConfig } from '../core/config/schema.js';
import type { ConfigLayer } from '../io/set-layer.js';
import type { ComparisonGroup } from './compare.js';
import type { SweepLevel } from './sides.js';

/** B and the As compared with it, each named by its label. */
export interface GroupSides<S extends { label: string }> {
  baseline: S;
  variants: readonly S[];
}

/**
 * One group per level, in the levels' order: B and each A resolved by `resolve(side, level.layers)`.
 * `atLevel` sees each level's resolved sides (the CLI warns there about a file variant that differs from the
 * default baseline in more than stealing).
 */
export async function sweepGroups<S extends { label: string }, R extends { config: WorkstealConfig }>(
  levels: readonly SweepLevel[],
  sides: GroupSides<S>,
  resolve: (side: S, layers: readonly ConfigLayer[]) => R | Promise<R>,
  atLevel?: (baseline: R, variants: readonly R[]) => void,
): Promise<ComparisonGroup[]> {
  const groups: ComparisonGroup[] = [];
  for (const level of levels) {
    const b = await resolve(sides.baseline, level.layers);
    const vs = await Promise.all(sides.variants.map((v) => resolve(v, level.layers)));
    atLevel?.(b, vs);
    groups.push({
      level: level.label,
      baseline: { label: sides.baseline.label, config: b.config },
      variants: vs.map((r, i) => ({ label: sides.variants[i]!.label, config: r.config })),
    });
  }
  return groups;
}
