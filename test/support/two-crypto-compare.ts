/**
 * The library tests' comparison case: SOL and LINK hourly bars (Binance), one-month windows, orders of 60% of
 * equity so that they compete and stealing happens, seed 5. The CLI's arguments for it and the library's
 * configuration that matches them, so that a test sets the case once and compares the two.
 */
import { join } from 'node:path';
import { resolveConfig } from '../../src/index.js';
import { ROOT } from './cli.js';
import { MARKETDATA } from './marketdata.js';

const FILES = ['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'];

/** The two files, read in place from the shared market data. */
export const twoCryptoPaths = (): string[] => FILES.map((f) => join(MARKETDATA, f));

/** Where the library tests keep their bar cache. */
export const TEST_BAR_CACHE = join(ROOT, '.cache', 'test-bars');

/** `worksteal compare` over the case from `from` to `to`, on this thread, then `extra`. */
export const compareCliArgs = (from: string, to: string, ...extra: string[]): string[] => [
  'compare',
  '--data',
  ...twoCryptoPaths(),
  '--from',
  from,
  '--to',
  to,
  '--window',
  '1mo',
  '--set',
  'sim.orderFraction=0.6',
  '--seed',
  '5',
  '--threads',
  '0',
  ...extra,
];

/** The configuration the CLI resolves from `--set sim.orderFraction=0.6`, plus a side's own values. */
export const caseConfig = (values: Record<string, unknown> = {}) =>
  resolveConfig({
    layers: [
      { source: 'test', values: { sim: { orderFraction: 0.6 } } },
      { source: 'side', values },
    ],
  }).config;
