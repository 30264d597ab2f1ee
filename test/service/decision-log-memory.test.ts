/**
 * The decision log keeps each open request's last decision (the answer of a request that waits for its bot
 * needs it) and lets it go when the request settles or fails; requests that never end are kept up to a bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import type { Outcome } from '../../src/coordinator/saga.js';
import type { Decision } from '../../src/core/policy/decision.js';
import type { EntryRequest } from '../../src/core/types.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { LiveStore } from '../../src/live/store.js';
import { DecisionLog } from '../../src/service/decision-log.js';
import { readyRequest } from './fixture.js';

let dir = '';
let store: LiveStore | null = null;
afterEach(() => {
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function decisionLog(): DecisionLog {
  dir = mkdtempSync(join(tmpdir(), 'worksteal-decision-memory-'));
  store = new LiveStore(join(dir, 's.sqlite'));
  store.startRun('memory', 'none', 0, {});
  const ledger = new CapacityLedger({ equity: 10_000, patternDayTrader: false });
  return new DecisionLog(store, () => ledger, new LiveMetrics());
}

/** A blocked decision for a request (no candidates: the log needs no more of it). */
const blocked = (request: EntryRequest, time: number): Decision =>
  ({
    time,
    request,
    action: 'block',
    reason: 'no-capacity',
    victims: [],
    shortfall: 1,
    fight: false,
    dryRun: false,
    candidates: null,
  }) as unknown as Decision;

const outcomeOf = (decision: Decision): Outcome => ({ status: 'blocked', decision }) as unknown as Outcome;

describe('the decision log of open requests', () => {
  it('forgets a request once it settles or fails, and keeps one that is still open', () => {
    const log = decisionLog();
    const settles = { ...readyRequest('A/USD', 100) };
    const fails = { ...readyRequest('B/USD', 100) };
    const waits = { ...readyRequest('C/USD', 100) };
    const d = blocked(settles, 1);
    log.decided(d);
    log.decided(blocked(fails, 2));
    log.decided(blocked(waits, 3));
    log.settled(settles, outcomeOf(d), 0.1);
    log.forget(fails);
    expect(log.decisionOf(settles)).toBeUndefined();
    expect(log.decisionOf(fails)).toBeUndefined();
    expect(log.decisionOf(waits)?.request).toBe(waits);
  });

  it('keeps at most the last 1,000 requests that never end, oldest dropped first', () => {
    const log = decisionLog();
    const requests = Array.from({ length: 1_005 }, (_, i) => ({ ...readyRequest(`S${i}/USD`, 100) }));
    requests.forEach((r, i) => log.decided(blocked(r, i)));
    log.flush();
    const kept = requests.filter((r) => log.decisionOf(r) !== undefined);
    expect(kept).toEqual(requests.slice(5));
  });
});
