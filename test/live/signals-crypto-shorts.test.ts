/**
 * `run` with a signals file says, each time it reads the file, which crypto symbols' sell rows it will not
 * trade (they would open shorts: crypto is cash-only, core/margin/requirements.ts entryAllowed), matching the file's
 * spelling of a symbol to the run's as everywhere else (ETHUSD is ETH/USD). A stock's sell row is not named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvSignals } from '../../src/live/signals-source.js';
import { Logger, MemorySink } from '../../src/ports/log.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-crypto-shorts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const header = 'time,symbol,side,entry,take_profit,expected_pnl,valid_until';
const row = (symbol: string, side: string): string =>
  `2024-06-01T00:00:00Z,${symbol},${side},100,${side === 'buy' ? 110 : 90},5,2024-06-02T00:00:00Z`;

describe('run: crypto sell signals are named when the file is read', () => {
  it('at open and at each reload, naming the crypto symbols only', async () => {
    const path = join(dir, 'signals.csv');
    writeFileSync(
      path,
      [header, row('ETHUSD', 'sell'), row('ETHUSD', 'sell'), row('AAPL', 'sell')].join('\n'),
    );
    const sink = new MemorySink();
    const csv = await CsvSignals.open(path, new Logger([sink]), ['ETH/USD', 'BTC/USD']);
    try {
      const said = (): string[] => sink.lines.filter((l) => l.includes('signals-crypto-shorts-ignored'));
      expect(said()).toHaveLength(1);
      expect(said()[0]).toContain('ETHUSD (2 rows)');
      expect(said()[0]).not.toContain('AAPL');
      writeFileSync(path, [header, row('BTC/USD', 'sell'), row('ETHUSD', 'buy')].join('\n'));
      await csv.refresh();
      expect(said()).toHaveLength(2);
      expect(said()[1]).toContain('BTC/USD (1 row)');
      writeFileSync(path, [header, row('ETHUSD', 'buy')].join('\n'));
      await csv.refresh();
      expect(said()).toHaveLength(2);
    } finally {
      csv.close();
    }
  });
});
