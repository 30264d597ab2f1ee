import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARK_SETS } from '../../src/marketdata/benchmark-sets.js';
import { loadMany, type LoadResult } from '../../src/marketdata/index.js';

/** ../shared/marketdata beside the project; tests that need it fail loudly when it is missing. */
export const MARKETDATA = fileURLToPath(new URL('../../../shared/marketdata/', import.meta.url));

export function requireMarketData(): string {
  if (!existsSync(MARKETDATA)) {
    throw new Error(
      `The real market data folder is missing: expected ${MARKETDATA} (../shared/marketdata beside the project). ` +
        'These tests run on real bars by design; restore the folder to run them.',
    );
  }
  return MARKETDATA;
}

export const CRYPTO_FILES: readonly string[] = BENCHMARK_SETS.crypto.files;
export const STOCK_FILES = [
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'databento-nasdaq-tejasraj15/MSFT_1h.csv',
  'ibkr-tsla-economiaunmsm/TSLA_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
];

const cache = new Map<string, Promise<LoadResult[]>>();

/** Load real files once per test process (the binary cache makes later processes fast too). */
export function loadReal(files: readonly string[]): Promise<LoadResult[]> {
  const dir = requireMarketData();
  const key = files.join('|');
  let p = cache.get(key);
  if (!p)
    cache.set(
      key,
      (p = loadMany(
        files.map((f) => join(dir, f)),
        { cacheDir: join(fileURLToPath(new URL('../../', import.meta.url)), '.cache', 'test-bars') },
      )),
    );
  return p;
}
