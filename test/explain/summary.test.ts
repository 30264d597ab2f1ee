/**
 * One sentence per decision (decisionSummary): the service's `detail` of a wait or a block and the line under
 * `explain`'s verdict. Every reason decide() gives has its own sentence, with the numbers that made it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import type { Decision } from '../../src/core/policy/decision.js';
import { explainScenario } from '../../src/explain/explain.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { decisionSummary } from '../../src/explain/summary.js';

type Raw = Record<string, unknown> & {
  config: Record<string, unknown>;
  request: Record<string, unknown>;
  openOrders: Record<string, unknown>[];
  history: Record<string, unknown>[];
};
const BASE = JSON.parse(readFileSync('examples/scenario-steal.json', 'utf8')) as Raw;
const calendar = nyseCalendar();

function decide(change: (s: Raw) => void): Decision {
  const raw = structuredClone(BASE);
  change(raw);
  const scenario = parseScenario(raw, 's.json', calendar);
  const resolved = resolveConfig({
    ...(scenario.preset ? { preset: scenario.preset } : {}),
    layers: scenario.config ? [{ source: 's.json config', values: scenario.config }] : [],
  });
  return explainScenario(scenario, resolved, calendar);
}

/** The sentence of a decision whose reason is checked first. */
function said(reason: string, change: (s: Raw) => void): string {
  const d = decide(change);
  expect(d.reason).toBe(reason);
  return decisionSummary(d);
}

const SHORT = 'short of 500.00 of margin (needs 2,100.00, 1,600.00 free of 10,000.00)';

