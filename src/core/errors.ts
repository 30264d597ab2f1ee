/**
 * Errors a person can act on. Each issue names where the problem is (a key path, a file and row, a symbol),
 * the bad value, and what to do about it.
 */
export interface Issue {
  /** Dotted path or location, e.g. `request.qty`, `config.protectionPct`, `AAPL_1h.csv:17`. */
  where: string;
  message: string;
  value?: unknown;
}

/**
 * C0 and C1 control characters, DEL, and the bidirectional overrides and isolates: a terminal acts on them
 * (colours, cursor moves, title changes, reordered text) instead of showing them.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * User text made safe to echo in a message: every control or bidi character becomes a visible escape
 * (`\x1b`, `\u202e`), so an input cannot drive the terminal that prints the error. Every error type that
 * quotes input (ValidationError, DataError) passes it through here.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const PREVIEW_CHARS = 80;
/** Nesting shown in a value preview; deeper parts print as `[…]` / `{…}`, so no input can exhaust the stack. */
const PREVIEW_DEPTH = 4;
const PREVIEW_ITEMS = 8;

/** A short JSON-like preview of any value, bounded in depth, width and length; never throws. */
function preview(value: unknown, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, PREVIEW_CHARS));
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  const isArray = Array.isArray(value);
  if (depth >= PREVIEW_DEPTH) return isArray ? '[…]' : '{…}';
  const entries = isArray ? value.map((v): [string, unknown] => ['', v]) : Object.entries(value);
  const shown = entries
    .slice(0, PREVIEW_ITEMS)
    .map(([k, v]) => (isArray ? '' : `${JSON.stringify(k)}:`) + preview(v, depth + 1));
  if (entries.length > PREVIEW_ITEMS) shown.push('…');
  return isArray ? `[${shown.join(',')}]` : `{${shown.join(',')}}`;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'missing';
  try {
    const text = printable(preview(value, 0));
    return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 3)}...` : text;
  } catch {
    // A proxy or getter that throws: say so rather than fail while reporting another error.
    return '(a value that cannot be shown)';
  }
}

export function formatIssue(issue: Issue): string {
  const value = 'value' in issue ? ` (got ${formatValue(issue.value)})` : '';
  return `${printable(issue.where)}: ${printable(issue.message)}${value}`;
}

export class ValidationError extends Error {
  readonly issues: readonly Issue[];
  /** What was refused, without the issues (the message's first line). */
  readonly what: string;
  constructor(what: string, issues: readonly Issue[]) {
    super(`${printable(what)}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ValidationError';
    this.issues = issues;
    this.what = printable(what);
  }
}
