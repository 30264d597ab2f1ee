import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alpacaTimeframe, AlpacaMarketData } from '../../src/brokers/alpaca/market-data.js';
import type { AlpacaRest } from '../../src/brokers/alpaca/rest.js';

/**
 * The Alpaca bar window (src/brokers/alpaca/market-data.ts) serves callers that ask for different counts —
 * the forecaster's window, the valuation's warm-up (500), the exits' last bar (1) — from one cache per
 * symbol. Each must get the last `count` closed bars whatever the others asked before.
 */
const H = 3_600_000;
const T0 = Date.parse('2024-03-09T00:00:00Z');

/**
 * Alpaca's bars endpoint over hourly bars from `first` on (the forming one included, as Alpaca returns it):
 * `start` and `end` inclusive, `sort=desc` newest first, at most `limit`.
 */
class FakeBarsRest {
  readonly queries: Record<string, string>[] = [];
  constructor(
    private readonly first: number,
    private readonly now: () => number,
  ) {}

  async request<T>(
    _method: string,
    path: string,
    options: { query?: Record<string, string | number | undefined> },
  ): Promise<{ status: number; data: T }> {
    const q = Object.fromEntries(Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)]));
    this.queries.push({ path, ...q });
    const start = Date.parse(q.start!);
    const end = Math.min(Date.parse(q.end!), this.now());
    const rows = [];
    for (let t = Math.max(this.first, Math.ceil((start - this.first) / H) * H + this.first); t <= end; t += H)
      rows.push({ t: new Date(t).toISOString(), o: t / H, h: t / H + 1, l: t / H - 1, c: t / H + 0.5 });
    if (q.sort === 'desc') rows.reverse();
    const limited = rows.slice(0, Number(q.limit));
    return { status: 200, data: { bars: { [q.symbols!]: limited } } as T };
  }
}

function setup(first = T0 - 2000 * H) {
  const clock = { t: T0 + 30 * 60_000 };
  const rest = new FakeBarsRest(first, () => clock.t);
  const md = new AlpacaMarketData({
    rest: rest as unknown as AlpacaRest,
    assetClassOf: () => 'crypto',
    now: () => clock.t,
  });
  /** The truth: open times of the last `count` bars closed by now. */
  const closed = (count: number): number[] => {
    const out: number[] = [];
    for (let t = Math.floor((clock.t - H - first) / H) * H + first; t >= first && out.length < count; t -= H)
      out.unshift(t);
    return out;
  };
  return { clock, rest, md, closed };
}

const times = (w: { time: ArrayLike<number> } | null): number[] => (w ? Array.from(w.time) : []);

describe('Alpaca bar window', () => {
  it('a long window after a short request is still long: the cache keeps what the largest request needs', async () => {
    const { clock, md, closed } = setup();
    expect(times(await md.bars('BTC/USD', 500))).toEqual(closed(500));
    expect(times(await md.bars('BTC/USD', 1))).toEqual(closed(1));
    clock.t += H;
    expect(times(await md.bars('BTC/USD', 1))).toEqual(closed(1));
    const w = await md.bars('BTC/USD', 500);
    expect(times(w)).toEqual(closed(500));
    expect(w!.close.at(-1)).toBe(closed(1)[0]! / H + 0.5);
  });

  it('a longer window than the cache holds fetches the history further back, once', async () => {
    const { rest, md, closed } = setup();
    expect(times(await md.bars('BTC/USD', 10))).toEqual(closed(10));
    expect(times(await md.bars('BTC/USD', 600))).toEqual(closed(600));
    const asked = rest.queries.length;
    expect(times(await md.bars('BTC/USD', 600))).toEqual(closed(600));
    expect(times(await md.bars('BTC/USD', 10))).toEqual(closed(10));
    expect(rest.queries.length).toBe(asked);
  });

  it('a young listing gives what exists, and is not asked for older bars again', async () => {
    const { clock, rest, md, closed } = setup(T0 - 20 * H);
    expect(times(await md.bars('BTC/USD', 500))).toEqual(closed(500));
    expect(closed(500)).toHaveLength(20);
    const asked = rest.queries.length;
    expect(times(await md.bars('BTC/USD', 500))).toHaveLength(20);
    expect(rest.queries.length).toBe(asked);
    clock.t += H;
    expect(times(await md.bars('BTC/USD', 500))).toEqual(closed(500));
    expect(rest.queries.length).toBe(asked + 1);
  });

  it('any sequence of counts and clock steps returns the last `count` closed bars', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            advance: fc.constantFrom(0, 60_000, H / 2, H, 3 * H, 40 * H),
            count: fc.constantFrom(1, 2, 10, 61, 200, 500, 650),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (steps) => {
          const { clock, md, closed } = setup();
          for (const s of steps) {
            clock.t += s.advance;
            expect(times(await md.bars('BTC/USD', s.count))).toEqual(closed(s.count));
          }
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  it('asks Alpaca for the timeframe of its interval', () => {
    expect(alpacaTimeframe(H)).toBe('1Hour');
    expect(alpacaTimeframe(15 * 60_000)).toBe('15Min');
    expect(alpacaTimeframe(24 * H)).toBe('1Day');
    expect(() => alpacaTimeframe(90_000)).toThrow(/90000 ms has no Alpaca timeframe/);
  });
});
