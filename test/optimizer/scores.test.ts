import { describe, expect, it } from 'vitest';
import { canonicalJson, hashOf } from '../../src/optimizer/hash.js';
import { decodeJson, encodeJson } from '../../src/optimizer/json.js';
import { DRAWDOWN_FLOOR, median, score, type WindowMetrics } from '../../src/optimizer/objective/scores.js';

const m = (over: Partial<WindowMetrics> = {}): WindowMetrics => ({
  totalReturn: 0.12,
  sharpe: 1.5,
  sortino: 2.25,
  maxDrawdown: 0.08,
  pnl: 12_000,
  winRate: 0.6,
  trades: 40,
  blocks: 25,
  steals: 7,
  days: 90,
  ...over,
});

describe('scores on hand-made window metrics', () => {
  it('sharpe and sortino are the metrics themselves', () => {
    expect(score('sharpe', m())).toBe(1.5);
    expect(score('sortino', m())).toBe(2.25);
  });

  it('return over drawdown divides by the drawdown, floored so a calm window cannot score infinity', () => {
    expect(score('return-over-drawdown', m())).toBeCloseTo(0.12 / 0.08, 12);
    expect(score('return-over-drawdown', m({ maxDrawdown: 0 }))).toBeCloseTo(0.12 / DRAWDOWN_FLOOR, 12);
    expect(score('return-over-drawdown', m({ totalReturn: -0.05, maxDrawdown: 0.1 }))).toBeCloseTo(-0.5, 12);
  });

  it("the seed system's formula: 0.5·PnL + 1000·Sharpe + 2000·winRate − 10·blocks", () => {
    expect(score('seed-formula', m())).toBe(0.5 * 12_000 + 1000 * 1.5 + 2000 * 0.6 - 10 * 25);
    expect(score('seed-formula', m({ pnl: -1000, sharpe: -0.5, winRate: 0, blocks: 0 }))).toBe(-1000);
  });

  it('NaN is the worst score, never a win', () => {
    expect(score('sharpe', m({ sharpe: Number.NaN }))).toBe(-Infinity);
  });

  it('median of odd and even counts; empty is the worst score', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-Infinity, 1, 2])).toBe(1);
    expect(median([])).toBe(-Infinity);
  });
});

describe('content hashes and JSON', () => {
  it('canonical JSON sorts keys at every level, so equal values hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"x":0,"y":1}]},"b":1}',
    );
    expect(hashOf({ a: 1, b: 2 })).toBe(hashOf({ b: 2, a: 1 }));
    expect(hashOf({ a: 0.1 + 0.2 })).not.toBe(hashOf({ a: 0.3 }));
    expect(hashOf({ a: -0 })).toBe(hashOf({ a: 0 }));
  });

  it('refuses non-finite numbers, naming where they are', () => {
    expect(() => canonicalJson({ p: { x: Number.NaN } })).toThrow(/\$\.p\.x is NaN/);
  });

  it('encodeJson keeps -Infinity and NaN through a round trip (plain JSON would make them null)', () => {
    const v = { oos: -Infinity, is: Number.NaN, folds: [{ score: Infinity, sharpe: 1.25 }] };
    expect(decodeJson(encodeJson(v))).toEqual(v);
  });
});
