/** What `optimize` prints about a study: where it starts, and its best point with folds and sensitivity. */
import { num, table, tableWidth } from '../../report/text.js';
import { researchNote } from '../../sim/signals/skill.js';
import type { RunStudyInput } from '../../optimizer/study.js';
import { bestCell, shownParams, unusedParams, type OptimizeMeta } from '../../optimizer/output.js';
import { SENSITIVITY_INTERRUPTED, unmeasuredNote } from '../../optimizer/sensitivity.js';
import { studyLabel } from '../../optimizer/study.js';
import { day, show } from './optimize-shared.js';

/** Where the study starts: new, continued at a generation, or complete (a finished study asked again). */
export function startLine(st: Parameters<NonNullable<RunStudyInput['onStart']>>[0]): string {
  const stored = `${st.evaluations} evaluations of this objective already stored`;
  if (!st.resumed) return `${studyLabel(st.studyId)}: new (${stored})`;
  if (st.complete)
    return `${studyLabel(st.studyId)}: complete, all ${st.generation} generations already run, none runs again (${stored}; a larger --generations continues it)`;
  return `${studyLabel(st.studyId)}: continuing at generation ${st.generation + 1} (${stored})`;
}

export function printBest(meta: OptimizeMeta, quiet: boolean, out: NodeJS.WritableStream): void {
  const best = meta.best!;
  const base = meta.baseConfig as Record<string, unknown>;
  // Keys in seconds that a key in bars replaced: left out of the result line (as best.json does), marked in the tables.
  const unused = unusedParams({ ...base, ...best.params }, best.params);
  // Signals that read the future are named with the result, as simulate names them (sim is not searched).
  const research = meta.research;
  if (quiet) {
    out.write(
      `best median OOS ${meta.score} ${num(best.oos, 3)} (IS ${num(best.is, 3)}) ${Object.entries(
        shownParams(base, best.params),
      )
        .map(([k, v]) => `${k}=${show(v)}`)
        .join(' ')}${research ? ` [${research.label}]` : ''}\n`,
    );
    return;
  }
  if (research) out.write(`\n${researchNote(research, 'every candidate')}\n`);
  /** Tables fit the output's width (docs/cli.md "Output"); a fold's row is read across and stays one line. */
  const fit = { width: tableWidth(out) };
  out.write(
    `\nbest: median out-of-sample ${meta.score} ${num(best.oos, 3)}, in-sample ${num(best.is, 3)}\n${table(
      ['parameter', 'best', 'base'],
      meta.space.map((p) => [
        p.name,
        bestCell(show(best.params[p.name]), p.name, unused),
        show(base[p.name]),
      ]),
      fit,
    )}\n${table(
      ['fold', 'train', 'IS', 'test', 'OOS', 'test trades', 'test steals'],
      best.folds.map((f) => [
        f.index + 1,
        `${day(f.train.from)} → ${day(f.train.to)}`,
        num(f.train.score, 3),
        `${day(f.test.from)} → ${day(f.test.to)}`,
        num(f.test.score, 3),
        f.test.trades,
        f.test.steals,
      ]),
      { ...fit, cells: false },
    )}\n`,
  );
  if (meta.sensitivity) {
    const interrupted = meta.sensitivityStatus === 'interrupted' ? `${SENSITIVITY_INTERRUPTED}.\n` : '';
    out.write(
      `\nsensitivity (median OOS ${meta.score} as one parameter moves across its range):\n${interrupted}${table(
        ['parameter', 'best', 'OOS low', 'OOS high', 'swing'],
        meta.sensitivity.map((r) => [
          r.name,
          bestCell(show(r.best), r.name, unused),
          ...(r.complete ? [num(r.low, 3), num(r.high, 3), num(r.swing, 3)] : ['—', '—', unmeasuredNote(r)]),
        ]),
        fit,
      )}\n`,
    );
  }
}
