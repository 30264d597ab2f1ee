import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { FillModel } from '../../src/core/fill/model.js';
import { ReturnShrinker } from '../../src/core/fill/returns.js';
import { fillValuator } from '../../src/core/fill/valuator.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { explainScenario } from '../../src/explain/explain.js';
import { renderDecision } from '../../src/explain/render.js';
import type { Scenario } from '../../src/explain/scenario.js';
import { rng } from '../support/arbitraries.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2025-01-15T15:00:00Z');
const SYMBOLS = ['BTCUSD', 'ETHUSD', 'SOLUSD'];

/** A fill model and returns fed 300 hourly random-walk bars per symbol (seeded), as a session would. */
function valuation() {
  const assetClasses = SYMBOLS.map(() => 'crypto' as const);
  const model = new FillModel({ calendar: nyseCalendar(), assetClasses });
  const returns = new ReturnShrinker({ assetClasses });
  const r = rng(99);
  const vol = [0.004, 0.004, 0.02];
  SYMBOLS.forEach((_, i) => {
    let p = 100;
    for (let t = NOW - 300 * HOUR; t < NOW; t += HOUR) {
      const o = p;
      const c = o * Math.exp(vol[i]! * (r() - 0.5) * 3.4);
      const h = Math.max(o, c) * (1 + vol[i]! * r());
      const l = Math.min(o, c) * (1 - vol[i]! * r());
      model.onBar(i, t, o, h, l, c, HOUR);
      p = c;
    }
  });
  for (let k = 0; k < 40; k++) returns.record(0, 0.01); // BTC's fills have paid well
  for (let k = 0; k < 40; k++) returns.record(1, 0.001);
  return fillValuator({
    model,
    returns,
    symbolIndex: new Map(SYMBOLS.map((s, i) => [s, i])),
    orderValidUntil: (o) => o.placedAt + 24 * HOUR,
    requestValidUntil: (_r, now) => now + 24 * HOUR,
  });
}

const scenario: Scenario = {
  now: NOW,
  sessionOpen: false,
  account: { equity: 3_000, patternDayTrader: false },
  positions: [],
  openOrders: [
    // ETH: 2% away on a quiet symbol (unlikely to fill); SOL: 3% away on a wild one (likely).
    crypto('eth', 'ETHUSD', 102),
    crypto('sol', 'SOLUSD', 103),
  ],
  history: [],
  request: {
    symbol: 'BTCUSD',
    assetClass: 'crypto',
    side: 'buy',
    limitPrice: 100,
    qty: 10,
    price: 100.1,
    forecastPnl: 5,
    cryptoRank: null,
  },
};

function crypto(id: string, symbol: string, price: number): Scenario['openOrders'][number] {
  return {
    id,
    symbol,
    assetClass: 'crypto',
    side: 'buy',
    role: 'entry',
    limitPrice: 100,
    qty: 15,
    price,
    forecastPnl: 1,
    placedAt: NOW - 2 * HOUR,
    probe: false,
    external: false,
  };
}

describe('explain under a value ranking', () => {
  const resolved = resolveConfig({
    layers: [{ source: 'test', values: { victimRanking: 'expectedValue', stealHysteresis: 0.5 } }],
  });
  const decision = explainScenario(scenario, resolved, nyseCalendar(), { valuator: valuation() });

  it('steals the order least likely to be worth anything and keeps the numbers in the record', () => {
    expect(decision.action).toBe('steal');
    expect(decision.victims).toEqual(['eth']);
    const record = decisionRecord(decision) as {
      stealTest: { passed: boolean; lhs: number; rhs: number };
      candidates: {
        id: string;
        fillProbability: number;
        volatility: number;
        expectedValue: number;
        density: number;
      }[];
    };
    expect(record.stealTest.passed).toBe(true);
    expect(record.stealTest.lhs).toBeGreaterThanOrEqual(record.stealTest.rhs);
    const eth = record.candidates.find((c) => c.id === 'eth')!;
    const sol = record.candidates.find((c) => c.id === 'sol')!;
    expect(eth.volatility).toBeLessThan(sol.volatility);
    expect(eth.fillProbability).toBeLessThan(sol.fillProbability);
    expect(eth.density).toBeLessThan(sol.density);
    // The distance rule takes the furthest order instead: SOL, the one likely to fill.
    const byDistance = explainScenario(scenario, resolveConfig(), nyseCalendar());
    expect(byDistance.victims).toEqual(['sol']);
  });

  it('renders volatility, fill probability, EV and density per candidate, and the inequality it passed', () => {
    const text = renderDecision(decision);
    expect(text).toMatch(/victim ranking: EV per unit of margin asc/);
    for (const column of ['σ/√h', 'P fill', 'P next bar', 'EV/margin']) expect(text).toContain(column);
    expect(text).toMatch(/steal test: EV\(stealer\) − cost ≥ \(1 \+ h\) = 1\.5000 × ΣEV\(victims\)/);
    expect(text).toMatch(/PASSED, the steal pays/);
    expect(text).toMatch(/request EV/);
  });
});
