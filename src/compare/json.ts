/**
 * How a paired comparison is written as JSON, by `compare --json` and by `optimize --compare --json` (its
 * `paired` block and each row's `holdout`, which are that comparison's sides): plain JSON, in which a number
 * that is not finite is null (a side that never stole has NaN steals per victim). The values are converted
 * here rather than left to the encoder, so the block reads the same whichever encoder writes the document
 * around it: `optimize --compare` keeps its study's and walk-forward scores as the optimizer writes them
 * everywhere ("-Infinity", src/optimizer/json.ts), and its comparison as `compare` writes it.
 */
import type { CompareResult } from './compare.js';
import type { CompareResult as HoldoutResult } from './holdout.js';
import type { Window } from '../optimizer/objective/folds.js';
import { boundary } from './windows.js';

const dates = (w: Window) => ({ from: boundary(w.from), to: boundary(w.to) });

/** The value as plain JSON reads it back: non-finite numbers null, undefined keys gone. */
function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** A paired comparison (windows, subsets, seed, resamples, comparisons, simulations) as both commands write it. */
export function comparisonJson(result: CompareResult): Record<string, unknown> {
  return plainJson(result) as Record<string, unknown>;
}

/** `optimize --compare`'s result: the holdout comparison as `compare --json` writes it, the study as it is. */
export function holdoutJson(result: HoldoutResult): Record<string, unknown> {
  return {
    ...result,
    // The same boundaries as text (as --from/--to take them): which dates chose, which were held out.
    dates: {
      range: dates(result.range),
      selection: dates(result.selection),
      folds: result.folds.map((f) => ({ index: f.index, train: dates(f.train), test: dates(f.test) })),
      holdout: dates(result.holdout),
    },
    rows: result.rows.map((row) => ({ ...row, holdout: plainJson(row.holdout) })),
    paired: comparisonJson(result.paired),
  };
}
