import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { ValidationError } from '../../src/core/errors.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { explainScenario } from '../../src/explain/explain.js';
import { renderDecision } from '../../src/explain/render.js';
import { parseScenario, type Scenario } from '../../src/explain/scenario.js';
import { valuationRecord, valueScenario } from '../../src/explain/valuation.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { rng } from '../support/arbitraries.js';

const HOUR = 3_600_000;
const calendar = nyseCalendar();
const START = Date.parse('2024-01-01T00:00:00Z');
const BARS = 900;
const SYMBOLS = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'];

/** A seeded hourly random walk per symbol (crypto: no closed market), as the loader would give it. */
function walk(symbol: string, seed: number, vol: number): BarSeries {
  const r = rng(seed);
  const cols = Array.from({ length: 5 }, () => new Float64Array(BARS));
  const [open, high, low, close, volume] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const time = Float64Array.from({ length: BARS }, (_, i) => START + i * HOUR);
  let p = 100;
  for (let i = 0; i < BARS; i++) {
    const c = p * Math.exp(vol * (r() - 0.5) * 3.4);
    open[i] = p;
    close[i] = c;
    high[i] = Math.max(p, c) * (1 + vol * r());
    low[i] = Math.min(p, c) * (1 - vol * r());
    volume[i] = 1;
    p = c;
  }
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: HOUR,
    time,
    open,
    high,
    low,
    close,
    volume,
    source: { path: `${symbol}.csv`, sha256: '', layout: 'synthetic', timezone: 'UTC' },
  };
}

const SERIES = SYMBOLS.map((s, k) => walk(s, 7 + k, [0.004, 0.006, 0.02][k]!));

/** The last close known at `now` (the reference price a bot would quote). */
function lastClose(s: BarSeries, now: number): number {
  let i = 0;
  while (i + 1 < s.time.length && s.time[i + 1]! + HOUR <= now) i++;
  return s.close[i]!;
}

/** Two resting buys (the quiet symbol's far, the wild one's nearer) and a requester that must steal. */
function scenarioAt(now: number): Scenario {
  const [a, b, c] = SERIES.map((s) => lastClose(s, now)) as [number, number, number];
  const order = (id: string, symbol: string, price: number, away: number, qty: number) => ({
    id,
    symbol,
    assetClass: 'crypto' as const,
    side: 'buy' as const,
    role: 'entry' as const,
    limitPrice: price * (1 - away),
    qty,
    price,
    forecastPnl: 1,
    placedAt: now - 2 * HOUR,
    probe: false,
    external: false,
  });
  return {
    now,
    sessionOpen: false,
    account: { equity: 3_000, patternDayTrader: false },
    positions: [],
    openOrders: [order('far', 'BBBUSDT', b, 0.04, 1_400 / b), order('near', 'CCCUSDT', c, 0.01, 1_400 / c)],
    history: [],
    request: {
      symbol: 'AAAUSDT',
      assetClass: 'crypto',
      side: 'buy',
      limitPrice: a * 0.999,
      qty: 1_000 / a,
      price: a,
      forecastPnl: 5,
      cryptoRank: null,
    },
    validUntil: { request: now + 6 * HOUR, orders: new Map([['far', now + 24 * HOUR]]) },
  };
}

function decideWith(
  scenario: Scenario,
  series: readonly BarSeries[],
  ranking: 'expectedValue' | 'fillProbability',
) {
  const resolved = resolveConfig({ layers: [{ source: 'test', values: { victimRanking: ranking } }] });
  const valued = valueScenario({ scenario, series, calendar, ranking, deleverageLeadMinutes: 15 });
  const decision = explainScenario(scenario, resolved, calendar, valued.valuation.coordinatorOptions());
  return {
    decision,
    valued,
    json: JSON.stringify({ ...decisionRecord(decision), v: valuationRecord(valued, scenario) }),
  };
}

/** The series with every bar that opens at or after `now` replaced by noise (times kept). */
function tamperedAfter(s: BarSeries, now: number, seed: number): BarSeries {
  const r = rng(seed);
  const copy = {
    ...s,
    open: s.open.slice(),
    high: s.high.slice(),
    low: s.low.slice(),
    close: s.close.slice(),
  };
  for (let i = 0; i < s.time.length; i++) {
    if (s.time[i]! < now) continue;
    const base = 1 + 200 * r();
    copy.open[i] = base;
    copy.close[i] = base * (0.5 + r());
    copy.high[i] = Math.max(copy.open[i]!, copy.close[i]!) * (1 + r());
    copy.low[i] = Math.min(copy.open[i]!, copy.close[i]!) * (1 - 0.5 * r());
  }
  return copy;
}

