/**
 * --calendar, worded the same on every command that takes it (simulate, compare, explain): the sessions file
 * is JSON or YAML (src/io/load-calendar.ts reads either; docs/cli.md "The sessions file").
 */
export const CALENDAR_HELP =
  'exchange sessions file (JSON or YAML; docs/cli.md "The sessions file") instead of the built-in NYSE calendar (2000–2035)';
