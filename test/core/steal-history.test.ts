import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { StealEvent } from '../../src/core/types.js';
import {
  historyArb,
  historyParamsArb,
  refClassify,
  refCoolingUntil,
  refPairCount,
  type HistoryParams,
} from '../support/arbitraries.js';
import { T0 } from '../support/builders.js';

const RUNS = { seed: 42, numRuns: 200 } as const;
const SYMBOLS = ['BTCUSD', 'ETHUSD', 'AAPL', 'MSFT'] as const;

function build(events: readonly StealEvent[], cfg: HistoryParams): StealHistory {
  const h = new StealHistory(cfg);
  for (const e of events) h.record(e);
  return h;
}

/**
 * Query times: random ones plus every boundary the rules have (each event's time, the ends of both
 * cooldowns and of the fight window, one millisecond either side).
 */
function queryTimes(events: readonly StealEvent[], cfg: HistoryParams, extra: readonly number[]): number[] {
  const ts = new Set<number>([T0, ...extra]);
  for (const e of events) {
    for (const d of [0, cfg.cooldownSec * 1000, cfg.fightCooldownSec * 1000, cfg.fightWindowSec * 1000]) {
      ts.add(e.at + d - 1);
      ts.add(e.at + d);
      ts.add(e.at + d + 1);
    }
  }
  return [...ts].sort((a, b) => a - b);
}

const historyCase = fc.record({
  cfg: historyParamsArb,
  events: fc.oneof(
    historyArb({ symbols: SYMBOLS, maxEvents: 20 }),
    historyArb({ symbols: SYMBOLS.slice(0, 2), maxEvents: 20, minSecBefore: -60, maxSecBefore: 400 }),
    historyArb({ symbols: SYMBOLS, maxEvents: 20, wholeSeconds: false, maxSecBefore: 900 }),
  ),
  extra: fc.array(fc.integer({ min: T0 - 3_000_000, max: T0 + 1_000_000 }), { maxLength: 5 }),
});