/** The series without the bars that open after `now`, as a file cut at `now` would load. */
function cutAfter(s: BarSeries, now: number): BarSeries {
  let n = 0;
  while (n < s.time.length && s.time[n]! <= now) n++;
  return {
    ...s,
    time: s.time.slice(0, n),
    open: s.open.slice(0, n),
    high: s.high.slice(0, n),
    low: s.low.slice(0, n),
    close: s.close.slice(0, n),
    volume: s.volume.slice(0, n),
  };
}

describe('explain values a scenario from the bars closed by its time, as the simulator does', () => {
  it('no look-ahead: bars after now, changed or cut away, change nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: BARS - 30 }),
        fc.integer({ min: 0, max: HOUR - 1 }),
        fc.constantFrom('expectedValue' as const, 'fillProbability' as const),
        fc.integer({ min: 1, max: 1_000_000 }),
        (bar, offset, ranking, seed) => {
          const now = START + bar * HOUR + offset;
          const scenario = scenarioAt(now);
          const base = decideWith(scenario, SERIES, ranking).json;
          const tampered = SERIES.map((s, k) => tamperedAfter(s, now, seed + k));
          expect(decideWith(scenario, tampered, ranking).json).toBe(base);
          expect(
            decideWith(
              scenario,
              SERIES.map((s) => cutAfter(s, now)),
              ranking,
            ).json,
          ).toBe(base);
        },
      ),
      { seed: 12, numRuns: 40 },
    );
  });

  it('feeds the newest VALUATION_WARMUP_BARS closed bars and values every candidate', () => {
    const now = START + 700 * HOUR;
    const { decision, valued } = decideWith(scenarioAt(now), SERIES, 'expectedValue');
    expect(valued.barMs).toBe(HOUR);
    for (const s of valued.symbols) {
      expect(s.bars).toBe(500);
      expect(s.lastClose).toBe(now);
      expect(s.firstOpen).toBe(now - 500 * HOUR);
    }
    const record = decisionRecord(decision) as { candidates: Record<string, number | null>[] };
    for (const c of record.candidates) {
      for (const key of [
        'volatility',
        'fillProbability',
        'nextBarFillProbability',
        'expectedValue',
        'density',
      ])
        expect(c[key], `${c.id} ${key}`).toEqual(expect.any(Number));
    }
    expect(decision.requestValue?.probability).toEqual(expect.any(Number));
  });

  it('prints the inequality it failed, with the numbers of the record, when the steal does not pay', () => {
    const scenario = scenarioAt(START + 700 * HOUR);
    const resolved = resolveConfig({
      layers: [{ source: 'test', values: { victimRanking: 'expectedValue', stealHysteresis: 1000 } }],
    });
    const valued = valueScenario({
      scenario,
      series: SERIES,
      calendar,
      ranking: 'expectedValue',
      deleverageLeadMinutes: 15,
    });
    const decision = explainScenario(scenario, resolved, calendar, valued.valuation.coordinatorOptions());
    expect(decision).toMatchObject({ action: 'block', reason: 'steal-not-worth' });
    const s = decision.stealTest!;
    const text = renderDecision(decision, {
      request: valued.requestValidUntil,
      order: (id) => valued.orderValidUntil({ id }),
    });
    expect(text).toContain('(1 + h) = 1001.0000');
    expect(text).toContain(`${s.lhs.toFixed(4)} < ${s.rhs.toFixed(4)}: FAILED, steal-not-worth`);
  });

  it('an order or request without validUntil is valid for one bar after now', () => {
    const now = START + 700 * HOUR;
    const scenario = { ...scenarioAt(now), validUntil: { request: null, orders: new Map<string, number>() } };
    const { valued } = decideWith(scenario, SERIES, 'expectedValue');
    expect(valued.requestValidUntil).toBe(now + HOUR);
    expect(valued.orderValidUntil({ id: 'near' })).toBe(now + HOUR);
    // A longer validity is a larger chance to fill: the default is used, not ignored.
    const longer = decideWith(scenarioAt(now), SERIES, 'expectedValue').decision.requestValue!.probability;
    const oneBar = decideWith(scenario, SERIES, 'expectedValue').decision.requestValue!.probability;
    expect(longer).toBeGreaterThan(oneBar);
  });

  it('a symbol without bars is not valued: its order is no victim (no-estimate)', () => {
    const now = START + 700 * HOUR;
    const { decision } = decideWith(scenarioAt(now), SERIES.slice(0, 2), 'expectedValue');
    const near = (decisionRecord(decision).candidates as { id: string; reason: string }[]).find(
      (c) => c.id === 'near',
    );
    expect(near?.reason).toBe('no-estimate');
  });

  it('under a value ranking without a valuator, the error names victimRanking and says to pass --data', () => {
    const resolved = resolveConfig({
      layers: [{ source: 'test', values: { victimRanking: 'fillProbability' } }],
    });
    let error: unknown;
    try {
      explainScenario(scenarioAt(START + 700 * HOUR), resolved, calendar);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatchObject({
      where: 'victimRanking',
      value: 'fillProbability',
    });
    expect((error as Error).message).toContain('--data');
    expect((error as Error).message).toContain('victimRanking: auto or distance');
  });

  it('distance ranking: bars change nothing, and the record and text carry no valuation', () => {
    const scenario = scenarioAt(START + 700 * HOUR);
    const valued = valueScenario({
      scenario,
      series: SERIES,
      calendar,
      ranking: 'distance',
      deleverageLeadMinutes: 15,
    });
    expect(valued.valuation.active).toBe(false);
    const resolved = resolveConfig();
    const without = explainScenario(scenario, resolved, calendar);
    const withBars = explainScenario(scenario, resolved, calendar, valued.valuation.coordinatorOptions());
    expect(JSON.stringify(decisionRecord(withBars))).toBe(JSON.stringify(decisionRecord(without)));
    expect(renderDecision(without)).not.toMatch(/P fill|valid until|steal test/);
  });
});

