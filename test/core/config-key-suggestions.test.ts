/**
 * An unknown config key, environment variable or scenario field names the closest known one ("did you
 * mean"), compared case-insensitively by edit distance, also a key of that name at another level of the
 * tree; a name far from every known one gets no guess.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { suggestKey } from '../../src/core/config/schema-keys.js';
import { configSchema } from '../../src/core/config/schema.js';
import { ValidationError } from '../../src/core/errors.js';
import { closeEnough, closestNames, editDistance } from '../../src/core/similar.js';
import { parseScenario } from '../../src/explain/scenario.js';

function messagesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.where}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const config = (values: unknown): string[] =>
  messagesOf(() => resolveConfig({ layers: [{ source: 'c.json', values }] }));

describe('unknown config keys', () => {
  it.each([
    [{ protectionPCT: 0.002 }, 'c.json: protectionPCT', '"protectionPct"'],
    [{ stealEntryTolerence: 0.005 }, 'c.json: stealEntryTolerence', '"stealEntryTolerance"'],
    [{ sim: { forcaster: { validBars: 3 } } }, 'c.json: sim.forcaster', '"sim.forecaster"'],
    [
      { sim: { fees: { crypto: { makerbps: 3 } } } },
      'c.json: sim.fees.crypto.makerbps',
      '"sim.fees.crypto.makerBps"',
    ],
    [
      { symbols: { AAPL: { assetClass: 'stock', assetClas: 'stock' } } },
      'c.json: symbols.AAPL.assetClas',
      '"symbols.AAPL.assetClass"',
    ],
  ])('%j names the closest key of its object', (values, where, guess) => {
    expect(config(values)).toEqual([
      `${where}: unknown key "${where.split(/[ .]/).pop()}"; did you mean ${guess}? Otherwise remove it`,
    ]);
  });

  it('a key known at another level names where it lives', () => {
    expect(config({ orderFraction: 0.3 })).toEqual([
      'c.json: orderFraction: unknown key "orderFraction"; did you mean "sim.orderFraction" or "live.orderFraction"? Otherwise remove it',
    ]);
    // A close key of the same object wins over the same name elsewhere.
    expect(suggestKey(configSchema, ['sim', 'fees', 'stock'], 'takerbps')).toEqual([
      'sim.fees.stock.takerBps',
    ]);
  });

  it('a name far from every key gets no guess, and each unknown key is its own error', () => {
    expect(config({ xyzzy: 1, sim: { plugh: 2, fee: 1 } }).sort()).toEqual([
      'c.json: sim.fee: unknown key "fee"; did you mean "sim.fees"? Otherwise remove it',
      'c.json: sim.plugh: unknown key "plugh"; remove it or fix the spelling',
      'c.json: xyzzy: unknown key "xyzzy"; remove it or fix the spelling',
    ]);
  });
});

describe('unknown environment variables', () => {
  it('name the closest configuration variable, or none when nothing is close', () => {
    const env = (name: string): string[] => messagesOf(() => resolveConfig({ env: { [name]: '0.002' } }));
    expect(env('WORKSTEAL_PROTECTON_PCT')).toEqual([
      'environment WORKSTEAL_PROTECTON_PCT: is not a configuration key; did you mean "WORKSTEAL_PROTECTION_PCT"?',
    ]);
    expect(env('WORKSTEAL_SIM_FORECASTER_LOOKBAK_BARS')[0]).toContain(
      '"WORKSTEAL_SIM_FORECASTER_LOOKBACK_BARS"',
    );
    expect(env('WORKSTEAL_XYZZY')).toEqual([
      'environment WORKSTEAL_XYZZY: is not a configuration key; check the spelling against `worksteal config check`',
    ]);
  });
});

describe('unknown scenario fields', () => {
  type Raw = Record<string, unknown> & {
    request: Record<string, unknown>;
    openOrders: Record<string, unknown>[];
  };
  const raw = JSON.parse(readFileSync('examples/scenario-steal.json', 'utf8')) as Raw;
  const scenario = (change: (s: Raw) => void): string[] => {
    const s = structuredClone(raw);
    change(s);
    return messagesOf(() => parseScenario(s, 's.json'));
  };

  it('name the closest field of their object, or none for a far name', () => {
    expect(scenario((s) => (s.request.limitPrize = 140))).toEqual([
      's.json request.limitPrize: unknown field; did you mean "request.limitPrice"? Otherwise remove it',
    ]);
    expect(scenario((s) => (s.openOrders[0]!.Qty = 1))).toEqual([
      's.json openOrders.0.Qty: unknown field; did you mean "openOrders.0.qty"? Otherwise remove it',
    ]);
    expect(scenario((s) => (s.equity = 1))).toEqual([
      's.json equity: unknown field; did you mean "account.equity"? Otherwise remove it',
    ]);
    expect(scenario((s) => (s.request.wibble = 1))).toEqual([
      's.json request.wibble: unknown field; remove it or fix the spelling (known fields are in the README)',
    ]);
  });
});

/** Plain Levenshtein, written out here as the reference the swap-aware distance may only improve on. */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it('counts a swap of two neighbouring letters as one edit: form → from, simualte → simulate', () => {
    expect(editDistance('form', 'from')).toBe(1);
    expect(editDistance('simualte', 'simulate')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('abc', 'ca')).toBe(3); // optimal string alignment: a swapped pair is not edited again
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('is zero only for the same name, symmetric, within the lengths, never above Levenshtein', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 9 });
    fc.assert(
      fc.property(name, name, (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeLessThanOrEqual(levenshtein(a, b));
      }),
      { seed: 41, numRuns: 1_000 },
    );
  });

  it('one swap of neighbours is at most one edit, where Levenshtein may say two', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 2, maxLength: 14 })
          .chain((a) => fc.tuple(fc.constant(a), fc.nat(a.length - 2))),
        ([a, i]) => {
          const swapped = a.slice(0, i) + a[i + 1]! + a[i]! + a.slice(i + 2);
          expect(editDistance(a, swapped)).toBe(a === swapped ? 0 : 1);
        },
      ),
      { seed: 43, numRuns: 500 },
    );
  });
});

