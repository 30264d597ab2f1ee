/**
 * Walk-forward folds: each fold is a train window followed directly by its test window. The test windows
 * tile the end of the data in time order, so every test window lies after the data its fold trained on and
 * no two test windows overlap.
 *
 * Windows are half-open `(from, to]`, the way `simulate` selects bars (bars closing after `from`, at or before
 * `to`), so a fold's train and test share a boundary but no bar. With `trainFraction`, boundaries fall on
 * UTC midnight (the metrics come from a daily equity curve; a window that started mid-day would score a
 * partial first day).
 */
import type { OptimizeConfig } from '../../core/config/optimize-schema.js';
import { ValidationError } from '../../core/errors.js';

export const DAY_MS = 86_400_000;

export interface Window {
  from: number;
  to: number;
}

export interface Fold {
  index: number;
  train: Window;
  test: Window;
}

export type FoldsConfig = OptimizeConfig['folds'];

export const DEFAULT_TRAIN_FRACTION = 0.5;

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

function tooShort(message: string, value: unknown): never {
  throw new ValidationError('Walk-forward folds do not fit the data', [
    { where: 'optimize.folds', message, value },
  ]);
}

/** Folds with window lengths as a share of the range, on whole UTC days. */
function byFraction(range: Window, cfg: FoldsConfig): Fold[] {
  const f = cfg.trainFraction ?? DEFAULT_TRAIN_FRACTION;
  const start = Math.ceil(range.from / DAY_MS);
  const end = Math.floor(range.to / DAY_MS);
  const days = end - start;
  const ratio = f / (1 - f); // train length per unit of test length
  const test = Math.floor(days / (cfg.count + ratio));
  let train = Math.max(1, Math.round(ratio * test));
  if (train + cfg.count * test > days) train = days - cfg.count * test;
  if (test < 1 || train < 1) {
    tooShort(
      `${cfg.count} folds with trainFraction ${f} need at least ${Math.ceil(cfg.count + ratio) + 1} whole days; the range ${day(range.from)} → ${day(range.to)} has ${Math.max(0, days)}. Use fewer folds or a longer range`,
      cfg,
    );
  }
  // Rolling: the few leftover days go unused at the start. Anchored: the first train window takes them.
  const firstTest = end - cfg.count * test;
  return Array.from({ length: cfg.count }, (_, i) => {
    const testFrom = firstTest + i * test;
    const trainFrom = cfg.scheme === 'anchored' ? start : testFrom - train;
    return {
      index: i,
      train: { from: trainFrom * DAY_MS, to: testFrom * DAY_MS },
      test: { from: testFrom * DAY_MS, to: (testFrom + test) * DAY_MS },
    };
  });
}

/** Folds of fixed lengths, the last test window ending at the end of the range. */
function byDays(range: Window, cfg: FoldsConfig, trainDays: number, testDays: number): Fold[] {
  const test = testDays * DAY_MS;
  const train = trainDays * DAY_MS;
  const end = range.to;
  const firstTest = end - cfg.count * test;
  if (firstTest - train < range.from) {
    const need = trainDays + cfg.count * testDays;
    tooShort(
      `${cfg.count} folds of testDays ${testDays} after trainDays ${trainDays} need ${need} days; the range ${day(range.from)} → ${day(range.to)} has ${((range.to - range.from) / DAY_MS).toFixed(1)}. Lower count, trainDays or testDays, or widen --from/--to`,
      cfg,
    );
  }
  return Array.from({ length: cfg.count }, (_, i) => {
    const testFrom = firstTest + i * test;
    const trainFrom = cfg.scheme === 'anchored' ? range.from : testFrom - train;
    return {
      index: i,
      train: { from: trainFrom, to: testFrom },
      test: { from: testFrom, to: testFrom + test },
    };
  });
}

/** The folds of `cfg` over `range`; throws a ValidationError naming optimize.folds when they do not fit. */
export function buildFolds(range: Window, cfg: FoldsConfig): Fold[] {
  if (!(range.to > range.from)) tooShort(`the range is empty (${day(range.from)} → ${day(range.to)})`, range);
  if (cfg.trainDays !== undefined && cfg.testDays !== undefined) {
    return byDays(range, cfg, cfg.trainDays, cfg.testDays);
  }
  return byFraction(range, cfg);
}

/** Every distinct window of the folds (a rolling fold's train window can equal the previous test window). */
export function distinctWindows(folds: readonly Fold[]): Window[] {
  const seen = new Map<string, Window>();
  for (const f of folds) {
    for (const w of [f.train, f.test]) seen.set(`${w.from}:${w.to}`, w);
  }
  return [...seen.values()];
}
