/**
 * compare --replicates on real bars (two crypto symbols, two one-month windows, orders of 60% of equity so
 * the symbols compete and stealing happens): one replicate is today's output exactly; with three, each
 * window is the mean of its replicate pairs and every replicate ran at its perturbed order size.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { runSimulation } from '../../src/sim/run.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, loadReal, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-replicates-'));
const FILES = ['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'];
const ARGS = [
  'compare',
  '--data',
  ...FILES.map((f) => join(MARKETDATA, f)),
  '--from',
  '2023-01-01',
  '--to',
  '2023-03-15',
  '--window',
  '1mo',
  '--set',
  'sim.orderFraction=0.6',
  '--threads',
  '0',
];

function compareJson(name: string, extra: string[]): { out: CompareJson; stdout: string; stderr: string } {
  const json = join(dir, `${name}.json`);
  const r = runCli([...ARGS, ...extra, '--json', json]);
  expect(r.code, r.stderr).toBe(0);
  return { out: JSON.parse(readFileSync(json, 'utf8')) as CompareJson, stdout: r.stdout, stderr: r.stderr };
}

interface Side {
  sharpe: number;
  totalReturn: number;
  netRegret: number;
  finalEquity: number;
  steals: number;
  trades: number;
}
interface Rep {
  delta: number;
  orderFraction: { a: number; b: number };
  a: Side;
  b: Side;
}
interface Win {
  window: { from: number; to: number };
  a: Side;
  b: Side;
  diff: { sharpe: number; totalReturn: number };
  replicates: Rep[];
  sharpeSpread: number;
}
interface CompareJson {
  command: string;
  simulations: number;
  replicates?: { count: number; deltas: number[] };
  comparisons: {
    windows: Win[];
    aggregate: { pathNoise?: number; medianSharpeDiff: { estimate: number } };
  }[];
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('worksteal compare --replicates', () => {
  it('--replicates 1 writes exactly what no flag writes', () => {
    requireMarketData();
    const plain = compareJson('plain', []);
    const one = compareJson('one', ['--replicates', '1']);
    const { command: c1, ...a } = plain.out;
    const { command: c2, ...b } = one.out;
    expect(c1).not.toContain('--replicates');
    expect(c2).toContain('--replicates 1');
    expect(b).toEqual(a);
    expect(a.replicates).toBeUndefined();
    expect(one.stdout).toBe(plain.stdout);
  });

  it('with 3: each window is the mean of its replicate pairs, every replicate at its own order size on both sides', async () => {
    requireMarketData();
    const md = join(dir, 'three.md');
    const { out, stdout, stderr } = compareJson('three', ['--replicates', '3', '--markdown', md]);
    expect(stderr).toContain('comparing: 2 windows of 1mo × 2 sides × 3 replicates = 12 simulations');
    expect(out.simulations).toBe(12);
    expect(out.replicates!.count).toBe(3);
    const deltas = out.replicates!.deltas;
    expect(deltas[0]).toBe(0);
    expect(deltas.slice(1).map((d) => Math.abs(d))).toEqual([0.002, 0.002]);
    expect(stdout).toContain('each window the mean of 3 replicates');
    expect(stdout).toContain('path noise');
    expect(readFileSync(md, 'utf8')).toContain('--replicates 3');

    const c = out.comparisons[0]!;
    let sawSteals = false;
    const spreads: number[] = [];
    for (const w of c.windows) {
      expect(w.replicates).toHaveLength(3);
      w.replicates.forEach((rep, r) => {
        expect(rep.delta).toBe(deltas[r]);
        expect(rep.orderFraction.a).toBeCloseTo(0.6 * (1 + deltas[r]!), 15);
        expect(rep.orderFraction.b).toBe(rep.orderFraction.a);
        sawSteals ||= rep.a.steals > 0;
      });
      // The sizes really changed: a larger order size ends at a different equity on both sides.
      expect(new Set(w.replicates.map((rep) => rep.a.finalEquity)).size).toBe(3);
      expect(new Set(w.replicates.map((rep) => rep.b.finalEquity)).size).toBe(3);
      const diffs = w.replicates.map((rep) => rep.a.sharpe - rep.b.sharpe);
      expect(w.diff.sharpe).toBeCloseTo(mean(diffs), 12);
      expect(w.diff.totalReturn).toBeCloseTo(
        mean(w.replicates.map((rep) => rep.a.totalReturn - rep.b.totalReturn)),
        12,
      );
      expect(w.a.sharpe).toBeCloseTo(mean(w.replicates.map((rep) => rep.a.sharpe)), 12);
      expect(w.b.netRegret).toBeCloseTo(mean(w.replicates.map((rep) => rep.b.netRegret)), 12);
      const m = mean(diffs);
      const sd = Math.sqrt(diffs.reduce((s: number, d: number) => s + (d - m) ** 2, 0) / 2);
      expect(w.sharpeSpread).toBeCloseTo(sd, 12);
      spreads.push(sd);
    }
    expect(sawSteals).toBe(true);
    expect(c.aggregate.pathNoise).toBeCloseTo(Math.sqrt(mean(spreads.map((s) => s * s))), 12);
    // The median over the windows of the per-window means, as without replicates.
    expect(c.aggregate.medianSharpeDiff.estimate).toBeCloseTo(mean(c.windows.map((w) => w.diff.sharpe)), 12);

    // Replicate 0 is the single path; replicate 2 is what simulate makes at the perturbed order size.
    const plain = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8')) as CompareJson;
    const w0 = c.windows[0]!;
    const [first, , last] = w0.replicates as [Rep, Rep, Rep];
    const single = plain.comparisons[0]!.windows[0]!;
    expect(first.a).toEqual(single.a);
    expect(first.b).toEqual(single.b);
    const loaded = await loadReal(FILES);
    const of = (values: Record<string, unknown>) =>
      runSimulation({
        loaded,
        config: resolveConfig({
          layers: [
            { source: 'test', values: { sim: { orderFraction: last.orderFraction.a } } },
            { source: 'side', values },
          ],
        }).config,
        calendar: nyseCalendar(),
        from: w0.window.from,
        to: w0.window.to,
      }).result.summary;
    const on = of({});
    const off = of({ stealingEnabled: false });
    expect(last.a).toMatchObject({ sharpe: on.sharpe, trades: on.trades, steals: on.steals });
    expect(last.b).toMatchObject({ sharpe: off.sharpe, trades: off.trades, steals: off.steals });
  });
});
