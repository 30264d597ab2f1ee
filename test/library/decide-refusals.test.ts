/**
 * What decide() from the package refuses beyond the request's and the book's shape: a value ranking without a
 * valuator was a plain Error; it is a ValidationError naming `input.valuator`, listed with the input's other
 * issues.
 */
import { describe, expect, it } from 'vitest';
import { decide as internalDecide } from '../../src/core/policy/decide.js';
import { StealHistory, decide, resolveConfig, type DecideInput, type EntryRequest } from '../../src/index.js';
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
