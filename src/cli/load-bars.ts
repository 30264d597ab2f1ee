import type { AssetClass } from '../core/types.js';
import { loadMany, type LoadResult } from '../marketdata/index.js';
import { barLoadOptions, type BarFileFlags } from './bar-flags.js';
import { listFlag } from './lists.js';
import { progressBar } from './progress.js';

/** The bars a command loads from files, read as its bar-file flags say, and the loader's notes to say. */
export interface LoadedBars {
  loaded: LoadResult[];
  notes: string[];
}

/**
 * Load `files` as the bar-file flags say (layout, --repair, --no-cache) and, when --symbols is given, only
 * those symbols; `symbols` is the config's map of asset classes. A progress line shows while it reads.
 */
export async function loadBarFiles(
  files: string[],
  symbols: Record<string, { assetClass: AssetClass }>,
  flags: BarFileFlags & { symbols?: string },
): Promise<LoadedBars> {
  const bar = progressBar('loading');
  const notes: string[] = [];
  try {
    const loaded = await loadMany(files, {
      symbols,
      ...barLoadOptions(flags),
      ...(flags.symbols !== undefined ? { only: listFlag(flags.symbols, '--symbols')! } : {}),
      onNote: (note) => notes.push(note),
    });
    return { loaded, notes };
  } finally {
    bar.stop();
  }
}
