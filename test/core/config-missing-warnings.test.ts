/**
 * Legal values that do not do what their writer most likely meant are warned about: a stealEntryTolerance of
 * 0 (no waiting request may ever steal), a PDT minimum below the margin minimum, a forecaster lookback shorter
 * than its horizon, a maker fee above the taker fee and a fee above 1%. The defaults raise none of them.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';

/** The defaults' own dead-zone warnings are left out: each test looks at what its values add. */
const DEFAULT_MESSAGES = new Set(resolveConfig({}).warnings.map((w) => w.message));
const warningsOf = (values: unknown): { keys: string[]; message: string }[] =>
  resolveConfig({ layers: [{ source: 'c.json', values }] }).warnings.filter(
    (w) => !DEFAULT_MESSAGES.has(w.message),
  );
const keysOf = (values: unknown): string[] => warningsOf(values).map((w) => w.keys.join());

describe('stealEntryTolerance 0', () => {
  it('is one warning saying that no waiting request steals, not a protection or dead-zone warning', () => {
    const warnings = warningsOf({ stealEntryTolerance: 0 });
    expect(warnings.filter((w) => w.keys.includes('stealEntryTolerance'))).toEqual([
      {
        keys: ['stealEntryTolerance', 'stealingEnabled'],
        message:
          'stealEntryTolerance 0: a requester may steal only when its limit is already at or through the price (distance ≤ 0), or is one of the top 3 cryptos out of hours (force-immediate, cryptoOutOfHoursForceCount); in effect no request waiting within its entry tolerance ever steals. To turn stealing off, say stealingEnabled: false; to steal, give the distance within which a requester may (0.0057 by default)',
      },
    ]);
    expect(warningsOf({ stealEntryTolerance: 0, cryptoOutOfHoursForceCount: 0 })[0]?.message).not.toContain(
      'force-immediate',
    );
    expect(keysOf({ stealEntryTolerance: 0, stealingEnabled: false })).not.toContain(
      'stealEntryTolerance,stealingEnabled',
    );
  });

  it('protectionPct above stealEntryTolerance is no warning: a stealer closer than its victims is the point', () => {
    const keys = keysOf({ protectionPct: 0.005, stealEntryTolerance: 0.004 });
    expect(keys.filter((k) => k.startsWith('protectionPct'))).toEqual([]);
  });
});

describe('margin, forecaster and fees', () => {
  it('a PDT minimum below the margin minimum', () => {
    const values = { margin: { stock: { pdtMinEquity: 1000, marginMinEquity: 2000 } } };
    expect(warningsOf(values).find((w) => w.keys[0] === 'margin.stock.pdtMinEquity')?.message).toBe(
      'margin.stock.pdtMinEquity 1000 is below margin.stock.marginMinEquity 2000: an account under marginMinEquity may not borrow at all, so a pattern day trader gets intraday leverage only from 2000, not 1000; the PDT minimum is the larger one (25,000 against 2,000 by default)',
    );
    expect(keysOf({ margin: { stock: { pdtMinEquity: 2000, marginMinEquity: 2000 } } })).not.toContain(
      'margin.stock.pdtMinEquity,margin.stock.marginMinEquity',
    );
  });

  it('a lookback shorter than the horizon, and not one of a horizon or more', () => {
    const lookback = (lookbackBars: number): string[] =>
      keysOf({ sim: { forecaster: { lookbackBars, horizonBars: 24 } } });
    expect(lookback(10)).toContain('sim.forecaster.lookbackBars,sim.forecaster.horizonBars');
    expect(lookback(24)).toEqual([]);
  });

  it('a maker fee above the taker fee, and a fee above 1% (one warning for an absurd fee)', () => {
    const fees = (crypto: object, feesBps: number | null = null): string[] =>
      keysOf({ sim: { fees: { crypto }, feesBps } }).filter((k) => k.startsWith('sim.fees'));
    expect(fees({ makerBps: 30, takerBps: 10 })).toEqual([
      'sim.fees.crypto.makerBps,sim.fees.crypto.takerBps',
    ]);
    expect(fees({ makerBps: 50_000 })).toEqual(['sim.fees.crypto.makerBps']);
    expect(fees({ takerBps: 101 })).toEqual(['sim.fees.crypto.takerBps']);
    expect(fees({ makerBps: 100, takerBps: 100 })).toEqual([]);
    // The flat fee replaces the schedule: only it is checked then.
    expect(fees({ makerBps: 30, takerBps: 10 }, 250)).toEqual(['sim.feesBps,sim.fees', 'sim.feesBps']);
    expect(warningsOf({ sim: { fees: { crypto: { makerBps: 50_000 } } } })[0]?.message).toBe(
      "sim.fees.crypto.makerBps 50000 is 500% of every fill's notional: fees are in basis points (1 bps = 0.01%; Alpaca charges crypto 15 maker / 25 taker); check the unit",
    );
  });

  it('the defaults raise none of them', () => {
    const keys = resolveConfig({}).warnings.flatMap((w) => w.keys);
    expect(keys.filter((k) => k.startsWith('sim.') || k.startsWith('margin.'))).toEqual([]);
    expect(keys.filter((k) => k === 'stealingEnabled')).toEqual([]);
  });
});
