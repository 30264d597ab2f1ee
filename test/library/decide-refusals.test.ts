/**
 * What decide() from the package refuses beyond the request's and the book's shape. A configuration's values
 * were not checked: a bufferPct of -3 placed over the account's margin, a NaN protectionPct and a misspelt key
 * were decided on, where new Coordinator, simulate and compare refuse them through the config schema; decide()
 * now checks them by the same schema, once per configuration object. A value ranking without a
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
  decide,
  decisionSummary,
  nyseCalendar,
  resolveConfig,
  type DecideInput,
  type EntryRequest,
} from '../../src/index.js';
import { refusal } from '../support/refusal.js';
import { README_ACCOUNT, README_BTC, README_NOW, readmeDecideInput } from '../support/readme-book.js';

const { config } = resolveConfig();

const input = (extra: Partial<DecideInput> = {}, request?: EntryRequest): DecideInput =>
  readmeDecideInput(config, extra, request);

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
      'request BTC/USD: qty × limit = 1e+200 × 1e+200 is not a finite number, so the margin it needs is ' +
        "unknown; check the qty and the limit (units of the asset, and its price in the account's currency)",
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

describe("the configuration's values", () => {
  const coordinatorIssues = (bad: object) => {
    const options = { clock: { now: () => README_NOW }, calendar: nyseCalendar(), account: README_ACCOUNT };
    return refusal(() => new Coordinator({ ...options, config: bad as never })).issues;
  };

  it.each([
    [
      'a bufferPct of -3',
      { bufferPct: -3 },
      'config.bufferPct',
      /too small.*resolveConfig\(\) refuses it too/i,
    ],
    ['a NaN protectionPct', { protectionPct: Number.NaN }, 'config.protectionPct', /number/],
    ['a misspelt key', { protecionPct: 1 }, 'config.protecionPct', /did you mean "protectionPct"/],
  ])('refuses %s, as new Coordinator does', (_name, patch, where, message) => {
    const bad = { ...config, ...patch };
    const error = refusal(() => decide(input(), bad));
    const issue = error.issues.find((i) => i.where === where);
    expect(issue?.message).toMatch(message);
    // The same checker: the coordinator says the same under its own argument name.
    const twin = coordinatorIssues(bad).find((i) => i.where === `options.${where}`);
    expect(twin?.message).toBe(issue?.message);
  });

  it('no longer places over the margin with a bufferPct of -3', () => {
    // The old decision: 32,800 "free" of 10,000 of equity, so the request was placed beside the ETH order.
    expect(() => decide(input(), { ...config, bufferPct: -3 })).toThrow(/config\.bufferPct/);
  });

  it('property: decide() refuses a configuration exactly when resolveConfig() refuses its values', () => {
    const keys = ['bufferPct', 'protectionPct', 'minOrderAgeSec', 'stealEntryTolerance', 'cooldownSec'];
    const values = [-3, -0.001, 0, 0.4, 5, 150, 1e9, Number.NaN, Number.POSITIVE_INFINITY, '5', null, true];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom(...values), (key, value) => {
        let resolves = true;
        try {
          resolveConfig({ layers: [{ source: 'bot', values: { [key]: value } }] });
        } catch {
          resolves = false;
        }
        let decides = true;
        try {
          decide(input(), { ...config, [key]: value });
        } catch (error) {
          // At the key; a bufferPct that is no number is no resolved configuration at all.
          expect(String(error)).toMatch(new RegExp(`config(\\.${key})?: `));
          decides = false;
        }
        expect(decides).toBe(resolves);
      }),
      { seed: 20260603, numRuns: 200 },
    );
  });

  it('checks a configuration object once, not on every decision', () => {
    // A key the decision never reads, read by the schema check alone: counted.
    let reads = 0;
    const counted = { ...config };
    Object.defineProperty(counted, 'sim', {
      enumerable: true,
      get: () => (reads++, config.sim),
    });
    decide(input(), counted);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) decide(input(), counted);
    expect(reads).toBe(afterFirst);
  });
});
