import { join } from 'node:path';
import { MARKETDATA } from './marketdata.js';

/**
 * A quick `compare` on real bars for tests of its outputs: SOLUSDT, two one-month windows, on this thread
 * (a second or so). Callers add their flags.
 */
export function quickCompareArgs(...extra: string[]): string[] {
  return [
    'compare',
    '--data',
    join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
    '--from',
    '2023-01-01',
    '--to',
    '2023-03-01',
    '--window',
    '1mo',
    '--threads',
    '0',
    ...extra,
  ];
}