describe('StealHistory against a brute-force reference of the fight and cooldown rules (seed 42)', () => {
  it('classifies every recorded steal (fight, pairCount) like the reference', () => {
    let fights = 0;
    fc.assert(
      fc.property(historyCase, ({ cfg, events }) => {
        const h = new StealHistory(cfg);
        const got = events.map((e) => {
          const c = h.record(e);
          return { fight: c.fight, pairCount: c.pairCount };
        });
        const ref = refClassify(events, cfg);
        expect(got).toEqual(ref);
        fights += ref.filter((r) => r.fight).length;
        // all() keeps recorded order for equal times and is sorted by time.
        expect(h.all().map(({ at, thief, victim }) => ({ at, thief, victim }))).toEqual(events);
      }),
      RUNS,
    );
    expect(fights).toBeGreaterThan(0);
  });

  it('cooling (isCooling, coolingUntil) and fights (pairCount, isFighting) agree at every boundary', () => {
    let cooling = 0;
    let fighting = 0;
    fc.assert(
      fc.property(historyCase, ({ cfg, events, extra }) => {
        const h = build(events, cfg);
        const classes = refClassify(events, cfg);
        const got: unknown[] = [];
        const want: unknown[] = [];
        for (const now of queryTimes(events, cfg, extra)) {
          for (const s of SYMBOLS) {
            const until = refCoolingUntil(events, s, now, cfg, classes);
            got.push([now - T0, s, h.coolingUntil(s, now), h.isCooling(s, now)]);
            want.push([now - T0, s, until, until !== null]);
            if (until !== null) cooling++;
          }
          for (let i = 0; i < SYMBOLS.length; i++)
            for (let j = i + 1; j < SYMBOLS.length; j++) {
              const a = SYMBOLS[i]!;
              const b = SYMBOLS[j]!;
              const count = refPairCount(events, a, b, now, cfg);
              got.push([
                now - T0,
                a,
                b,
                h.pairCount(a, b, now),
                h.pairCount(b, a, now),
                h.isFighting(a, b, now),
              ]);
              want.push([now - T0, a, b, count, count, count >= cfg.fightThreshold]);
              if (count >= cfg.fightThreshold) fighting++;
            }
        }
        expect(got).toEqual(want);
      }),
      RUNS,
    );
    expect(cooling).toBeGreaterThan(0);
    expect(fighting).toBeGreaterThan(0);
  });

  it('events after now are ignored by every query', () => {
    fc.assert(
      fc.property(historyCase, ({ cfg, events, extra }) => {
        const all = build(events, cfg);
        for (const now of queryTimes(events, cfg, extra)) {
          const past = build(
            events.filter((e) => e.at <= now),
            cfg,
          );
          for (const s of SYMBOLS) expect(all.coolingUntil(s, now)).toBe(past.coolingUntil(s, now));
          expect(all.pairCount(SYMBOLS[0], SYMBOLS[1], now)).toBe(
            past.pairCount(SYMBOLS[0], SYMBOLS[1], now),
          );
        }
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('prune(now) never changes an answer for times ≥ now, nor how later steals are classified', () => {
    let pruned = 0;
    fc.assert(
      fc.property(historyCase, fc.integer({ min: -3_000, max: 400 }), ({ cfg, events, extra }, pruneSec) => {
        const at = T0 - pruneSec * 1000;
        const before = events.filter((e) => e.at <= at);
        const after = events.filter((e) => e.at > at);
        const reference = build(before, cfg);
        const subject = build(before, cfg);
        const size = subject.all().length;
        subject.prune(at);
        if (subject.all().length < size) pruned++;
        // Steals recorded after the prune are classified the same way.
        for (const e of after) expect(subject.record(e)).toEqual(reference.record(e));
        for (const now of queryTimes(events, cfg, [...extra, at])) {
          if (now < at) continue;
          for (const s of SYMBOLS) expect(subject.coolingUntil(s, now)).toBe(reference.coolingUntil(s, now));
          for (let i = 0; i < SYMBOLS.length; i++)
            for (let j = i + 1; j < SYMBOLS.length; j++)
              expect(subject.pairCount(SYMBOLS[i]!, SYMBOLS[j]!, now)).toBe(
                reference.pairCount(SYMBOLS[i]!, SYMBOLS[j]!, now),
              );
        }
      }),
      RUNS,
    );
    expect(pruned).toBeGreaterThan(0);
  });
});

describe('StealHistory examples', () => {
  const cfg: HistoryParams = {
    cooldownSec: 100,
    fightThreshold: 2,
    fightWindowSec: 600,
    fightCooldownSec: 300,
  };
  const s = (sec: number): number => T0 + sec * 1000;

  it('the steal at t is not counted in its own classification; earlier ones at the same instant are', () => {
    const h = new StealHistory(cfg);
    expect(h.record({ at: s(0), thief: 'A', victim: 'B' })).toMatchObject({ pairCount: 0, fight: false });
    expect(h.record({ at: s(0), thief: 'B', victim: 'A' })).toMatchObject({ pairCount: 1, fight: false });
    expect(h.record({ at: s(0), thief: 'A', victim: 'B' })).toMatchObject({ pairCount: 2, fight: true });
    expect(h.pairCount('B', 'A', s(0))).toBe(3);
  });

  it('the window is half-open: a steal exactly fightWindowSec ago no longer counts', () => {
    const h = new StealHistory(cfg);
    h.record({ at: s(0), thief: 'A', victim: 'B' });
    expect(h.pairCount('A', 'B', s(599.999))).toBe(1);
    expect(h.pairCount('A', 'B', s(600))).toBe(0);
  });

  it('a normal steal cools only the victim for cooldownSec; a fight steal both for fightCooldownSec', () => {
    const h = new StealHistory(cfg);
    h.record({ at: s(0), thief: 'A', victim: 'B' });
    expect(h.coolingUntil('B', s(0))).toBe(s(100));
    expect(h.isCooling('B', s(99.999))).toBe(true);
    expect(h.isCooling('B', s(100))).toBe(false);
    expect(h.isCooling('A', s(0))).toBe(false);
    h.record({ at: s(200), thief: 'B', victim: 'A' });
    const fight = h.record({ at: s(400), thief: 'A', victim: 'B' });
    expect(fight.fight).toBe(true);
    expect(h.coolingUntil('A', s(400))).toBe(s(700));
    expect(h.coolingUntil('B', s(400))).toBe(s(700));
    expect(h.isCooling('A', s(700))).toBe(false);
  });

  it('a fight cooldown shorter than the normal one replaces it (instead, not in addition)', () => {
    const short = new StealHistory({ ...cfg, fightThreshold: 1, cooldownSec: 500, fightCooldownSec: 50 });
    short.record({ at: s(0), thief: 'A', victim: 'B' });
    short.record({ at: s(10), thief: 'A', victim: 'B' }); // a fight steal: both cool 50 s
    expect(short.coolingUntil('B', s(10))).toBe(s(500)); // the first, normal steal still holds B
    expect(short.coolingUntil('A', s(10))).toBe(s(60));
    expect(short.isCooling('A', s(60))).toBe(false);
  });
});
