/**
 * A series whose weekends contradict its class is a warning naming the file, the count and how to give the
 * class: SOL bars read as a stock (its name says stock) with bars on every weekend, SPY bars in SPYUSD_1h.csv
 * read as crypto with none. A stock without weekends and crypto with them say nothing.
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { readLines } from '../../src/marketdata/read-notes.js';
import { barFileWriter } from '../support/bar-files.js';

const write = barFileWriter('worksteal-weekends-');
const HOUR = 3_600_000;

/** Hourly bars for six weeks from Monday 2024-01-01 (UTC), on weekends too when `weekends`. */
function file(name: string, weekends: boolean): string {
  const lines: string[] = [];
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2024, 1, 12); t += HOUR) {
    const d = new Date(t);
    if (!weekends && [0, 6].includes(d.getUTCDay())) continue;
    if (!weekends && (d.getUTCHours() < 15 || d.getUTCHours() > 20)) continue;
    lines.push(`${d.toISOString().slice(0, 19).replace('T', ' ')},10,11,9,10.5,100`);
  }
  return write(`timestamp,open,high,low,close,volume\n${lines.join('\n')}\n`, name);
}

describe('weekends that contradict the class', () => {
  it('a stock with bars on every weekend', async () => {
    const path = file('SOL_1h.csv', true);
    const r = await loadBars(path, { cacheDir: null, layout: { timezone: 'UTC' } });
    expect(readLines([r]).warnings.join('\n')).toContain(
      `warning: SOL is read as a stock (the class its name suggests), but ${path} has bars on 6 of its 6 weekends, as a market that trades around the clock has: if SOL is a crypto market, give its class: \`data import --asset-class crypto\`, or for simulate the config \`symbols\` map \`SOL: {assetClass: crypto}\`.`,
    );
    const crypto = await loadBars(path, { cacheDir: null, assetClass: 'crypto' });
    expect(readLines([crypto]).warnings).toEqual([]);
  });

  it('crypto with no weekend bars over six weeks', async () => {
    const path = file('SPYUSD_1h.csv', false);
    const r = await loadBars(path, { cacheDir: null });
    expect(r.series.assetClass).toBe('crypto');
    expect(readLines([r]).warnings.join('\n')).toContain(
      `warning: SPYUSD is read as crypto (the class its name suggests), but ${path} has no bars on any of its 5 weekends`,
    );
  });
});
