/**
 * A crypto file named like a stock (`SOL.csv`, naive times around the clock) is refused by the stock zone
 * guess. The refusal said only "pass --timezone", and following it traded SOL as a stock. When the class was
 * inferred from the name alone, the refusal now says so and how to name the class; when the caller named
 * it (or the bars never touch a weekend), it does not.
 */
import { describe, expect, it } from 'vitest';
import { loadBars, loadMany } from '../../src/marketdata/index.js';
import { barFileWriter, HOUR, T0 } from '../support/bar-files.js';

const write = barFileWriter('worksteal-zone-class-');
/** Three weeks of hourly bars, every hour of every day, written without an offset. */
const naive24x7 = (): string => {
  const rows = Array.from({ length: 21 * 24 }, (_, i) => {
    const t = new Date(T0 + i * HOUR).toISOString().slice(0, 19).replace('T', ' ');
    return `${t},10,11,9,10.5,100`;
  });
  return `time,open,high,low,close,volume\n${rows.join('\n')}\n`;
};
const refusal = (path: string, options: Parameters<typeof loadBars>[1]) =>
  loadBars(path, { cacheDir: null, ...options }).then(
    () => 'loaded',
    (e: unknown) => (e as Error).message,
  );

describe('a zone refusal of a class guessed from the name', () => {
  it('says the class came from the name and how to name it', async () => {
    const message = await refusal(write(naive24x7(), 'SOL.csv'), {});
    expect(message).toContain('cannot tell which timezone');
    expect(message).toContain('SOL was taken for a stock from its name, but its bars run through weekends');
    expect(message).toContain('`data import --asset-class crypto`');
    expect(message).toContain('`symbols: { SOL: { assetClass: crypto } }`');
  });

  it('says nothing of the name when the caller or the config named the class', async () => {
    const path = write(naive24x7(), 'SOL.csv');
    const given = await refusal(path, { assetClass: 'stock' });
    expect(given).toContain('cannot tell which timezone');
    expect(given).not.toContain('from its name');
    const viaConfig = await loadMany([path], {
      cacheDir: null,
      symbols: { SOL: { assetClass: 'stock' } },
    }).then(
      () => 'loaded',
      (e: unknown) => (e as Error).message,
    );
    expect(viaConfig).toContain('cannot tell which timezone');
    expect(viaConfig).not.toContain('from its name');
    expect(await refusal(path, { assetClass: 'crypto' })).toBe('loaded');
    // Around the clock on weekdays only: nothing says crypto, so the refusal does not suggest it.
    const weekdays = naive24x7()
      .split('\n')
      .filter((row) => ![0, 6].includes(new Date(`${row.slice(0, 10)}T00:00:00Z`).getUTCDay()))
      .join('\n');
    const noWeekend = await refusal(write(weekdays, 'SOL.csv'), {});
    expect(noWeekend).toContain('cannot tell which timezone');
    expect(noWeekend).not.toContain('from its name');
  });
});
