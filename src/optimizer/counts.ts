/**
 * Where a study's candidates came from, counted so that the parts add up to the candidates told to DE: told by
 * an earlier run of the study, evaluated by this run, found in the store (stored before this run asked for
 * them), or a repeat of a candidate this run had already asked for (in the same generation or an earlier
 * one; common with int and bool parameters). Evaluations of a generation the run did not finish are stored
 * but not told: they are counted apart (`unfinished`), never among the candidates.
 *
 * One home for the counts: the printed line, `--json`/`--out-meta` and the HTML report all read these.
 */
export interface CandidateCounts {
  /** Candidates told to DE, every generation of the study (= the study's `evaluations`). */
  candidates: number;
  /** Told by earlier runs of this study: a resumed study's first generations. */
  earlier: number;
  /** Distinct candidates this run evaluated, in the generations it finished. */
  evaluated: number;
  /** Distinct candidates found in the store when this run first asked for them (stored by an earlier run). */
  stored: number;
  /** Candidates equal to one this run had already asked for: nothing to run, nothing to read. */
  repeats: number;
  /** Evaluations this run stored in a generation it did not finish (interrupted): the next run tells them. */
  unfinished: number;
}

export class CandidateTally {
  private readonly asked = new Set<string>();
  private readonly counts: CandidateCounts;

  constructor(earlier: number) {
    this.counts = { candidates: earlier, earlier, evaluated: 0, stored: 0, repeats: 0, unfinished: 0 };
  }

  /**
   * A finished (told) generation: its candidates' hashes in the order asked, and which of them the store held
   * before the generation ran.
   */
  told(hashes: readonly string[], storedBefore: ReadonlySet<string>): void {
    for (const hash of hashes) {
      this.counts.candidates++;
      if (this.asked.has(hash)) this.counts.repeats++;
      else if (storedBefore.has(hash)) this.counts.stored++;
      else this.counts.evaluated++;
      this.asked.add(hash);
    }
  }

  /** A generation stopped before it was told: `evaluated` of its evaluations were run and stored. */
  unfinished(evaluated: number): void {
    this.counts.unfinished += evaluated;
  }

  get value(): CandidateCounts {
    return { ...this.counts };
  }
}

/**
 * The counts as one line, every part named: `3 generations, 18 candidates: 2 evaluated by this run, 16
 * repeats of candidates this run had already asked for`. Zero parts are left out, except the evaluations.
 */
export function candidatesLine(s: { generations: number; candidates: CandidateCounts }): string {
  const c = s.candidates;
  const parts = [`${c.evaluated} evaluated by this run`];
  if (c.stored) parts.push(`${c.stored} found in the store`);
  if (c.repeats)
    parts.push(
      `${c.repeats} repeat${c.repeats === 1 ? '' : 's'} of candidates this run had already asked for`,
    );
  if (c.earlier) parts.push(`${c.earlier} from earlier runs of this study`);
  const unfinished = c.unfinished
    ? `; ${c.unfinished} more evaluated in the unfinished generation ${s.generations + 1} (stored; the next run tells them)`
    : '';
  return `${s.generations} generation${s.generations === 1 ? '' : 's'}, ${c.candidates} candidates: ${parts.join(', ')}${unfinished}`;
}
