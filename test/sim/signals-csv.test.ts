/** The signals CSV: strict decimal numbers and times, and one symbol rule for matching signals to data. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { matchSignals, parseSignalsCsv, type ExternalSignal } from '../../src/sim/signals/csv-signals.js';

const HEADER = 'time,symbol,side,entry,take_profit,expected_pnl,valid_until';
const row = (cells: Partial<Record<'time' | 'symbol' | 'entry' | 'tp' | 'pnl' | 'until', string>>): string =>
  [
    cells.time ?? '2024-01-02T10:00:00Z',
    cells.symbol ?? 'SOLUSDT',
    'buy',
    cells.entry ?? '100',
    cells.tp ?? '110',
    cells.pnl ?? '5',
    cells.until ?? '2024-01-03T10:00:00Z',
  ].join(',');

function issuesOf(text: string): ValidationError['issues'] {
  try {
    parseSignalsCsv(text, 's.csv');
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('signals CSV values', () => {
  it.each([
    ['entry', 'Infinity', { entry: 'Infinity' }],
    ['entry', '0x10', { entry: '0x10' }],
    ['entry', 'NaN', { entry: 'NaN' }],
    ['entry', '1e999', { entry: '1e999' }],
    ['entry', '1e300', { entry: '1e300', tp: '1e301' }],
    ['take_profit', '0b1111111', { tp: '0b1111111' }],
    ['take_profit', '-Infinity', { tp: '-Infinity' }],
    ['expected_pnl', 'Infinity', { pnl: 'Infinity' }],
    ['expected_pnl', '0x5', { pnl: '0x5' }],
    ['time', '99999999999999999', { time: '99999999999999999' }],
    ['time', '9999-01-01T00:00:00Z', { time: '9999-01-01T00:00:00Z', until: '9999-01-02T00:00:00Z' }],
  ])('%s %s is refused naming the file, row, column and text', (column, text, cells) => {
    const issues = issuesOf(`${HEADER}\n${row({})}\n${row(cells)}\n`);
    expect(issues[0]).toMatchObject({ where: `s.csv:3 ${column}`, value: text });
  });

  it('plain decimals and exponents are read', () => {
    const [s] = parseSignalsCsv(`${HEADER}\n${row({ entry: '1.5e2', tp: '160', pnl: '-2.5' })}\n`, 's.csv');
    expect(s).toMatchObject({ entry: 150, takeProfit: 160, expectedPnl: -2.5 });
  });
});

describe('matching signals to data symbols', () => {
  const signal = (symbol: string): ExternalSignal => ({
    time: 0,
    symbol,
    side: 'buy',
    entry: 1,
    takeProfit: 2,
    expectedPnl: 1,
    validUntil: 1,
  });

  it('SOL/USDT signals trade SOLUSDT data, written with the data spelling', () => {
    const { signals, warnings } = matchSignals([signal('SOL/USDT'), signal('sol-usdt')], ['SOLUSDT', 'AAPL']);
    expect(signals.map((s) => s.symbol)).toEqual(['SOLUSDT', 'SOLUSDT']);
    expect(warnings).toEqual([]);
  });

  it('signals that match no data symbol are named in a warning with the data symbols', () => {
    const { signals, warnings } = matchSignals([signal('DOGE/USDT'), signal('DOGE/USDT')], ['SOLUSDT']);
    expect(signals).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('no signal matches the data');
    expect(warnings[0]).toContain('DOGE/USDT (2 rows)');
    expect(warnings[0]).toContain('the data holds SOLUSDT');
  });

  it('a symbol that could mean two data symbols is a warning, not a guess', () => {
    const { signals, warnings } = matchSignals([signal('btc-usd')], ['BTC/USD', 'BTCUSD']);
    expect(signals).toEqual([]);
    expect(warnings[0]).toContain('could mean BTC/USD or BTCUSD');
    // An exact spelling is never ambiguous.
    expect(matchSignals([signal('BTCUSD')], ['BTC/USD', 'BTCUSD']).signals).toHaveLength(1);
  });

  it('control characters in a signal symbol are shown escaped in the warning', () => {
    const { warnings } = matchSignals([signal('\u001b[2JX')], ['SOLUSDT']);
    expect(warnings[0]).toContain('\\x1b[2JX');
  });
});
