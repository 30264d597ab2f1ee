import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import {
  decompose,
  groupOf,
  partName,
  SignalLog,
  signalKey,
  type Part,
  type RunRecord,
  type TradeTally,
} from '../../scripts/steal-decomposition-parts.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';

/**
 * The arithmetic of scripts/steal-decomposition.ts: PnL(on) − PnL(off) split signal by signal must add up to
 * the whole, count every traded signal once, and put each in the part its fate names.
 */

const tally = (): TradeTally => ({ trades: 0, pnl: 0, notional: 0, timeStops: 0 });

function record(input: Partial<RunRecord> & { pnlBySignal: Map<string, number> }): RunRecord {
  const interest = input.interest ?? 0;
  let pnl = -interest;
  for (const x of input.pnlBySignal.values()) pnl += x;
  return {
    createdAt: new Map(),
    stealers: new Set(),
    victims: new Set(),
    placed: new Set(input.pnlBySignal.keys()),
    lastDecision: new Map(),
    held: new Map(),
    signals: new Map(),
    tradesBy: { stealer: tally(), other: tally() },
    fees: 0,
    trades: input.pnlBySignal.size,
    ...input,
    interest,
    pnl,
  };
}

const part = (parts: readonly Part[], name: string): Part => {
  const p = parts.find((x) => partName(x) === name);
  if (!p) throw new Error(`no part ${name}`);
  return p;
};

describe('steal decomposition', () => {
  it('puts each signal in the part its fate names, and the parts and the interest add up to the whole', () => {
    const H = 3_600_000;
    const on = record({
      pnlBySignal: new Map([
        ['SOL|10', 50], // the stealer, traded with stealing off too
        ['ETH|20', 30], // a stealer the run without stealing asked for and blocked
        ['LTC|30', -5], // traded in both
      ]),
      stealers: new Set(['SOL|10', 'ETH|20']),
      victims: new Set(['UNI|40']),
      placed: new Set(['SOL|10', 'ETH|20', 'LTC|30', 'UNI|40']),
      // While stealing on held LINK's position, stealing off took up and traded LINK|9.
      held: new Map([['LINK', [{ from: 0, to: 5 * H, signal: 'LINK|2' }]]]),
      interest: 4,
    });
    const off = record({
      pnlBySignal: new Map([
        ['SOL|10', 20],
        ['LTC|30', 7],
        ['UNI|40', 11], // the victim, left alone, filled
        ['LINK|9', -3],
      ]),
      createdAt: new Map([['LINK|9', 2 * H]]),
      lastDecision: new Map([['ETH|20', 'block:stealing-disabled']]),
      interest: 1,
    });
    const d = decompose(on, off);
    expect(part(d.parts, 'both | stealer').pnl).toBe(30);
    expect(part(d.parts, 'both | other').pnl).toBe(-12);
    expect(part(d.parts, 'on only | stealer | asked, never placed').pnl).toBe(30);
    expect(part(d.parts, 'off only | victim | stolen there').pnl).toBe(-11);
    expect(part(d.parts, 'off only | other | symbol held a position').pnl).toBe(3);
    expect(d.interest).toBe(-3);
    expect(d.total).toBe(on.pnl - off.pnl);
    expect(d.total).toBe(75 - 4 - (35 - 1));
    expect(d.residual).toBe(0);
    expect(d.neverPlaced.get('off: block:stealing-disabled')).toEqual({ signals: 1, pnl: 30 });
    expect(groupOf(part(d.parts, 'off only | victim | stolen there'))).toBe('victim signals');
  });

  it('on random records, every traded signal is counted once and the parts add up to the whole', () => {
    const key = fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.integer({ min: 0, max: 30 }));
    const book = fc.dictionary(
      key.map(([s, t]) => signalKey(s, t)),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    );
    const keys = fc.uniqueArray(key.map(([s, t]) => signalKey(s, t)));
    fc.assert(
      fc.property(
        book,
        book,
        keys,
        keys,
        fc.double({ min: 0, max: 100, noNaN: true }),
        (a, b, stealers, victims, interest) => {
          const on = record({
            pnlBySignal: new Map(Object.entries(a)),
            stealers: new Set(stealers),
            victims: new Set(victims),
            interest,
          });
          const off = record({ pnlBySignal: new Map(Object.entries(b)) });
          const d = decompose(on, off);
          const traded = new Set([...Object.keys(a), ...Object.keys(b)]);
          expect(d.parts.reduce((n, p) => n + p.signals, 0)).toBe(traded.size);
          expect(Math.abs(d.residual)).toBeLessThan(1e-6 * (1 + Math.abs(d.total)));
        },
      ),
      { seed: 40, numRuns: 300 },
    );
  });

  it('on a month of real bars with steals, every trade joins its signal and the parts add up to the whole', async () => {
    const loaded = await loadReal([...CRYPTO_FILES.slice(0, 3), ...STOCK_FILES.slice(0, 2)]);
    const series = loaded.map((l) => l.series);
    const from = Date.parse('2022-03-01T00:00:00Z');
    const to = Date.parse('2022-04-01T00:00:00Z');
    const run = (values: Record<string, unknown>) => {
      const config = resolveConfig({
        layers: [{ source: 'test', values: { ...values, sim: { orderFraction: 0.45 } } }],
      }).config;
      const log = new SignalLog();
      const out = simulate({
        series,
        config,
        calendar: nyseCalendar(),
        from,
        to,
        keepWaits: true,
        onEntryPlaced: log.onEntryPlaced,
      });
      return { record: log.record(out), out };
    };
    const on = run({});
    const off = run({ stealingEnabled: false });
    expect(on.out.steals.length).toBeGreaterThan(0);
    const d = decompose(on.record, off.record);
    expect(d.total).toBeCloseTo(on.out.finalEquity - off.out.finalEquity, 6);
    expect(Math.abs(d.residual)).toBeLessThan(1e-6);
    const stealerSignals = d.parts.filter((p) => p.role === 'stealer').reduce((n, p) => n + p.signals, 0);
    expect(stealerSignals).toBeGreaterThan(0);
    const traded = new Set([...on.record.pnlBySignal.keys(), ...off.record.pnlBySignal.keys()]);
    expect(d.parts.reduce((n, p) => n + p.signals, 0)).toBe(traded.size);
  });
});
