import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { ValidationError } from '../../src/core/errors.js';
import { decide } from '../../src/core/policy/decide.js';
import { candidateRecords, decisionRecord } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { OpenOrder, StealEvent } from '../../src/core/types.js';
import { explainScenario } from '../../src/explain/explain.js';
import { renderDecision } from '../../src/explain/render.js';
import type { Scenario } from '../../src/explain/scenario.js';
import { order, request, T0 } from '../support/builders.js';

/**
 * explain decides a scenario as the coordinator of a session would. Its record must be the record of the
 * policy's own decision over the same book, with the cooldowns and fight windows the session would use:
 * given in bars, they count the session's bars, so explain must know the bar length or refuse.
 */

const RUNS = { seed: 2324, numRuns: 200 } as const;
const HOT = ['AAPL', 'MSFT', 'NVDA', 'TSLA'] as const;
const BAR_MS = [60_000, 300_000, 3_600_000] as const;

const orderArb = (k: number): fc.Arbitrary<OpenOrder> =>
  fc
    .record({
      symbol: fc.constantFrom(...HOT),
      dist: fc.constantFrom(0.0005, 0.003, 0.01, 0.02),
      noPrice: fc.boolean(),
      role: fc.constantFrom<OpenOrder['role']>('entry', 'entry', 'entry', 'take-profit'),
      probe: fc.boolean(),
      external: fc.boolean(),
      ageMin: fc.constantFrom(0.5, 5, 60),
      pnl: fc.integer({ min: -2, max: 4 }),
    })
    .map((o) =>
      order({
        id: `o${k}`,
        symbol: o.symbol,
        price: o.noPrice && o.ageMin === 5 ? null : 100 * (1 + o.dist),
        role: o.role,
        probe: o.probe && o.pnl === 0,
        external: o.external && o.pnl === 1,
        placedAt: T0 - o.ageMin * 60_000,
        forecastPnl: o.pnl,
      }),
    );

const caseArb = fc.record({
  orders: fc.tuple(...Array.from({ length: 8 }, (_, k) => orderArb(k))),
  history: fc.array(
    fc.record({
      thief: fc.constantFrom(...HOT, 'REQ'),
      victim: fc.constantFrom(...HOT, 'REQ'),
      barsBefore: fc.integer({ min: 0, max: 12 }),
    }),
    { maxLength: 14 },
  ),
  barMs: fc.constantFrom(...BAR_MS),
  bars: fc.record({
    cooldownBars: fc.constantFrom(0, 1, 3),
    fightWindowBars: fc.constantFrom(0, 6, 12),
    fightCooldownBars: fc.constantFrom(0, 4),
  }),
  fightThreshold: fc.constantFrom(2, 3),
  minOrderAgeSec: fc.constantFrom(0, 120),
  requestPnl: fc.integer({ min: -1, max: 5 }),
  requestSymbol: fc.constantFrom('REQ', 'AAPL'),
  /** Add a fight between REQ and AAPL whose cooldowns are over: AAPL orders then need a higher PnL. */
  fight: fc.boolean(),
});

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

function scenarioOf(c: Case): Scenario {
  const fight = c.fight ? [7, 8, 9].map((barsBefore) => ({ thief: 'REQ', victim: 'AAPL', barsBefore })) : [];
  const history: StealEvent[] = [...c.history, ...fight]
    .filter((h) => h.thief !== h.victim)
    .map((h) => ({ thief: h.thief, victim: h.victim, at: T0 - h.barsBefore * c.barMs }))
    .sort((a, b) => a.at - b.at);
  return {
    now: T0,
    sessionOpen: true,
    account: { equity: 3000, patternDayTrader: false },
    positions: [],
    openOrders: c.orders.map((o) => ({ ...o })),
    history,
    request: request({ symbol: c.requestSymbol, qty: 15, forecastPnl: c.requestPnl }),
  };
}

const configValues = (c: Case): Record<string, unknown> => ({
  ...c.bars,
  ...(c.fight ? { fightWindowBars: 12, fightCooldownBars: 4 } : {}),
  fightThreshold: c.fightThreshold,
  minOrderAgeSec: c.minOrderAgeSec,
});

