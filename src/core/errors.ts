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

export function formatValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

export function formatIssue(issue: Issue): string {
  const value = 'value' in issue ? ` (got ${formatValue(issue.value)})` : '';
  return `${issue.where}: ${issue.message}${value}`;
}

export class ValidationError extends Error {
  readonly issues: readonly Issue[];
  constructor(what: string, issues: readonly Issue[]) {
    super(`${what}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}