describe('decisionSummary', () => {
  it('says each wait with what would make the order rest', () => {
    expect(said('outside-tolerance', (s) => (s.request.price = 150))).toBe(
      "NVDA's price is 7.14% from the limit, beyond the stock-normal tolerance of 0.66%: the order rests once the price is within it",
    );
    expect(said('market-closed', (s) => (s.now = '2025-01-16T03:00:00Z'))).toContain(
      'NVDA is a stock and its regular session is closed',
    );
  });

  it('says each block with the shortfall and why nothing can be stolen', () => {
    expect(said('stole-capacity', () => {})).toBe(`${SHORT}: cancel o3 (frees 900.00), then rest the order`);
    expect(said('stealing-disabled', (s) => (s.config.stealingEnabled = false))).toBe(
      `${SHORT} and stealing is disabled (stealingEnabled false): it rests once margin frees`,
    );
    // 0.61% from the limit: inside the stock tolerance (0.66%), outside stealEntryTolerance (0.57%).
    expect(said('not-ready-to-steal', (s) => (s.request.price = 140.85))).toContain(
      "NVDA's price is 0.61% from the limit, not yet within stealEntryTolerance",
    );
    const cooling = said('on-cooldown', (s) =>
      s.history.push({ at: '2025-01-15T14:59:00Z', thief: 'SOL/USD', victim: 'NVDA' }),
    );
    expect(cooling).toContain('NVDA is cooling after a steal');
    const budget = said('steal-budget', (s) => {
      s.config.stealBudgetPerDay = 1;
      s.history.push({ at: '2025-01-15T06:00:00Z', thief: 'NVDA', victim: 'SOL/USD' });
    });
    expect(budget).toContain('NVDA has made stealBudgetPerDay steals in the last 24 hours');
    expect(said('no-eligible-victims', (s) => (s.config.protectionPct = 0.5))).toBe(
      `${SHORT}; no resting order may be stolen: 3 protected-distance, 1 not-entry`,
    );
    expect(said('victims-insufficient', (s) => (s.request.qty = 3000))).toContain(
      'the orders that may be stolen free 900.00 together, too little, so none is cancelled',
    );
    expect(said('margin', (s) => s.openOrders.forEach((o) => (o.external = true)))).toContain(
      'and nothing is ours to cancel for it: the margin is held by positions, by orders not placed by us or by NVDA',
    );
    expect(
      said('no-shorting', (s) =>
        Object.assign(s.request, { side: 'sell', symbol: 'BTC/USD', assetClass: 'crypto' }),
      ),
    ).toContain('a sell of BTC/USD would open a short, which the venue refuses');
    expect(said('capacity-available', (s) => (s.request.qty = 5))).toBe(
      '350.00 of margin needed and 1,600.00 free',
    );
  });

  it('shows a negative free margin as it is, so the shortfall is needs − free (equity 6000)', () => {
    expect(
      said('victims-insufficient', (s) => ((s.account as Record<string, unknown>).equity = 6000)),
    ).toContain(
      'short of 4,500.00 of margin (needs 2,100.00, -2,400.00 free of 6,000.00: the margin held is over capacity by 2,400.00)',
    );
  });

  it('blocks a wiped-out account (equity ≤ 0) for want of capacity, not of victims or of margin others hold', () => {
    // Nothing held at all: not `margin` ("held by positions, by orders not placed by us").
    const empty = said('no-capacity', (s) => {
      (s.account as Record<string, unknown>).equity = 0;
      s.openOrders = [];
      s.positions = [];
    });
    expect(empty).toBe(
      'short of 4,200.00 of margin (needs 4,200.00, 0.00 free of 0.00): equity is 0.00, at or below 0 (a wiped-out account), so there is no capacity and nothing is placed or stolen for until equity is above 0',
    );
    // A victim bigger than the request: not `victims-insufficient`, as if a bigger one would do.
    expect(
      said('no-capacity', (s) => {
        (s.account as Record<string, unknown>).equity = 0;
        s.positions = [];
        s.openOrders = s.openOrders.filter((o) => o.id === 'o3').map((o) => ({ ...o, qty: 100 }));
      }),
    ).toContain('-18,000.00 free of 0.00: the margin held is over capacity by 18,000.00): equity is 0.00');
    // Whatever else holds: stealing off, not ready, negative equity.
    fc.assert(
      fc.property(
        fc.integer({ min: -20_000, max: 0 }),
        fc.boolean(),
        fc.double({ min: 140, max: 140.9, noNaN: true }),
        (equity, stealing, price) => {
          const d = decide((s) => {
            (s.account as Record<string, unknown>).equity = equity;
            s.config.stealingEnabled = stealing;
            s.request.price = price;
          });
          expect(d.action).toBe('block');
          expect(d.reason).toBe('no-capacity');
        },
      ),
      { seed: 311, numRuns: 50 },
    );
  });

  it('says numbers that add up for any scenario: short = needs − free, free as the record has it', () => {
    const amount = (text: string) => Number(text.replace(/,/g, ''));
    fc.assert(
      fc.property(
        fc.record({
          equity: fc.integer({ min: -5_000, max: 30_000 }),
          qty: fc.integer({ min: 1, max: 400 }),
          protection: fc.double({ min: 0, max: 0.2, noNaN: true }),
          stealing: fc.boolean(),
          external: fc.boolean(),
          position: fc.integer({ min: 0, max: 4 }),
        }),
        (c) => {
          const d = decide((s) => {
            (s.account as Record<string, unknown>).equity = c.equity;
            s.request.qty = c.qty;
            (s.positions as Record<string, unknown>[]).push({
              symbol: 'BTC/USD',
              assetClass: 'crypto',
              qty: c.position / 10,
              price: 50_000,
            });
            if (c.external) s.openOrders.forEach((o) => (o.external = true));
            Object.assign(s.config, { protectionPct: c.protection, stealingEnabled: c.stealing });
          });
          const text = decisionSummary(d);
          const m = /short of ([\d,.]+) of margin \(needs ([\d,.]+), (-?[\d,.]+) free of (-?[\d,.]+)/.exec(
            text,
          );
          if (d.action !== 'block' && d.action !== 'steal') return;
          if (d.reason === 'no-shorting') return;
          expect(m, text).not.toBeNull();
          const [, short, needs, free, capacity] = m!.map(amount);
          expect(Math.abs(short! - (needs! - free!)), text).toBeLessThanOrEqual(0.011);
          expect(Math.abs(free! - d.marginFree), text).toBeLessThan(0.006);
          expect(capacity, text).toBeCloseTo(d.capacity, 2);
        },
      ),
      { seed: 9107, numRuns: 300 },
    );
  });

  it('has a sentence of its own, with no missing number, for any decision', () => {
    fc.assert(
      fc.property(
        fc.record({
          equity: fc.integer({ min: -1_000, max: 60_000 }),
          price: fc.double({ min: 130, max: 160, noNaN: true }),
          qty: fc.integer({ min: 1, max: 400 }),
          protection: fc.double({ min: 0, max: 0.2, noNaN: true }),
          hour: fc.integer({ min: 0, max: 23 }),
          stealing: fc.boolean(),
        }),
        (c) => {
          const d = decide((s) => {
            (s.account as Record<string, unknown>).equity = c.equity;
            Object.assign(s.request, { price: c.price, qty: c.qty });
            Object.assign(s.config, { protectionPct: c.protection, stealingEnabled: c.stealing });
            s.now = `2025-01-16T${String(c.hour).padStart(2, '0')}:00:00Z`;
          });
          const text = decisionSummary(d);
          expect(text, d.reason).not.toMatch(/undefined|NaN|null|—/);
          expect(text, 'the fallback names the action and the bare reason').not.toBe(
            `${d.action}: ${d.reason}`,
          );
        },
      ),
      { seed: 4421, numRuns: 200 },
    );
  });
});
