/**
 * What decide() from the package refuses beyond the request's and the book's shape: a value ranking without a
 * valuator was a plain Error; it is a ValidationError naming `input.valuator`, listed with the input's other
 * issues. A request whose qty × limit overflows (1e200 × 1e200) was decided, and decisionSummary printed
 * "short of — of margin (needs —, …)"; it is refused as reconcile refuses such an order, by decide() and
 * by submit().
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide as internalDecide } from '../../src/core/policy/decide.js';
import {
  Coordinator,
  MemoryBroker,
  StealHistory,
  decide,
  decisionSummary,
  nyseCalendar,
  resolveConfig,
  type DecideInput,
  type EntryRequest,
} from '../../src/index.js';
import { refusal } from '../support/refusal.js';
import { README_ACCOUNT, README_BTC, README_ETH, README_NOW } from '../support/readme-book.js';

const { config } = resolveConfig();

const input = (extra: Partial<DecideInput> = {}, request: EntryRequest = README_BTC): DecideInput => ({
  now: README_NOW,
  sessionOpen: false,
  account: README_ACCOUNT,
  positions: [],
  orders: [README_ETH],
  history: new StealHistory(config),
  request,
  ...extra,
});

describe('a value ranking without a valuator', () => {
  for (const victimRanking of ['expectedValue', 'fillProbability'] as const) {
    it(`is a ValidationError at input.valuator (${victimRanking}), from the library and the internal decide`, () => {
      const ranked = resolveConfig({ layers: [{ source: 'bot', values: { victimRanking } }] }).config;
      for (const call of [decide, internalDecide]) {
        const error = refusal(() => call(input(), ranked));
        expect(error.issues).toEqual([expect.objectContaining({ where: 'input.valuator' })]);
        expect(error.issues[0]!.message).toContain(`victimRanking '${victimRanking}' needs`);
        expect(error.issues[0]!.message).toContain('fillValuator()');
      }
      // Listed with the input's other problems, not one at a time.
      const both = refusal(() => decide(input({ now: Number.NaN }), ranked));
      expect(both.issues.map((i) => i.where)).toEqual(['input.now', 'input.valuator']);
    });
  }
});

describe('a request whose qty × limit is not a finite number', () => {
  const huge = { ...README_BTC, qty: 1e200, limitPrice: 1e200 };

  it('is refused by decide(), as reconcile refuses such an order, naming the product', () => {
    const error = refusal(() => decide(input({}, huge), config));
    expect(error.issues).toEqual([expect.objectContaining({ where: 'input.request.qty', value: 1e200 })]);
    expect(error.issues[0]!.message).toBe(
      'request BTC/USD: qty × limit = 1e+200 × 1e+200 is not a finite number, so the margin it needs is unknown',
    );
  });

  it('is refused by submit(), with nothing sent to the broker', async () => {
    const broker = new MemoryBroker({ account: README_ACCOUNT, now: () => README_NOW });
    const coordinator = new Coordinator({
      config,
      clock: { now: () => README_NOW },
      calendar: nyseCalendar(),
      account: README_ACCOUNT,
      startsEmpty: true,
    });
    await expect(coordinator.submit(huge, broker)).rejects.toThrow(
      /request\.qty: request BTC\/USD: qty × limit/,
    );
    expect(broker.calls.placeLimit).toBe(0);
  });

  it('property: decide() refuses a request exactly when its notional is not finite; else its margin is known', () => {
    const magnitude = fc.double({ min: -12, max: 300, noNaN: true }).map((e) => 10 ** e);
    fc.assert(
      fc.property(magnitude, magnitude, (qty, limitPrice) => {
        const request = { ...README_BTC, qty, limitPrice, price: limitPrice * 1.001 };
        if (!Number.isFinite(request.price)) return; // the quote alone is refused: not this rule
        let decision;
        try {
          decision = decide(input({}, request), config);
        } catch (error) {
          expect(Number.isFinite(qty * limitPrice)).toBe(false);
          expect(String(error)).toContain('qty × limit');
          return;
        }
        expect(Number.isFinite(decision.marginNeeded)).toBe(true);
        expect(decisionSummary(decision)).not.toContain('—');
      }),
      { seed: 20260602, numRuns: 300 },
    );
  });
});
