import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { LiveStore } from '../../src/live/store.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime } from '../support/replay-runtime.js';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-crossed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The ledger refuses a crossed quote (bid above ask). A feed can send one for a moment: the runtime must skip
 * that symbol's quote, say so, and go on with the poll, not fail every poll while the quote stays crossed.
 */
describe('a crossed quote from the feed', () => {
  it('is skipped with a warning; the run goes on to its end', async () => {
    const series = (
      await loadReal(['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'])
    ).map((l) => l.series);
    const cfg = resolveConfig({
      layers: [{ source: 'test', values: { live: { stateDb: join(dir, 'crossed.sqlite') } } }],
    }).config;
    const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const venue = configVenue(cfg, series, time);
    const quote = venue.quote.bind(venue);
    // SOL's bid sits above its ask at every poll.
    venue.quote = (symbol) => {
      const q = quote(symbol);
      return q && symbol === 'SOLUSDT' ? { ...q, bid: q.ask * 1.01 } : q;
    };
    const store = new LiveStore(cfg.live.stateDb);
    const sink = new MemorySink();
    const runtime = replayRuntime({
      config: cfg,
      venue,
      time,
      store,
      log: new Logger([sink]),
      runTag: 'crossed',
      start: FROM,
      end: FROM + 6 * H,
    });
    await runtime.start();
    expect(await runtime.run()).toBe('end');
    await runtime.stop('end-of-data', false);
    store.close();
    expect(sink.lines.some((l) => l.includes('"poll-failed"'))).toBe(false);
    expect(sink.lines.some((l) => l.includes('"quote-refused"') && l.includes('SOLUSDT'))).toBe(true);
  });
});