describe('scenario validUntil', () => {
  const raw = {
    now: '2025-01-15T15:00:00Z',
    account: { equity: 1000 },
    openOrders: [
      {
        id: 'a',
        symbol: 'A',
        assetClass: 'stock',
        side: 'buy',
        limitPrice: 1,
        qty: 1,
        price: 1,
        validUntil: '2025-01-16T15:00:00Z',
      },
    ],
    request: { symbol: 'B', assetClass: 'stock', side: 'buy', limitPrice: 1, qty: 1, price: 1 },
  };

  it('is read per order and for the request, and kept out of the orders the ledger holds', () => {
    const s = parseScenario({ ...raw, request: { ...raw.request, validUntil: '2025-01-15T18:00:00+01:00' } });
    expect(s.validUntil?.orders.get('a')).toBe(Date.parse('2025-01-16T15:00:00Z'));
    expect(s.validUntil?.request).toBe(Date.parse('2025-01-15T17:00:00Z'));
    expect(s.openOrders[0]).not.toHaveProperty('validUntil');
    expect(s.request).not.toHaveProperty('validUntil');
    expect(parseScenario(raw).validUntil?.request).toBeNull();
  });

  it.each([
    [
      'an order valid until before now',
      { openOrders: [{ ...raw.openOrders[0], validUntil: '2025-01-15T14:00:00Z' }] },
      'openOrders.0.validUntil',
      'order a',
    ],
    [
      'a request valid until now',
      { request: { ...raw.request, validUntil: '2025-01-15T15:00:00Z' } },
      'request.validUntil',
      'the request',
    ],
    [
      'a time without a zone',
      { request: { ...raw.request, validUntil: '2025-01-16 15:00' } },
      'request.validUntil',
      'ISO-8601',
    ],
  ])('%s is an error naming the field and the value', (_name, change, field, words) => {
    let error: unknown;
    try {
      parseScenario({ ...raw, ...change }, 's.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issue = (error as ValidationError).issues[0]!;
    expect(issue.where).toBe(`s.json ${field}`);
    expect(issue.message).toContain(words);
    expect(issue.value).toEqual(expect.any(String));
  });
});