describe('closestNames', () => {
  it('suggests a name only within closeEnough edits, whatever the case', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (a, b) => {
          const got = closestNames(a, [{ label: b, name: b }]);
          const d = editDistance(a.toLowerCase(), b.toLowerCase());
          if (d <= closeEnough(a)) expect(got).toEqual([b]);
          // Beyond that, only a name that holds the unknown one (as words, so as letters too).
          else if (got.length > 0) {
            expect(got).toEqual([b]);
            const letters = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
            expect(letters(b)).toContain(letters(a));
          }
        },
      ),
      { seed: 29, numRuns: 500 },
    );
  });

  it('beyond closeEnough, names that hold the unknown one as whole words, when they are few', () => {
    const names = (...n: string[]) => n.map((name) => ({ label: name, name }));
    const fill = names('kind', 'eventId', 'orderId', 'filledQty', 'fillPrice');
    expect(closestNames('price', fill)).toEqual(['fillPrice']);
    expect(closestNames('PRICE', fill)).toEqual(['fillPrice']);
    expect(closestNames('qty', fill)).toEqual(['filledQty']);
    // A word inside a word is no match (`rice` is not a word of fillPrice), nor is a word of two letters.
    expect(closestNames('rice', names('fillPrice', 'kind'))).toEqual([]);
    expect(closestNames('id', fill)).toEqual([]);
    // Words in a row: `entryTolerance` is in stealEntryTolerance, not in cryptoNormalTolerance.
    const keys = names(
      'normalTolerance',
      'cryptoNormalTolerance',
      'stealEntryTolerance',
      'cryptoOutOfHoursTolerance',
    );
    expect(closestNames('entryTolerance', keys)).toEqual(['stealEntryTolerance']);
    // More than two holders is a list, not a guess.
    expect(closestNames('tolerance', keys)).toEqual([]);
    expect(closestNames('normalTolerance2', keys)).toEqual(['normalTolerance']); // edit distance first
  });

  it('a holder from elsewhere gives way to a local one, as with edit distance', () => {
    expect(
      closestNames('price', [
        { label: 'sim.fillPrice', name: 'fillPrice', penalty: 1 },
        { label: 'limitPrice', name: 'limitPrice' },
      ]),
    ).toEqual(['limitPrice']);
  });
});

describe('unknown config keys by their words', () => {
  it('a key that is words of one known key names it', () => {
    expect(config({ entryTolerance: 0.005 })).toEqual([
      'c.json: entryTolerance: unknown key "entryTolerance"; did you mean "stealEntryTolerance"? Otherwise remove it',
    ]);
  });
});
