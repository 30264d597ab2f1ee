import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { Quote } from '../../src/ports/venue.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { LiveStore } from '../../src/live/store.js';
import type { StatusSnapshot } from '../../src/live/status.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime } from '../support/replay-runtime.js';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const FEED_BREAKS = FROM + 2 * H;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-quote-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * /status says, per symbol, which price the ledger holds and when that price was made, and each order and
 * position row says it too. A feed can stop moving one symbol (the same quote at every poll), send a crossed
 * quote the ledger refuses, or give no time at all: the rows keep their last price, and only the time shows
 * that it is old. Three symbols, one of each, over six replayed hours.
 */
describe('the time of each price on /status', () => {
  it('is the time of the last quote the ledger took: frozen, refused and untimed feeds each show as they are', async () => {
    const series = (
      await loadReal([
        'binance-spot-yanniedog/SOLUSDT_1h.csv',
        'binance-spot-yanniedog/LINKUSDT_1h.csv',
        'binance-spot-yanniedog/LTCUSDT_1h.csv',
      ])
    ).map((l) => l.series);
    const cfg = resolveConfig({
      layers: [{ source: 'test', values: { live: { stateDb: join(dir, 'quote-time.sqlite') } } }],
    }).config;
    const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const venue = configVenue(cfg, series, time);
    const quote = venue.quote.bind(venue);
    let frozen: Quote | null = null;
    let lastGoodLink: Quote | null = null;
    venue.quote = (symbol) => {
      const q = quote(symbol);
      if (!q) return q;
      const broken = time.now() >= FEED_BREAKS;
      if (symbol === 'SOLUSDT') {
        // The feed stops: the quote it had when it broke, at every poll after.
        if (!broken) return q;
        frozen ??= q;
        return frozen;
      }
      if (symbol === 'LINKUSDT') {
        // Crossed from the break on: the ledger refuses it and keeps the last one it took.
        if (!broken) return (lastGoodLink = q);
        return { ...q, bid: q.ask * 1.01 };
      }
      // LTC's feed gives no time: its price counts as made at the poll.
      const { time: _made, ...untimed } = q;
      return untimed;
    };
    const store = new LiveStore(cfg.live.stateDb);
    const sink = new MemorySink();
    const metrics = new LiveMetrics();
    const runtime = replayRuntime({
      metrics,
      config: cfg,
      venue,
      time,
      store,
      log: new Logger([sink]),
      runTag: 'quote-time',
      start: FROM,
      end: FROM + 6 * H,
    });
    await runtime.start();
    expect(await runtime.run()).toBe('end');
    const status: StatusSnapshot = runtime.status();
    await runtime.stop('end-of-data', false);
    store.close();

    const bySymbol = new Map(status.quotes.map((q) => [q.symbol, q]));
    expect([...bySymbol.keys()].sort()).toEqual(['LINKUSDT', 'LTCUSDT', 'SOLUSDT']);
    // SOL: the frozen quote, made when the feed broke, though hours have passed since.
    expect(frozen).not.toBeNull();
    expect(bySymbol.get('SOLUSDT')).toEqual({
      symbol: 'SOLUSDT',
      bid: frozen!.bid,
      ask: frozen!.ask,
      time: new Date(frozen!.time!).toISOString(),
    });
    // LINK: the last quote before it crossed; the crossed ones were refused and said so.
    expect(bySymbol.get('LINKUSDT')).toEqual({
      symbol: 'LINKUSDT',
      bid: lastGoodLink!.bid,
      ask: lastGoodLink!.ask,
      time: new Date(lastGoodLink!.time!).toISOString(),
    });
    expect(sink.lines.some((l) => l.includes('"quote-refused"') && l.includes('LINKUSDT'))).toBe(true);
    // LTC: made at a poll after the break, newer than either of the others, and not after the snapshot.
    const ltc = Date.parse(bySymbol.get('LTCUSDT')!.time);
    expect(ltc).toBeGreaterThan(Date.parse(bySymbol.get('SOLUSDT')!.time));
    expect(ltc).toBeGreaterThan(Date.parse(bySymbol.get('LINKUSDT')!.time));
    expect(ltc).toBeLessThanOrEqual(Date.parse(status.now));
    expect(Date.parse(bySymbol.get('SOLUSDT')!.time)).toBeLessThanOrEqual(FEED_BREAKS);
    // Every row carries its symbol's time: how old the last price the ledger could take for it is.
    const rows = [...status.openOrders, ...status.positions];
    expect(rows.length).toBeGreaterThan(0);
    for (const o of status.openOrders) expect(o.quoteTime, o.id).toBe(bySymbol.get(o.symbol)!.time);
    for (const p of status.positions) expect(p.quoteTime, p.symbol).toBe(bySymbol.get(p.symbol)!.time);
    // /metrics has the same times, in Unix seconds, for an alert on time() minus them.
    const gauge = (await metrics.quoteTime.get()).values;
    expect(new Map(gauge.map((v) => [v.labels.symbol, v.value]))).toEqual(
      new Map(status.quotes.map((q) => [q.symbol, Date.parse(q.time) / 1000])),
    );
  });
});
