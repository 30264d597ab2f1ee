/**
 * `compare`'s sides from its flags: per sweep level, baseline B and each variant A (compare/groups.ts),
 * resolved by the config loader (src/compare/sides.ts), with the config warnings they gave and the warning
 * for a file variant that differs from the default baseline in more than stealing.
 */
import type { ComparisonGroup } from '../compare/compare.js';
import { sweepGroups } from '../compare/groups.js';
import { mixedSidesWarning } from '../compare/mixed-sides.js';
import {
  AS_GIVEN,
  STEALING_OFF,
  resolveSide,
  sideSpec,
  sweepLevels,
  type SideSpec,
} from '../compare/sides.js';
import { setLayer } from '../io/set-layer.js';
import { asGivenLabel } from './compare-labels.js';
import { invocation } from './invocation.js';

/** The flags that make the sides. */
export interface SideFlags {
  config?: string;
  preset?: string;
  set: string[];
  variant: string[];
  baseline?: string;
  sweep: string[];
}

/** The arguments after `compare`, to build a command from the user's own. */
const argvAfterCommand = (): string[] => process.argv.slice(process.argv.indexOf('compare', 2) + 1);

/** Every comparison group: per sweep level, B and each A, resolved by the config loader. */
export async function resolveGroups(
  opts: SideFlags,
): Promise<{ groups: ComparisonGroup[]; warnings: Set<string>; mixed: Set<string> }> {
  const common = opts.set.map((s) => setLayer(s, '--set'));
  const variants: SideSpec[] = opts.variant.length
    ? await Promise.all(opts.variant.map((v) => sideSpec(v, '--variant')))
    : [{ ...AS_GIVEN, label: asGivenLabel(opts, process.env) }];
  const baseline = opts.baseline === undefined ? STEALING_OFF : await sideSpec(opts.baseline, '--baseline');
  const base = {
    ...(opts.config ? { file: opts.config } : {}),
    ...(opts.preset ? { preset: opts.preset } : {}),
  };
  const warnings = new Set<string>();
  const mixed = new Set<string>();
  const groups = await sweepGroups(
    sweepLevels(opts.sweep),
    { baseline, variants },
    async (side, level) => {
      const r = await resolveSide(base, [...common, ...level], side);
      for (const w of r.warnings) warnings.add(w.message);
      return r;
    },
    (b, vs) => {
      // Against the default baseline a file variant brings its other keys along: named, not compared silently.
      if (opts.baseline !== undefined) return;
      variants.forEach((v, i) => {
        const w = v.file
          ? mixedSidesWarning(v.file, vs[i]!, b, argvAfterCommand(), (args) =>
              invocation(process.env, ['compare', ...args]),
            )
          : null;
        if (w) mixed.add(w);
      });
    },
  );
  return { groups, warnings, mixed };
}
