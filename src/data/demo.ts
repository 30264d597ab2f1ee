/**
 * Where `worksteal start` (npm start) takes its data from, in order:
 *   1. WORKSTEAL_DATA, when set: the crypto benchmark set in that folder;
 *   2. ../shared/marketdata beside the project, when it holds the crypto benchmark set;
 *   3. the local data folder (--dir, WORKSTEAL_DATA_DIR, ./data), when its manifest lists bars;
 *   4. otherwise: download DEFAULT_SET into the local data folder.
 * A folder named on the command line (--dir) is the one asked for: steps 1 and 2 are skipped, as a flag
 * typed now wins over a variable exported earlier (docs/cli.md).
 * This module only decides; the command runs the simulation or the download.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchmarkFiles, marketDataDir } from '../marketdata/benchmark-sets.js';
import { DataStore, selectEntries } from './store.js';
import type { ManifestEntry } from './manifest.js';

/** The default set a new user gets: small, public (no key), and what the crypto simulator is tuned for. */
export const DEFAULT_SET = {
  source: 'ccxt:binance',
  exchange: 'binance',
  symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
  timeframe: '1h',
  years: 3,
} as const;

/** Start of the default download: UTC midnight, DEFAULT_SET.years before `now` (stable within a day). */
export function defaultSetFrom(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear() - DEFAULT_SET.years, d.getUTCMonth(), d.getUTCDate());
}

export type DemoData =
  | { kind: 'benchmark'; dir: string; files: string[]; why: 'WORKSTEAL_DATA' | 'shared' }
  | { kind: 'store'; dir: string; entries: ManifestEntry[]; timeframe: string }
  | { kind: 'download'; dir: string };

/**
 * The shared folder's location: WORKSTEAL_TEST_SHARED_DIR (tests use it to pretend there is none), else
 * ../shared/marketdata beside the project.
 */
export function sharedDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.WORKSTEAL_TEST_SHARED_DIR ? resolve(env.WORKSTEAL_TEST_SHARED_DIR) : marketDataDir({});
}

export async function findDemoData(
  env: Readonly<Record<string, string | undefined>>,
  dataDir: string,
  options: { dirGiven?: boolean } = {},
): Promise<DemoData> {
  if (options.dirGiven) return localData(dataDir);
  if (env.WORKSTEAL_DATA) {
    const dir = marketDataDir(env);
    // Set on purpose: use it even when incomplete, so the simulate command's message says what is missing.
    return { kind: 'benchmark', dir, files: benchmarkFiles('crypto', dir).files, why: 'WORKSTEAL_DATA' };
  }
  const shared = sharedDir(env);
  if (existsSync(shared)) {
    const set = benchmarkFiles('crypto', shared);
    if (set.missing.length === 0) return { kind: 'benchmark', dir: shared, files: set.files, why: 'shared' };
  }
  return localData(dataDir);
}

/** The local data folder: what its manifest lists, else a download of DEFAULT_SET into it. */
async function localData(dataDir: string): Promise<DemoData> {
  if (existsSync(dataDir)) {
    const manifest = await new DataStore(dataDir).read();
    const { entries, timeframe } = selectEntries(manifest);
    if (entries.length > 0 && timeframe !== null) return { kind: 'store', dir: dataDir, entries, timeframe };
  }
  return { kind: 'download', dir: dataDir };
}
