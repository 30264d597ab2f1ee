/**
 * The market data of a study: loaded once by the coordinator (and referenced in the objective spec by path,
 * symbol and SHA-256), and loaded again by each queue worker from those references, verified byte for byte.
 */
import { join, resolve } from 'node:path';
import { ValidationError } from '../core/errors.js';
import type { AssetClass } from '../core/types.js';
import { selectBenchmark } from '../marketdata/benchmark-sets.js';
import {
  expandDataArgs,
  loadBars,
  loadMany,
  type BarSeries,
  type LayoutOverride,
  type LoadResult,
} from '../marketdata/index.js';
import type { Window } from './objective/folds.js';
import type { DataRef } from './objective/objective.js';

export interface DataSelection {
  /** A named set of the market data folder (crypto, mixed). */
  benchmark?: string;
  /** Files and/or folders. */
  data?: string[];
  /** Only these symbols. */
  symbols?: string[];
}

export interface StudyData {
  loaded: LoadResult[];
  refs: DataRef[];
  /** The benchmark set's window when one was chosen. */
  defaultRange?: Window;
}

const bad = (where: string, message: string, value?: unknown): ValidationError =>
  new ValidationError('Invalid data selection', [
    { where, message, ...(value !== undefined ? { value } : {}) },
  ]);

/** Resolves the files of a selection (benchmark set or paths) without loading them. */
export async function selectFiles(sel: DataSelection): Promise<{ files: string[]; defaultRange?: Window }> {
  if (sel.benchmark !== undefined) {
    const set = selectBenchmark(sel.benchmark, { dataGiven: (sel.data?.length ?? 0) > 0, orData: true });
    if ('problem' in set) throw bad('--benchmark', set.problem, sel.benchmark);
    return { files: set.files, defaultRange: { from: set.from, to: set.to } };
  }
  if (sel.data?.length) return { files: await expandDataArgs(sel.data) };
  throw bad('--data', 'no bar files to run on: pass --data <files or folders> or --benchmark crypto|mixed');
}

export async function loadStudyData(
  sel: DataSelection,
  options: {
    configSymbols?: Record<string, { assetClass: AssetClass }>;
    onBadData?: 'refuse' | 'repair';
    /** Read every file with this layout instead of detecting it; the refs carry it to the workers. */
    layout?: LayoutOverride;
    cacheDir?: string | null;
    onNote?: (message: string) => void;
  } = {},
): Promise<StudyData> {
  const { files, defaultRange } = await selectFiles(sel);
  const layout = options.layout;
  const loaded = await loadMany(files, {
    ...(options.configSymbols ? { symbols: options.configSymbols } : {}),
    onBadData: options.onBadData ?? 'refuse',
    ...(layout ? { layout } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(sel.symbols?.length ? { only: sel.symbols } : {}),
    ...(options.onNote ? { onNote: options.onNote } : {}),
  });
  const refs = loaded.map((l) => ({
    // Absolute, so a worker started in another folder finds the same file.
    path: resolve(l.series.source.path),
    symbol: l.series.symbol,
    assetClass: l.series.assetClass,
    sha256: l.series.source.sha256,
    ...(layout ? { layout } : {}),
  }));
  return { loaded, refs, ...(defaultRange ? { defaultRange } : {}) };
}

/**
 * Where every symbol has data: from the latest first bar to the earliest last bar, so no fold tests on a
 * window where part of the portfolio did not exist yet.
 */
export function commonRange(series: readonly BarSeries[]): Window | null {
  let from = -Infinity;
  let to = Infinity;
  for (const s of series) {
    if (s.time.length === 0) return null;
    from = Math.max(from, s.time[0]!);
    to = Math.min(to, s.time[s.time.length - 1]! + s.intervalMs);
  }
  return to > from ? { from, to } : null;
}

/**
 * Refuses a path map that is not `FROM=TO` with a non-empty FROM: `mapPath` could not apply it, and the
 * worker would later say only that a file is missing.
 */
export function checkPathMaps(maps: readonly string[]): void {
  const issues = maps
    .filter((m) => m.indexOf('=') <= 0)
    .map((m) => ({
      where: '--path-map',
      message: "must be FROM=TO: the coordinator's folder, '=', and the same folder on this machine",
      value: m,
    }));
  if (issues.length > 0) throw new ValidationError('Invalid path map', issues);
}

/** A path from the coordinator's machine as seen on this one, through `FROM=TO` prefix maps. */
export function mapPath(path: string, maps: readonly string[]): string {
  for (const m of maps) {
    const eq = m.indexOf('=');
    if (eq <= 0) continue;
    const from = m.slice(0, eq);
    if (path.startsWith(from)) return join(m.slice(eq + 1), path.slice(from.length));
  }
  return path;
}

export class DataMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataMismatchError';
  }
}

/**
 * Loads the referenced files (a queue worker does this once per study) and checks each against its
 * SHA-256: a worker must never score candidates on other data than the coordinator's.
 */
export async function loadRefs(
  refs: readonly DataRef[],
  options: { onBadData: 'refuse' | 'repair'; pathMaps?: readonly string[]; cacheDir?: string | null },
): Promise<BarSeries[]> {
  return Promise.all(
    refs.map(async (ref) => {
      const path = mapPath(ref.path, options.pathMaps ?? []);
      let loaded: LoadResult;
      try {
        loaded = await loadBars(path, {
          symbol: ref.symbol,
          assetClass: ref.assetClass,
          onBadData: options.onBadData,
          ...(ref.layout ? { layout: ref.layout } : {}),
          ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
        });
      } catch (error) {
        throw new DataMismatchError(
          `cannot load ${ref.symbol} from ${path}${path === ref.path ? '' : ` (mapped from ${ref.path})`}: ${(error as Error).message} Put the same file there, or map the coordinator's folder with --path-map FROM=TO.`,
        );
      }
      if (loaded.series.source.sha256 !== ref.sha256) {
        throw new DataMismatchError(
          `${path} is not the file the study was started with: its SHA-256 is ${loaded.series.source.sha256.slice(0, 12)}…, the study's ${ref.symbol} file has ${ref.sha256.slice(0, 12)}…. Copy the coordinator's file to this machine (or fix --path-map)`,
        );
      }
      return loaded.series;
    }),
  );
}
