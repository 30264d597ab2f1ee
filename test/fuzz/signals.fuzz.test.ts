/**
 * Signal rows fuzzed: any CSV of signal rows ends in signals that are usable (finite prices on the right
 * side of each other, a time before the expiry) or in a ValidationError whose every issue names the row and
 * the column and holds the text found there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSignalsCsv } from '../../src/sim/signals/csv-signals.js';
import { FUZZ_RUNS, expectReadable, hostileText, outcome } from './support.js';

const COLUMNS = ['time', 'symbol', 'side', 'entry', 'take_profit', 'expected_pnl', 'valid_until'] as const;
type Column = (typeof COLUMNS)[number];

const plausible: Record<Column, fc.Arbitrary<string>> = {
  time: fc.constantFrom('2024-01-02T10:00:00Z', '1704189600', '1704189600000', '2024-01-02 10:00:00+01:00'),
  symbol: fc.constantFrom('SOL/USDT', 'AAPL', 'btcusd'),
  side: fc.constantFrom('buy', 'buy', 'BUY', 'sell'),
  entry: fc.constantFrom('100', '99.5', '1e2', '0.0001'),
  take_profit: fc.constantFrom('110', '110', '1.1e2', '90', '100'),
  expected_pnl: fc.constantFrom('5', '-1.5', '0'),
  valid_until: fc.constantFrom('2024-01-03T10:00:00Z', '1704276000', '1704276000', '2024-01-01T00:00:00Z'),
};

const cell = (column: Column): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: plausible[column] }, { weight: 1, arbitrary: hostileText });

const row = fc.tuple(...COLUMNS.map(cell)).map((cells) => cells as string[]);

describe('signal row fuzzing', () => {
  it(`${FUZZ_RUNS} signal files end in usable signals or a ValidationError naming row, column and text`, () => {
    const seen = { ok: 0, error: 0 };
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...COLUMNS], { minLength: 7, maxLength: 7 }),
        fc.array(row, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (order, rows, crlf) => {
          const lines = [
            order.join(','),
            ...rows.map((r) => order.map((c) => r[COLUMNS.indexOf(c)]).join(',')),
          ];
          const result = outcome(() => parseSignalsCsv(lines.join(crlf ? '\r\n' : '\n'), 's.csv'));
          if ('ok' in result) {
            seen.ok++;
            for (const s of result.ok) {
              for (const v of [s.time, s.validUntil, s.entry, s.takeProfit, s.expectedPnl])
                expect(Number.isFinite(v)).toBe(true);
              expect(s.entry).toBeGreaterThan(0);
              expect(s.validUntil).toBeGreaterThan(s.time);
              expect(s.side === 'buy' ? s.takeProfit > s.entry : s.takeProfit < s.entry).toBe(true);
            }
            return;
          }
          seen.error++;
          expectReadable(result.error);
          for (const issue of result.error.issues) {
            const m = /^s\.csv:(\d+)(?: (\w+))?$/.exec(issue.where);
            expect(m, issue.where).not.toBeNull();
            // A row whose field count is not the header's is one issue naming the row, holding the row.
            if (m![2] === undefined) {
              expect(issue.value).toBe(lines[Number(m![1]) - 1]!.trim());
              continue;
            }
            const cells = lines[Number(m![1]) - 1]!.split(',').map((s) => s.trim());
            expect(issue.value).toBe(cells[order.indexOf(m![2] as Column)]);
          }
        },
      ),
      { numRuns: FUZZ_RUNS, seed: 13_019 },
    );
    // Both outcomes are common, so the cases reach the deep checks as well as the shallow ones.
    expect(seen.ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(seen.error).toBeGreaterThan(FUZZ_RUNS / 20);
  });
});
