/**
 * The library's `compareReport`: a `compare()` result as `worksteal compare` renders it, by the CLI's own code
 * (compare/report.ts compareTextOutput and compareMarkdownOutput, compare/html.ts renderCompareReport), so the
 * same result gives the same text, Markdown and HTML page. Its arguments are checked first (a ValidationError
 * naming the argument, its value and what to pass).
 */
import { ValidationError, type Issue } from './core/errors.js';
import { checkedOptionIssues, type OptionChecks } from './core/option-names.js';
import { renderCompareReport } from './compare/html.js';
import { bothSidesLine, compareMarkdownOutput, compareTextOutput, researchNotes } from './compare/report.js';
import { PIPE_WIDTH } from './report/text.js';
import type { CompareOutput } from './library-compare.js';
import { isObject } from './library-checks.js';

/** What {@link compareReport} takes besides the result; every option may be left out. */
export interface CompareReportOptions {
  /** `text` (the default): what `worksteal compare` prints; `markdown`: its `--markdown` file; `html`: its `--report` page. */
  format?: 'text' | 'markdown' | 'html';
  /** The data's name above the tables; default the result's `data` (the symbols compared). */
  data?: string;
  /** Markdown and HTML: the command recorded under the settings line; default `compare() from the worksteal library`. */
  command?: string;
  /** Text: the window tables and the notes on the columns (default true); false prints what `--quiet` prints. */
  detail?: boolean;
  /** Text: the width the tables fit (default 100, what the CLI writes to a file or a pipe); null: as wide as they are. */
  width?: number | null;
  /** Settings both sides take on top of their own, said above the tables as `both sides: …` (as the CLI says its `--set` values). */
  bothSides?: readonly string[];
}

const FORMATS = ['text', 'markdown', 'html'] as const;
const DEFAULT_COMMAND = 'compare() from the worksteal library';

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim().length > 0;
const OPTIONS: OptionChecks = {
  format: { ok: (v) => FORMATS.includes(v as never), fix: '"text", "markdown" or "html"' },
  data: { ok: nonEmpty, fix: 'a non-empty name for the data, e.g. "crypto"' },
  command: { ok: nonEmpty, fix: 'the non-empty command line or call that made the result' },
  detail: { ok: (v) => typeof v === 'boolean', fix: 'true or false' },
  width: {
    ok: (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 1),
    fix: 'a whole number of columns ≥ 1 (e.g. process.stdout.columns), or null for no limit',
  },
  bothSides: {
    ok: (v) => Array.isArray(v) && v.every(nonEmpty),
    fix: 'an array of settings, e.g. ["sim.orderFraction=0.6"]',
  },
};

/** What compareReport reads of a result: anything else (a result from an older version, a hand-made object) is refused. */
function resultIssues(result: unknown): Issue[] {
  const fix = 'pass what await compare({ … }) returned';
  if (!isObject(result)) return [{ where: 'result', message: `must be a comparison: ${fix}`, value: result }];
  const issues: Issue[] = [];
  for (const key of ['windows', 'subsets', 'comparisons', 'sides'] as const) {
    const value = result[key];
    if (!Array.isArray(value) || value.length === 0)
      issues.push({ where: `result.${key}`, message: `must be a non-empty array: ${fix}`, value });
  }
  if (typeof result.data !== 'string')
    issues.push({ where: 'result.data', message: `must be the data's name: ${fix}`, value: result.data });
  // Absent from a result of a version without the sweep: read as none.
  const sweep = result.sweep;
  if (sweep !== undefined && !(Array.isArray(sweep) && sweep.every((s) => typeof s === 'string')))
    issues.push({ where: 'result.sweep', message: `must be the sweep as given: ${fix}`, value: sweep });
  return issues;
}

/**
 * A {@link compare} result as `worksteal compare` renders it: `text` (the default) is what it prints on
 * stdout, `--quiet` with `detail: false`; `markdown` is the file `--markdown` writes; `html` the self-contained
 * page `--report` writes (charts inlined, nothing fetched). Each starts with the research lines of a side whose
 * signals read the future, as the CLI's do. Throws a ValidationError naming each bad argument.
 */
export function compareReport(result: CompareOutput, options: CompareReportOptions = {}): string {
  const issues = [...resultIssues(result), ...checkedOptionIssues(options, OPTIONS)];
  if (issues.length) throw new ValidationError('Invalid compareReport() input', issues);
  const data = options.data ?? result.data;
  const command = options.command ?? DEFAULT_COMMAND;
  const heads = {
    research: researchNotes(result.sides),
    bothSides: bothSidesLine(options.bothSides ?? []),
  };
  switch (options.format ?? 'text') {
    case 'markdown':
      return compareMarkdownOutput(result, data, command, heads);
    case 'html':
      return renderCompareReport({
        result,
        groups: result.sides,
        data,
        command,
        bothSides: heads.bothSides,
        sweeps: result.sweep ?? [],
      });
    default: {
      const width = options.width === undefined ? PIPE_WIDTH : (options.width ?? undefined);
      return compareTextOutput(result, data, heads, options.detail ?? true, width);
    }
  }
}
