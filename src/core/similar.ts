/**
 * "Did you mean": the one home of name similarity for error messages (symbols, config keys, scenario fields,
 * environment variables). Pure: no I/O.
 */

/**
 * Edit distance with adjacent swaps (optimal string alignment): an insertion, a deletion, a substitution or
 * a swap of two neighbouring letters each cost one. A swap is the commonest slip at a keyboard (`form` for
 * `from`, `simualte`), and plain Levenshtein counts it as two, which puts a four-letter name out of reach.
 * Three rows; the strings are names, a few dozen characters at most.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1);
      cur[j] = d;
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length] as number;
}

/**
 * The most edits a misspelt name may be from a known one and still be suggested: one for short names, up to
 * three for long ones. Beyond that a "did you mean" is a guess, and a wrong guess misleads more than none.
 */
export function closeEnough(name: string): number {
  return name.length <= 4 ? 1 : name.length <= 10 ? 2 : 3;
}

export interface NameCandidate {
  /** What the suggestion prints, e.g. `sim.orderFraction`. */
  label: string;
  /** The name compared with the unknown one, e.g. `orderFraction`. */
  name: string;
  /** Added to the distance: ranks candidates from elsewhere (another level of a tree) after local ones. */
  penalty?: number;
}

/**
 * The candidates closest to `unknown`, compared case-insensitively (`protectionPCT` → `protectionPct`): every
 * one at the best score (a name known in two places is both). When none is within closeEnough, the names
 * that hold `unknown` as whole words (`price` → `fillPrice`, `entryTolerance` → `stealEntryTolerance`), if
 * there are at most MAX_WORD_MATCHES of them; otherwise none.
 */
export function closestNames(unknown: string, candidates: readonly NameCandidate[]): string[] {
  const target = unknown.toLowerCase();
  const limit = closeEnough(unknown);
  let best = Number.POSITIVE_INFINITY;
  let labels: string[] = [];
  for (const c of candidates) {
    const d = editDistance(target, c.name.toLowerCase());
    if (d > limit) continue;
    const score = d + (c.penalty ?? 0);
    if (score < best) [best, labels] = [score, [c.label]];
    else if (score === best && !labels.includes(c.label)) labels.push(c.label);
  }
  return labels.length > 0 ? labels : namesHoldingWords(unknown, candidates);
}

/**
 * More names than this holding the unknown one as words is no guess but a list (`tolerance` is a word of
 * four config keys): the caller's own list of what it takes says that better.
 */
const MAX_WORD_MATCHES = 2;

/** The candidates whose words hold the words of `unknown` in a row; none when more than MAX_WORD_MATCHES do. */
function namesHoldingWords(unknown: string, candidates: readonly NameCandidate[]): string[] {
  const words = wordsOf(unknown);
  // A word of one or two letters (`id`, `at`) is part of too many names to point at one.
  if (words.join('').length < 3) return [];
  const best = new Map<string, number>();
  for (const c of candidates) {
    if (!holdsInARow(wordsOf(c.name), words)) continue;
    const score = c.penalty ?? 0;
    if (!(score >= (best.get(c.label) ?? Number.POSITIVE_INFINITY))) best.set(c.label, score);
  }
  if (best.size === 0) return [];
  // As with edit distance, candidates from elsewhere (a penalty) give way to local ones.
  const least = Math.min(...best.values());
  const labels = [...best].filter(([, score]) => score === least).map(([label]) => label);
  return labels.length <= MAX_WORD_MATCHES ? labels : [];
}

/** The lower-case words of a name: split at `.`, `_`, `-`, spaces and camelCase humps (`fillPrice` → fill, price). */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s._-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** `words` appears in `name` as a run of whole words, and `name` has more words than that (not the same name). */
function holdsInARow(name: readonly string[], words: readonly string[]): boolean {
  if (name.length <= words.length) return false;
  for (let start = 0; start + words.length <= name.length; start++) {
    if (words.every((w, k) => name[start + k] === w)) return true;
  }
  return false;
}

/** `did you mean "x"?` (or `"x" or "y"`), or '' when there is nothing to suggest. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  return `did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`;
}
