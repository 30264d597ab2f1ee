/**
 * What a steal still decides outlives a restart of the service, as it does for `run`: cooldowns and fights
 * for their windows, and the daily steal budget for its day (src/live/recovery.ts restoreStealHistory).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actLikeABot,
  advisoryService,
  readyRequest,
  restingOrder,
  T0,
  type Harness,
  closedAfterEachTest,
} from './fixture.js';

const { open, dirs } = closedAfterEachTest();

/** One steal per symbol per day; cooldowns and fights over within a minute. */
const CONFIG = { stealBudgetPerDay: 1, cooldownSec: 0, fightWindowSec: 60, fightCooldownSec: 0 };

async function stealOnce(
  h: Harness,
  victim: string,
): Promise<{ action: string; reason: string; outcome: string | null }> {
  h.service.event({ kind: 'placed', order: restingOrder(victim, `${victim.toUpperCase()}/USD`, 8_000) });
  const first = await h.service.request(readyRequest('BTC/USD', 3_000));
  const end = await actLikeABot(h.service, first);
  return { action: first.action, reason: first.reason, outcome: end.outcome };
}

describe('a restarted service', () => {
  it("keeps a symbol's daily steal budget spent, hours after its cooldowns ended", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-history-restart-'));
    dirs.push(dir);
    const first = advisoryService({ equity: 10_000, dir, config: CONFIG });
    open.push(first);
    expect(await stealOnce(first, 'eth')).toMatchObject({ action: 'steal', outcome: 'stole' });
    await first.close();
    open.length = 0;

    // Two hours later (the cooldowns and the fight window long over, the budget's day not): a new process.
    const again = advisoryService({ equity: 10_000, dir, config: CONFIG, now: T0 + 2 * 3_600_000 });
    open.push(again);
    await again.service.ready;
    expect(await stealOnce(again, 'sol')).toMatchObject({ action: 'block', reason: 'steal-budget' });
  });

  it('keeps the spellings its steal history holds: another spelling cannot step around a cooldown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-history-spelling-'));
    dirs.push(dir);
    const first = advisoryService({ equity: 10_000, dir, config: { cooldownSec: 3_600 } });
    open.push(first);
    await first.service.ready;
    // A steal the last run made (only the history names SOL/USD: no order or report of it is replayed).
    first.store.recordSteal({ at: T0 - 60_000, thief: 'SOL/USD', victim: 'ETH/USD' }, false);
    await first.close();
    open.length = 0;

    const again = advisoryService({ equity: 10_000, dir, config: { cooldownSec: 3_600 } });
    open.push(again);
    await again.service.ready;
    // Before: SOLUSD was a market of its own, with no cooldown.
    await expect(again.service.request(readyRequest('SOLUSD', 1_000))).rejects.toThrow(
      /another spelling of SOL\/USD, the spelling the service saw first for it/,
    );
  });
});
