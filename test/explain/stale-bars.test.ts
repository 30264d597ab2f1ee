/**
 * explain --data values each symbol from its bars closed by the scenario's `now`. Bars that end long before
 * `now` (a 2030 scenario on data ending 2026) or start after it (a 2019 scenario) gave a decision with no
 * word that it rests on old bars or on none: each such symbol is named, with its last (or first) bar and now.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { STALE_AFTER_BARS, staleBarWarnings, valueScenario } from '../../src/explain/valuation.js';
import { flat, series } from '../support/bars.js';
import { runCli } from '../support/cli.js';

const HOUR = 3_600_000;
const sol = series('SOLUSDT', 'crypto', flat('2024-06-01T00:00:00Z', 24 * 10, 150)); // to 2024-06-11
const scenario = (now: string) =>
  parseScenario({
    now,
    config: { victimRanking: 'expectedValue' },
    account: { equity: 1000 },
    openOrders: [],
    request: { symbol: 'SOLUSDT', assetClass: 'crypto', side: 'buy', limitPrice: 149, qty: 1, price: 150 },
  });
const warningsAt = (now: string, s = sol): string[] => {
  const sc = scenario(now);
  const calendar = nyseCalendar();
  const v = valueScenario({
    scenario: sc,
    series: [s],
    calendar,
    ranking: 'expectedValue',
    deleverageLeadMinutes: 15,
  });
  return staleBarWarnings(v, [s], sc.now, calendar);
};

describe('staleBarWarnings', () => {
  it('names a symbol whose last bar closed more than a few bars before now, with both times', () => {
    expect(warningsAt('2030-01-01T00:00:00Z')).toEqual([
      "warning: SOLUSDT: its last bar closed 2024-06-11T00:00:00Z, 48,720 1h bars before now (2030-01-01T00:00:00Z) in memory:SOLUSDT, so it is valued from a market that old: pass bars up to 2030-01-01T00:00:00Z, or set the scenario's now inside the data",
    ]);
  });

  it('names a symbol with no bar closed by now, and its first bar', () => {
    expect(warningsAt('2019-01-01T00:00:00Z')).toEqual([
      "warning: SOLUSDT: no bar closed by now (2019-01-01T00:00:00Z); its first bar in memory:SOLUSDT opens 2024-06-01T00:00:00Z, so its fill chances are learnt from no bars: pass bars from before 2019-01-01T00:00:00Z, or set the scenario's now inside the data",
    ]);
  });

  it(`says nothing up to ${STALE_AFTER_BARS} missing bars, nor for a stock over a weekend`, () => {
    const end = Date.parse('2024-06-11T00:00:00Z');
    expect(warningsAt(new Date(end + STALE_AFTER_BARS * HOUR).toISOString())).toEqual([]);
    expect(warningsAt(new Date(end + (STALE_AFTER_BARS + 1) * HOUR).toISOString())).toHaveLength(1);
    expect(warningsAt('2024-06-05T12:30:00Z')).toEqual([]);
    // A stock series (under the requester's symbol): its last bar Friday 2024-06-07 19:00 UTC; now Monday
    // 13:30 UTC, before the open.
    const stock = series('SOLUSDT', 'stock', flat('2024-06-07T14:00:00Z', 6, 190));
    expect(warningsAt('2024-06-10T13:30:00Z', stock)).toEqual([]);
    // Tuesday noon New York: a whole session and a half without a bar.
    expect(warningsAt('2024-06-11T16:00:00Z', stock)).toHaveLength(1);
  });
});

describe('explain --data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-stale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the warning on stderr beside the decision', () => {
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 300; i++)
      lines.push(`${new Date(Date.UTC(2024, 5, 1) + i * HOUR).toISOString()},150,151,149,150,10`);
    const data = join(dir, 'SOLUSDT_1h.csv');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const file = join(dir, 'scenario.json');
    writeFileSync(
      file,
      JSON.stringify({
        now: '2030-01-01T00:00:00Z',
        config: { victimRanking: 'expectedValue' },
        account: { equity: 1000 },
        openOrders: [],
        request: {
          symbol: 'SOLUSDT',
          assetClass: 'crypto',
          side: 'buy',
          limitPrice: 149,
          qty: 1,
          price: 150,
        },
      }),
    );
    const r = runCli(['explain', '--scenario', file, '--data', data, '--no-cache']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: SOLUSDT: its last bar closed 2024-06-13T12:00:00Z');
    expect(r.stdout).not.toContain('warning');
  });
});
