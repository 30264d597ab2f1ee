/**
 * fillValuator's symbol index must fit the model it values with: an index the model does not hold was
 * accepted, and the coordinator built on the valuator failed at a later submit with "TypeError: Cannot read
 * properties of undefined (reading 'outsideGrid')" from inside the fill model. It is refused where it is
 * given, naming the symbol, the index and the model's size; so are an index that is no whole number and two
 * symbols at one index.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Coordinator,
  FillModel,
  MemoryBroker,
  ReturnShrinker,
  fillValuator,
  nyseCalendar,
  resolveConfig,
  type FillValuatorOptions,
} from '../../src/index.js';
import { refusal, refusalOf } from '../support/refusal.js';
import { README_ACCOUNT, README_BTC, README_ETH, README_NOW } from '../support/readme-book.js';

const calendar = nyseCalendar();
const HOUR = 3_600_000;

/** The valuator's options over a model and returns of `size` crypto symbols. */
function options(symbolIndex: Map<string, number>, size = 2): FillValuatorOptions {
  const assetClasses = Array.from({ length: size }, () => 'crypto' as const);
  return {
    model: new FillModel({ calendar, assetClasses }),
    returns: new ReturnShrinker({ assetClasses }),
    symbolIndex,
    orderValidUntil: () => README_NOW + 24 * HOUR,
    requestValidUntil: (_r, now) => now + 24 * HOUR,
  };
}

describe('fillValuator refuses a symbol index that does not fit the model', () => {
  it('an index beyond the model, naming the symbol, the index and the model size', () => {
    const error = refusal(() =>
      fillValuator(
        options(
          new Map([
            ['BTC/USD', 0],
            ['ETH/USD', 7],
          ]),
        ),
      ),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ where: 'options.symbolIndex["ETH/USD"]', value: 7 }),
    ]);
    expect(error.issues[0]!.message).toContain('ETH/USD');
    expect(error.issues[0]!.message).toContain('index 7 is beyond the model: the model holds 2 symbols');
    expect(error.issues[0]!.message).toContain('an index below 2');
  });

  it('an index the returns do not hold, naming both sizes', () => {
    const o = options(new Map([['ETH/USD', 2]]), 3);
    const error = refusal(() =>
      fillValuator({ ...o, returns: new ReturnShrinker({ assetClasses: ['crypto', 'crypto'] }) }),
    );
    expect(error.issues[0]!.message).toContain('the model holds 3 symbols and the returns 2');
  });

  it('an index that is no whole number ≥ 0, and two symbols at one index', () => {
    const error = refusal(() =>
      fillValuator(
        options(
          new Map([
            ['BTC/USD', 0],
            ['ETH/USD', 0.5],
            ['SOL/USD', -1],
            ['LTC/USD', 0],
          ]),
        ),
      ),
    );
    expect(error.issues.map((i) => [i.where, i.value])).toEqual([
      ['options.symbolIndex["ETH/USD"]', 0.5],
      ['options.symbolIndex["SOL/USD"]', -1],
      ['options.symbolIndex["LTC/USD"]', 0],
    ]);
    expect(error.issues[0]!.message).toMatch(/whole number ≥ 0.*\(0\.\.1\)/);
    expect(error.issues[2]!.message).toContain("index 0 is also BTC/USD's");
  });

  it('property: a map is accepted exactly when every index is whole, below the size and its own', () => {
    const symbols = ['A/USD', 'B/USD', 'C/USD', 'D/USD'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.subarray(symbols),
        fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constantFrom(0.5, Number.NaN)), {
          minLength: 4,
          maxLength: 4,
        }),
        (size, chosen, indices) => {
          const map = new Map(chosen.map((s, k) => [s, indices[k]!]));
          const values = [...map.values()];
          const fits =
            values.every((i) => Number.isInteger(i) && i >= 0 && i < size) &&
            new Set(values).size === values.length;
          expect(refusalOf(() => fillValuator(options(map, size))) === null).toBe(fits);
        },
      ),
      { seed: 20260601, numRuns: 300 },
    );
  });
});

describe('a coordinator over an accepted valuator', () => {
  it('values by the map as checked: a symbol set on the map later is unknown, not a TypeError', async () => {
    const map = new Map([['BTC/USD', 0]]);
    const valuator = fillValuator(options(map));
    map.set('ETH/USD', 7);
    const { config } = resolveConfig({
      layers: [{ source: 'bot', values: { victimRanking: 'expectedValue' } }],
    });
    const broker = new MemoryBroker({ account: README_ACCOUNT, orders: [README_ETH], now: () => README_NOW });
    const coordinator = new Coordinator({
      config,
      clock: { now: () => README_NOW },
      calendar,
      account: README_ACCOUNT,
      valuator,
    });
    await coordinator.reconcile(broker);
    // An unvalued victim is no victim: the request is blocked, not failed.
    const outcome = await coordinator.submit(README_BTC, broker);
    expect(outcome.status).toBe('blocked');
  });
});