describe('explain model: the record is the decision of the session (fast-check, seed 2324)', () => {
  it('equals the policy decision over the same book with the *Bars keys counted in the bar length', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(caseArb, (c) => {
        const scenario = scenarioOf(c);
        const resolved = resolveConfig({ layers: [{ source: 'case', values: configValues(c) }] });
        const explained = explainScenario(scenario, resolved, nyseCalendar(), { barMs: c.barMs });
        // The same rules in seconds, through the policy alone.
        const cfg = resolved.config;
        const sec = (bars: number, seconds: number): number => (bars > 0 ? (bars * c.barMs) / 1000 : seconds);
        const history = new StealHistory({
          cooldownSec: sec(cfg.cooldownBars, cfg.cooldownSec),
          fightThreshold: cfg.fightThreshold,
          fightWindowSec: sec(cfg.fightWindowBars, cfg.fightWindowSec),
          fightCooldownSec: sec(cfg.fightCooldownBars, cfg.fightCooldownSec),
        });
        for (const h of scenario.history) history.record(h);
        const direct = decide(
          {
            now: T0,
            sessionOpen: true,
            account: scenario.account,
            positions: [],
            orders: scenario.openOrders,
            history,
            request: scenario.request,
          },
          cfg,
        );
        expect(decisionRecord(explained)).toEqual(decisionRecord(direct));
        // Every candidate's reason is printed, by name.
        const text = renderDecision(explained);
        for (const r of candidateRecords(explained)) {
          if (r.reason) {
            seen.add(r.reason);
            expect(text).toContain(r.reason);
          }
        }
        seen.add(`${explained.action}:${explained.reason}`);
      }),
      RUNS,
    );
    for (const key of [
      'external',
      'not-entry',
      'probe',
      'same-symbol',
      'no-price',
      'protected-distance',
      'too-young',
      'cooldown',
      'fight-pnl',
      'steal:stole-capacity',
      'block:on-cooldown',
    ])
      expect(seen.has(key), key).toBe(true);
  });

  it('refuses *Bars keys without a bar length, naming each key (it used to explain with the seconds twins)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const resolved = resolveConfig({ layers: [{ source: 'case', values: configValues(c) }] });
        const values = configValues(c);
        const inBars = ['cooldownBars', 'fightWindowBars', 'fightCooldownBars'].filter(
          (k) => (values[k] as number) > 0,
        );
        let thrown: unknown = null;
        try {
          explainScenario(scenarioOf(c), resolved, nyseCalendar());
        } catch (error) {
          thrown = error;
        }
        if (inBars.length === 0) {
          expect(thrown).toBeNull();
          return;
        }
        expect(thrown).toBeInstanceOf(ValidationError);
        expect((thrown as ValidationError).issues.map((i) => i.where)).toEqual(inBars);
        expect(String((thrown as Error).message)).toContain('--data');
      }),
      { seed: RUNS.seed, numRuns: 60 },
    );
  });
});

describe('explain with the session forced closed and extended hours on', () => {
  const at = (iso: string, sessionOpen?: boolean): Scenario => ({
    now: Date.parse(iso),
    ...(sessionOpen === undefined ? {} : { sessionOpen }),
    account: { equity: 50_000, patternDayTrader: false },
    positions: [],
    openOrders: [],
    history: [],
    request: request({ symbol: 'AAPL', qty: 5 }),
  });
  const resolved = resolveConfig({ layers: [{ source: 'case', values: { extendedHours: true } }] });
  const calendar = nyseCalendar();

  it('waits overnight as the calendar would (it placed: the override hid the extended hours)', () => {
    // 02:00 and 08:00 New York on a Wednesday: night, then pre-market.
    for (const [iso, action] of [
      ['2025-01-15T07:00:00Z', 'wait'],
      ['2025-01-15T13:00:00Z', 'place'],
    ] as const) {
      const forced = explainScenario(at(iso, false), resolved, calendar);
      const byCalendar = explainScenario(at(iso), resolved, calendar);
      expect(forced.action, iso).toBe(action);
      expect(decisionRecord(forced)).toEqual(decisionRecord(byCalendar));
    }
  });
});
