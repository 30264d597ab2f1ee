import type { Command } from 'commander';
import type { LayoutOverride } from '../marketdata/index.js';
import { REPAIR_ACTIONS } from '../marketdata/errors.js';
import { CliError } from './errors.js';

/**
 * The flags that say how bar files are read, the same on every command that reads them (simulate, compare,
 * optimize, explain --data, run and serve --broker replay): the layout overrides, what to do with bad rows,
 * and the binary bar cache. A file one command reads, every other reads the same way, with the same flags.
 */
export interface BarFileFlags {
  timezone?: string;
  timeColumn?: string;
  columns?: string;
  repair?: boolean;
  /** false under --no-cache. */
  cache?: boolean;
}

/** The layout overrides alone (`data import` gives --repair and --no-cache its own words). */
export type LayoutFlags = Pick<BarFileFlags, 'timezone' | 'timeColumn' | 'columns'>;

export function addLayoutFlags(command: Command, scope = ''): Command {
  return command
    .option(
      '--timezone <tz>',
      `${scope}override detection: zone of naive times (UTC, America/New_York, or -05:00)`,
    )
    .option('--time-column <name>', `${scope}override detection: the column that holds the bar time`)
    .option(
      '--columns <o,h,l,c,v>',
      `${scope}override detection: open,high,low,close[,volume] column names or indexes`,
    );
}

/**
 * Every bar-file flag: the layout overrides, --repair and --no-cache. `scope` starts each description (e.g.
 * "replay: " where only one mode reads bars).
 */
export function addBarFileFlags(command: Command, scope = ''): Command {
  return addLayoutFlags(command, scope)
    .option('--repair', `${scope}${REPAIR_HELP}`)
    .option('--no-cache', `${scope}do not read or write the binary bar cache`);
}

/** --repair's help, the same on every command that takes it (data import and start too). */
export const REPAIR_HELP = `${REPAIR_ACTIONS}, instead of refusing the file`;

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

/** What the bar-file flags ask of the loader (loadMany's options of the same names). */
export interface BarLoadOptions {
  onBadData: 'refuse' | 'repair';
  layout?: LayoutOverride;
  /** null: neither read nor write the binary bar cache. */
  cacheDir?: null;
}

export function barLoadOptions(flags: BarFileFlags): BarLoadOptions {
  return {
    onBadData: flags.repair ? 'repair' : 'refuse',
    ...layoutOverride(flags),
    ...(flags.cache === false ? { cacheDir: null } : {}),
  };
}
