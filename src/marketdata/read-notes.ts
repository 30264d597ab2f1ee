/**
 * What a command says about how it read each bar file, beside the gaps: the bar length and how the times were
 * read (the zone of naive times and why) as a note, hidden by --quiet like the gaps; and a zone of naive
 * stock times assumed without evidence as a warning, said with --quiet too. A file read in the wrong zone
 * still simulates; only these lines tell the user.
 */
import { timeframeName } from '../data/timeframe.js';
import type { LoadResult, ReadInfo } from './types.js';

const EPOCH: Record<string, string> = {
  'epoch-s': 'epoch seconds',
  'epoch-ms': 'epoch milliseconds',
  'epoch-us': 'epoch microseconds',
  'epoch-ns': 'epoch nanoseconds',
};

function barLength(intervalMs: number): string {
  return intervalMs > 0 ? `${timeframeName(intervalMs)} bars` : 'one bar';
}

function zoneText(zone: NonNullable<ReadInfo['zone']>): string {
  const fixed = /^[+-]/.test(zone.name)
    ? `the fixed offset ${zone.name} (no daylight saving time)`
    : zone.name;
  switch (zone.how) {
    case 'given':
      return `naive times read as ${fixed} (given)`;
    case 'crypto':
      return 'naive times read as UTC (crypto trades around the clock: no session to tell a zone by)';
    case 'dates':
      return 'dates without times';
    case 'assumed':
      return `naive times read as UTC by assumption (${zone.detail})`;
    case 'detected':
      return `naive times read as ${fixed} (${zone.detail})`;
  }
}

function timesText(l: LoadResult, read: ReadInfo): string {
  if (read.zone) return zoneText(read.zone);
  if (read.timeFormat === 'iso')
    return `times with UTC offsets (${l.series.source.timezone.replace(/^offsets in values \((.*)\)$/, '$1')})`;
  return `times in ${EPOCH[read.timeFormat] ?? read.timeFormat} (UTC)`;
}

function assumedZoneWarning(l: LoadResult): string[] {
  const zone = l.read?.zone;
  if (zone?.how !== 'assumed') return [];
  return [
    `warning: ${l.series.symbol}: the naive times of ${l.series.source.path} are read as UTC by assumption (${zone.detail}); if the file was written in another zone its bars are hours off: pass --timezone.`,
  ];
}

/** One `read:` line per group of files read alike (the bar length, the times); a zone assumed (warnings). */
export function readLines(loaded: readonly LoadResult[]): { notes: string[]; warnings: string[] } {
  const groups = new Map<string, string[]>();
  for (const l of loaded) {
    if (!l.read) continue;
    const text = `${barLength(l.series.intervalMs)}, ${timesText(l, l.read)}`;
    const symbols = groups.get(text);
    if (symbols) symbols.push(l.series.symbol);
    else groups.set(text, [l.series.symbol]);
  }
  return {
    notes: [...groups].map(([text, symbols]) => `read: ${symbols.join(', ')}: ${text}`),
    warnings: loaded.flatMap(assumedZoneWarning),
  };
}
