import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-order-scope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

type Op = { run: 0 | 1; kind: 'place' } | { run: 0 | 1; kind: 'fill'; nth: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ run: fc.constantFrom<0 | 1>(0, 1), kind: fc.constant<'place'>('place') }),
  fc.record({ run: fc.constantFrom<0 | 1>(0, 1), kind: fc.constant<'fill'>('fill'), nth: fc.nat(5) }),
);

describe('orders are found and updated by (venue, venue order id)', () => {
  it("property: two replay runs with colliding venue ids in one store never touch each other's rows", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.constantFrom('replay', 'paper'), (ops, broker) => {
        const path = join(dir, `scope-${++n}.sqlite`);
        // Two runs, each with a venue numbering its orders from r1 (as the replay venue did).
        const stores = [new LiveStore(path), new LiveStore(path)] as const;
        stores[0].startRun('one', 'replay', 1, {});
        stores[1].startRun('two', broker, 2, {});
        const placed: string[][] = [[], []];
        const filled = [new Set<string>(), new Set<string>()];
        ops.forEach((o, step) => {
          const store = stores[o.run];
          const mine = placed[o.run]!;
          if (o.kind === 'place') {
            const orderId = `r${mine.length + 1}`;
            mine.push(orderId);
            store.recordOrder(
              {
                clientOrderId: `ws-${o.run}-${mine.length}`,
                orderId,
                symbol: 'BTCUSD',
                assetClass: 'crypto',
                side: 'buy',
                role: 'entry',
                limitPrice: 100,
                qty: 1,
                takeProfit: null,
                forecastPnl: 0,
                signalKey: null,
                placedAt: step,
                status: 'open',
              },
              step,
            );
          } else if (mine.length) {
            const orderId = mine[o.nth % mine.length]!;
            store.updateOrderStatus(orderId, 'filled', 1, 100, step);
            filled[o.run]!.add(orderId);
          }
        });
        for (const run of [0, 1] as const) {
          placed[run]!.forEach((orderId, i) => {
            const row = stores[run].orderByClientId(`ws-${run}-${i + 1}`);
            expect(row?.status).toBe(filled[run]!.has(orderId) ? 'filled' : 'open');
            expect(stores[run].orderByOrderId(orderId)?.clientOrderId).toBe(`ws-${run}-${i + 1}`);
          });
        }
        stores[1].close();
        stores[0].close();
      }),
      { numRuns: 40, seed: 13 },
    );
  });
});
