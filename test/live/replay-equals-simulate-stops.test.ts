import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VictimRanking } from '../../src/core/config/schema.js';
import { loadReal } from '../support/marketdata.js';
import {
  MIXED_FILES,
  PAIR_WINDOW,
  pairConfig,
  replayRun,
  simulatedRun,
  stateDbIn,
  type Run,
} from '../support/replay-vs-sim.js';

/**
 * One set of rules (README "Architecture") with the stop-loss on (`sim.stopLossPct`, off by default, so
 * replay-equals-simulate.test.ts never reaches it) and a short time stop: the simulator and
 * `run --broker replay` leave a position by the same rule, at the same time and price. The session's exit
 * watcher sees the stop on a closed bar and the position leaves by a market order, at the open of the
 * symbol's next tradable bar with slippage, as a time stop does. Same mixed set and window as
 * replay-equals-simulate.test.ts, both rankings.
 */
const VARIANTS = {
  'stop 2%, time stop 12 h': { stopLossPct: 0.02, timeStopHours: 12 },
  'stop 1%, no time stop': { stopLossPct: 0.01, timeStopHours: 0 },
} as const;
type Variant = keyof typeof VARIANTS;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-sim-stops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = new Map<string, Promise<{ sim: Run; live: Run }>>();
const both = (ranking: VictimRanking, variant: Variant) => {
  const key = `${ranking}-${VARIANTS[variant].stopLossPct}-${VARIANTS[variant].timeStopHours}`;
  let r = runs.get(key);
  if (!r) {
    r = (async () => {
      const series = (await loadReal(MIXED_FILES)).map((l) => l.series);
      const cfg = pairConfig(ranking, stateDbIn(dir, key), VARIANTS[variant]);
      return { sim: simulatedRun(series, cfg, PAIR_WINDOW), live: await replayRun(series, cfg, PAIR_WINDOW) };
    })();
    runs.set(key, r);
  }
  return r;
};

describe.each(
  (['distance', 'expectedValue'] as const).flatMap((ranking) =>
    (Object.keys(VARIANTS) as Variant[]).map((variant) => [ranking, variant] as const),
  ),
)('replay equals simulate with stops (%s ranking, %s)', (ranking, variant) => {
  it('the window stops out positions (the rule under test is exercised)', async () => {
    const { sim } = await both(ranking, variant);
    expect(sim.exits['stop'] ?? 0).toBeGreaterThan(2);
    if (VARIANTS[variant].timeStopHours > 0) expect(sim.exits['time-stop'] ?? 0).toBeGreaterThan(0);
  }, 600_000);

  it('the same fills: stops and time stops at the same times and prices', async () => {
    const { sim, live } = await both(ranking, variant);
    expect(live.fills).toEqual(sim.fills);
  }, 600_000);

  it('the same decisions and counters', async () => {
    const { sim, live } = await both(ranking, variant);
    expect(live.decisions).toEqual(sim.decisions);
    expect(live.counts).toEqual(sim.counts);
  }, 600_000);

  it('the same closed trades teach the valuation', async () => {
    const { sim, live } = await both(ranking, variant);
    expect(live.learned).toEqual(sim.learned);
  }, 600_000);

  it('the same equity at the end of every day', async () => {
    const { sim, live } = await both(ranking, variant);
    expect([...live.equity.keys()]).toEqual([...sim.equity.keys()]);
    for (const [day, equity] of sim.equity) expect(live.equity.get(day)).toBeCloseTo(equity, 6);
  }, 600_000);
});
