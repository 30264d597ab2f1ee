import { beforeAll, describe, expect, it } from 'vitest';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { LiveWatchers, type WatchHost } from '../../src/live/runtime-watch.js';
import type { RuntimeOptions } from '../../src/live/runtime-options.js';
import { LiveStore } from '../../src/live/store.js';
import { TrackedBroker } from '../../src/live/tracked-broker.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { realSeries, rig } from '../brokers/alpaca-rig.js';

/**
 * docs/live.md: a take-profit Alpaca holds on the pair's steps is kept, not cancelled and placed again. A new
 * process knows no pair's steps until it reads them: it judged the resting take-profit on the general rules
 * (110.03 wanted, 110.05 held on the pair's 0.05 step) and cancelled and placed it again at every restart. The
 * exit watcher now reads the pair's steps before it judges a take-profit.
 */
let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

describe('after a restart, a take-profit Alpaca holds on the pair’s steps', () => {
  it('is kept: the pair’s steps are read before it is judged', async () => {
    const r = await rig(series, {
      fake: { assets: { 'SOL/USD': { price_increment: '0.05', min_trade_increment: '0.01' } } },
    });
    const now = r.time.t;
    const store = new LiveStore(':memory:');
    store.startRun('before', r.broker.name, now - 7_200_000, {});
    // The earlier run's entry filled 2 SOL (take-profit 110.03) and its take-profit rests on the 0.05 step.
    const entry = r.venue.place({
      clientOrderId: 'ws-before-1',
      symbol: 'SOL/USD',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 2,
    });
    if (!entry.ok) throw new Error(entry.reason);
    r.venue.fillNow(entry.order.id, 100);
    const row = {
      symbol: 'SOL/USD',
      assetClass: 'crypto' as const,
      forecastPnl: 0,
      placedAt: now - 3_600_000,
    };
    store.recordOrder(
      {
        ...row,
        clientOrderId: 'ws-before-1',
        orderId: entry.order.id,
        side: 'buy',
        role: 'entry',
        limitPrice: 100,
        qty: 2,
        takeProfit: 110.03,
        signalKey: 'k',
        status: 'open',
      },
      now,
    );
    store.updateOrderStatus(entry.order.id, 'filled', 2, 100, now);
    const tp = r.venue.place({
      clientOrderId: 'ws-before-tp1',
      symbol: 'SOL/USD',
      side: 'sell',
      role: 'take-profit',
      limitPrice: 110.05,
      qty: 2,
    });
    if (!tp.ok) throw new Error(tp.reason);
    store.recordOrder(
      {
        ...row,
        clientOrderId: 'ws-before-tp1',
        orderId: tp.order.id,
        side: 'sell',
        role: 'take-profit',
        limitPrice: 110.05,
        qty: 2,
        takeProfit: null,
        signalKey: null,
        status: 'open',
      },
      now,
    );

    // The new process: a fresh adapter (no asset rules read yet), its ledger reconciled with the venue.
    const config = resolveConfig({ layers: [] }).config;
    const account = { equity: 10_000, patternDayTrader: false };
    const coordinator = new Coordinator({
      config,
      clock: { now: () => r.time.t },
      calendar: { isRegularSession: () => false },
      account,
    });
    const broker = new TrackedBroker(r.broker, store, () => r.time.t);
    await coordinator.reconcile(broker);
    const cancelled: string[] = [];
    const placed: string[] = [];
    const host = {
      o: {
        config,
        store,
        symbols: [{ symbol: 'SOL/USD', assetClass: 'crypto' }],
        start: now - 60_000,
        runTag: 'after',
        log: { info: (e: string) => placed.push(e), warn: () => undefined },
        marketData: { bars: async () => null },
      } as unknown as RuntimeOptions,
      coordinator,
      broker,
      records: {},
      dryRun: () => false,
      halted: () => true,
      reconcileIfDirty: async () => undefined,
      cancelOwn: async (id: string) => void cancelled.push(id),
      brokerCap: () => undefined,
    } as unknown as WatchHost;
    const watchers = new LiveWatchers(host);
    for (let i = 0; i < 3; i++) {
      const t = now + i * 60_000;
      await watchers.poll(t, new Map([['SOL/USD', { bid: 101, ask: 101.1, time: t }]]), true);
    }
    expect(cancelled).toEqual([]);
    expect(placed).not.toContain('take-profit-armed');
    expect(r.venue.order(tp.order.id)!.status).toBe('open');
    store.close();
  });
});
