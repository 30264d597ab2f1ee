import type { Command } from 'commander';
import type { LayoutOverride } from '../marketdata/index.js';
import { CliError } from './errors.js';

/** The flags that override layout detection, shared by every command that reads bar files. */
export interface LayoutFlags {
  timezone?: string;
  timeColumn?: string;
  columns?: string;
}

export function addLayoutFlags(command: Command): Command {
  return command
    .option('--timezone <tz>', 'override detection: zone of naive times (UTC, America/New_York, or -05:00)')
    .option('--time-column <name>', 'override detection: the column that holds the bar time')
    .option(
      '--columns <o,h,l,c,v>',
      'override detection: open,high,low,close[,volume] column names or indexes',
    );
}

const nameOrIndex = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);

/** The loader's `layout` option from the flags; empty when none was given. */
export function layoutOverride(flags: LayoutFlags): { layout?: LayoutOverride } {
  const layout: LayoutOverride = {};
  if (flags.timezone) layout.timezone = flags.timezone;
  if (flags.timeColumn) layout.timeColumn = nameOrIndex(flags.timeColumn);
  if (flags.columns) {
    const names = flags.columns.split(',').map((c) => c.trim());
    if (names.length < 4 || names.length > 5 || names.some((n) => n === '')) {
      throw new CliError(
        `--columns ${JSON.stringify(flags.columns)}: give open,high,low,close[,volume], e.g. --columns Open,High,Low,Close,Volume`,
      );
    }
    const [open, high, low, close, volume] = names.map(nameOrIndex);
    layout.columns = { open, high, low, close, ...(volume === undefined ? {} : { volume }) };
  }
  return Object.keys(layout).length ? { layout } : {};
}
