import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { launchReplay } from '../../src/live/launch.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { simulate } from '../../src/sim/engine.js';
import { parseSignalsCsv } from '../../src/sim/signals/csv-signals.js';

/**
 * The `*Bars` keys count in the session's bar length live as in the simulator (cooldowns and fight
 * windows expressible in bars). Four cryptos on a Saturday (out of US hours, no force-immediate tier), flat
 * hourly bars at 100 whose lows (99.95) reach no entry limit, 10,000 of equity and orders of 4,500: two
 * orders fit. With cooldownBars = 2 (cooldownSec stays at its default of 166 s):
 *   T0  AAA rests far from its limit (97: about 3%), XXX close to its own (99.9: protected at 0.1%).
 *   T1  BBB is ready (99.7) and steals AAA's margin: AAA cools for 2 bars. BBB's signal ends at T1 + 30 min.
 *   T2  BBB's order is cancelled (expired); AAA rests again in the margin that frees; CCC is ready but AAA
 *       still cools 1 h after the steal and XXX is protected: the steal is refused.
 *   T3  2 h after the steal AAA no longer cools: CCC steals it.
 */
const H = 3_600_000;
const DAY0 = Date.parse('2024-03-01T00:00:00Z');
const FROM = Date.parse('2024-03-02T00:00:00Z'); // a Saturday
const T0 = FROM + H; // the close of the first bar of the range
const TO = T0 + 4 * H;
const iso = (t: number): string => new Date(t).toISOString();

const dir = mkdtempSync(join(tmpdir(), 'worksteal-bar-cooldowns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function flat(symbol: string): BarSeries {
  const n = (TO + 2 * H - DAY0) / H;
  const time = Float64Array.from({ length: n }, (_, i) => DAY0 + i * H);
  const fill = (v: number) => new Float64Array(n).fill(v);
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: H,
    time,
    open: fill(100),
    high: fill(100.05),
    low: fill(99.95),
    close: fill(100),
    volume: fill(1000),
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

const SIGNALS = [
  'time,symbol,side,entry,take_profit,expected_pnl,valid_until',
  `${iso(T0)},XXXUSD,buy,99.9,102,1,${iso(TO + H)}`,
  `${iso(T0)},AAAUSD,buy,97,102,50,${iso(TO + H)}`,
  `${iso(T0 + H)},BBBUSD,buy,99.7,102,10,${iso(T0 + 1.5 * H)}`,
  `${iso(T0 + 2 * H)},CCCUSD,buy,99.7,102,5,${iso(TO + H)}`,
].join('\n');

function config(cooldownBars: number, db: string) {
  const signalsCsv = join(dir, 'signals.csv');
  writeFileSync(signalsCsv, SIGNALS);
  return resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          // The steals here are built for the distance rule.
          victimRanking: 'distance',
          cooldownBars,
          cryptoOutOfHoursForceCount: 0,
          sim: { feesBps: 0, initialEquity: 10_000, orderFraction: 0.45 },
          live: {
            initialEquity: 10_000,
            orderFraction: 0.45,
            pollSec: 3600,
            stateDb: join(dir, db),
            signalsCsv,
          },
        },
      },
    ],
  }).config;
}

const series = () => ['XXXUSD', 'AAAUSD', 'BBBUSD', 'CCCUSD'].map(flat);

/** Decisions as `time symbol action reason victim symbols`; one replay per setting. */
const replays = new Map<number, Promise<string[]>>();
function live(cooldownBars: number): Promise<string[]> {
  let r = replays.get(cooldownBars);
  if (!r) replays.set(cooldownBars, (r = replay(cooldownBars)));
  return r;
}

async function replay(cooldownBars: number): Promise<string[]> {
  const db = `live-${cooldownBars}.sqlite`;
  const cfg = config(cooldownBars, db);
  const session = await launchReplay({
    config: cfg,
    env: {},
    log: new Logger([new MemorySink()]),
    series: series(),
    from: FROM,
    to: TO,
    http: false,
    time: new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM),
  });
  await session.runtime.run();
  await session.runtime.stop('end-of-data', false);
  await session.close();
  const d = new Database(cfg.live.stateDb, { readonly: true });
  try {
    const rows = d
      .prepare('SELECT time, symbol, action, reason, victim_symbols FROM decisions ORDER BY id')
      .all() as { time: number; symbol: string; action: string; reason: string; victim_symbols: string }[];
    return rows.map(
      (r) =>
        `${iso(r.time)} ${r.symbol} ${r.action} ${r.reason} ${(JSON.parse(r.victim_symbols) as string[]).join('+')}`,
    );
  } finally {
    d.close();
  }
}

function simulated(cooldownBars: number): string[] {
  const cfg = config(cooldownBars, `sim-${cooldownBars}.sqlite`);
  const s = series();
  const out = simulate({
    series: s,
    config: cfg,
    calendar: nyseCalendar(),
    from: FROM,
    to: TO,
    signals: parseSignalsCsv(SIGNALS, 'signals.csv'),
  });
  const symbolOf = new Map<string, string>();
  for (const d of out.decisions) if (d.orderId) symbolOf.set(d.orderId, d.symbol);
  return out.decisions.map(
    (d) =>
      `${iso(d.time)} ${d.symbol} ${d.action} ${d.reason} ${d.victims.map((v) => symbolOf.get(v) ?? v).join('+')}`,
  );
}

const steals = (decisions: string[]) => decisions.filter((d) => / steal /.test(d));

describe('cooldowns in bars, live as in the simulator', () => {
  it('cooldownBars = 2 on hourly bars: a second steal from AAA is refused 1 h later and allowed after 2 h', async () => {
    const decisions = await live(2);
    expect(steals(decisions)).toEqual([
      expect.stringMatching(new RegExp(`^${iso(T0 + H)} BBBUSD steal \\S+ AAAUSD$`)),
      expect.stringMatching(new RegExp(`^${iso(T0 + 3 * H)} CCCUSD steal \\S+ AAAUSD$`)),
    ]);
    expect(decisions).toContainEqual(`${iso(T0 + 2 * H)} AAAUSD place capacity-available `);
    expect(decisions.some((d) => d.startsWith(`${iso(T0 + 2 * H)} CCCUSD block `))).toBe(true);
  });

  it('the simulator makes the same decisions', async () => {
    expect(await live(2)).toEqual(simulated(2));
  });

  it('without the bar keys the default cooldown (166 s) lets CCC steal from AAA 1 h after BBB did', async () => {
    const decisions = await live(0);
    expect(steals(decisions).map((d) => d.split(' ')[0])).toEqual([iso(T0 + H), iso(T0 + 2 * H)]);
    expect(decisions).toEqual(simulated(0));
  });
});
