/**
 * An exit the venue keeps refusing (a remainder below a pair's minimum size, an account rule) is sent again
 * at every poll, but its refusal is logged once per symbol and reason, not at every poll for as long as the
 * position lasts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { ReplayBroker } from '../../src/live/replay-broker.js';
import { LiveStore } from '../../src/live/store.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime } from '../support/replay-runtime.js';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an exit the venue keeps refusing', () => {
  it('is sent at every poll and its refusal logged once per symbol and reason', async () => {
    const series = (
      await loadReal(['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'])
    ).map((l) => l.series);
    const config = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            sim: { feesBps: 0 },
            live: {
              initialEquity: 10_000,
              orderFraction: 0.45,
              pollSec: 3600,
              stateDb: join(dir, 'r.sqlite'),
            },
          },
        },
      ],
    }).config;
    const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const venue = configVenue(config, series, time);
    const attempts = new Map<string, number>();
    class RefusesTakeProfits extends ReplayBroker {
      override async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
        if (request.role !== 'take-profit') return super.placeLimit(request);
        attempts.set(request.symbol, (attempts.get(request.symbol) ?? 0) + 1);
        return { ok: false, reason: `${request.symbol}: quantity below the pair's minimum order size` };
      }
    }
    const store = new LiveStore(config.live.stateDb);
    const sink = new MemorySink();
    const runtime = replayRuntime({
      config,
      venue,
      broker: new RefusesTakeProfits(venue),
      time,
      store,
      log: new Logger([sink]),
      runTag: 'refusals',
      start: FROM,
      end: FROM + 72 * H,
    });
    await runtime.start();
    expect(await runtime.run()).toBe('end');
    await runtime.stop('end-of-data', false);
    store.close();

    const logged = sink.lines
      .map((l) => JSON.parse(l) as { event: string; symbol?: string })
      .filter((l) => l.event === 'take-profit-rejected');
    // The case this test is about happened: some symbol's take-profit was refused at several polls.
    expect(Math.max(0, ...attempts.values())).toBeGreaterThan(2);
    for (const [symbol, n] of attempts) {
      // Before: one warning per attempt.
      expect(
        logged.filter((l) => l.symbol === symbol),
        `${symbol}: ${n} attempts`,
      ).toHaveLength(1);
    }
  });
});
