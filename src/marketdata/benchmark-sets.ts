import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The named data sets of ../shared/marketdata/README.md ("Suggested sets"), resolved against the folder in
 * WORKSTEAL_DATA or, by default, ../shared/marketdata beside the project.
 */
const CRYPTO_FILES = [
  'binance-eth-iamsteini/ETHUSDT_1h.csv',
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LTCUSDT_1h.csv',
  'binance-spot-yanniedog/UNIUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
] as const;

const STOCK_FILES = [
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'databento-nasdaq-tejasraj15/MSFT_1h.csv',
  'ibkr-tsla-economiaunmsm/TSLA_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
] as const;

export const BENCHMARK_SETS = {
  crypto: {
    description: 'ETH, SOL, LTC, UNI, AVAX, LINK hourly over their common window',
    files: CRYPTO_FILES,
    from: '2020-09-22T00:00:00Z',
    to: '2025-12-02T00:00:00Z',
  },
  mixed: {
    description: 'the crypto set plus AAPL, MSFT, TSLA, SPY hourly over the common window of the stocks',
    files: [...CRYPTO_FILES, ...STOCK_FILES],
    from: '2021-03-12T00:00:00Z',
    to: '2025-02-11T00:00:00Z',
  },
} as const;

export type BenchmarkSetName = keyof typeof BENCHMARK_SETS;

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the shared market data lives: WORKSTEAL_DATA, else ../shared/marketdata next to the project. */
export function marketDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.WORKSTEAL_DATA
    ? resolve(env.WORKSTEAL_DATA)
    : resolve(PROJECT_ROOT, '..', 'shared', 'marketdata');
}

export function benchmarkFiles(
  name: BenchmarkSetName,
  dir = marketDataDir(),
): { files: string[]; missing: string[] } {
  const files = BENCHMARK_SETS[name].files.map((f) => join(dir, f));
  return { files, missing: files.filter((f) => !existsSync(f)) };
}

/** What a command reads for `--benchmark <name>`: the set's files and its default range. */
export interface BenchmarkSelection {
  name: BenchmarkSetName;
  files: string[];
  from: number;
  to: number;
}

/**
 * `--benchmark <name>` resolved, or what is wrong with it in one line, for the caller to raise as its kind of
 * error: an unknown name, files missing from the market data folder (`orData`: the command also takes
 * --data, so the hint offers it), or --data given as well (a set brings its own files; one would be dropped).
 */
export function selectBenchmark(
  name: string,
  options: { dataGiven?: boolean; orData?: boolean; dir?: string } = {},
): BenchmarkSelection | { problem: string } {
  if (!(name in BENCHMARK_SETS))
    return { problem: `unknown set; choose one of ${Object.keys(BENCHMARK_SETS).join(', ')}` };
  const set = name as BenchmarkSetName;
  if (options.dataGiven)
    return { problem: 'a benchmark set brings its own files, and --data was given too; give one of them' };
  const dir = options.dir ?? marketDataDir();
  const { files, missing } = benchmarkFiles(set, dir);
  if (missing.length > 0) {
    const or = options.orData ? ', or pass files with --data' : '';
    return {
      problem: `the ${set} set needs the market data folder ${dir}, but ${missing.length} file(s) are missing (first: ${missing[0]}); set WORKSTEAL_DATA to the folder that holds it${or}`,
    };
  }
  return {
    name: set,
    files,
    from: Date.parse(BENCHMARK_SETS[set].from),
    to: Date.parse(BENCHMARK_SETS[set].to),
  };
}
