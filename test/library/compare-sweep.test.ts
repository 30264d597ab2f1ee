/**
 * compare() takes `sweep` as `worksteal compare --sweep` does: one group per level (every combination of
 * several sweeps, the first outermost), the level set on every side, the default B's stealing off after it.
 * On real bars (two crypto symbols, two one-month windows) it gives the numbers the CLI's --json writes for
 * the same arguments, with one A and with several A against one B, and compareReport prints and writes what
 * the CLI does. A malformed sweep is refused with the CLI's message, named as the argument (`sweep[0]`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { invocation } from '../../src/cli/invocation.js';
import {
  ValidationError,
  compare,
  compareReport,
  loadData,
  resolveConfig,
  type BarSeries,
  type CompareInput,
  type CompareOutput,
} from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { expectAsWritten } from '../support/compare-json.js';
import { runInProcess } from '../support/in-process-cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { refused } from '../support/refusal.js';
import { caseConfig, compareCliArgs, TEST_BAR_CACHE, twoCryptoPaths } from '../support/two-crypto-compare.js';

const FROM = '2023-01-01';
const TO = '2023-03-01';
const dir = mkdtempSync(join(tmpdir(), 'worksteal-compare-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI's arguments for the data and the windows, then `extra`, on this thread. */
const cliArgs = (...extra: string[]): string[] => compareCliArgs(FROM, TO, ...extra);

/** The library's result against the CLI's --json file (support/compare-json.ts); the file as parsed. */
function expectAsWrittenIn(out: CompareOutput, jsonFile: string): Record<string, unknown> {
  const written = JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
  expectAsWritten(out, written);
  return written;
}

async function loaded(): Promise<BarSeries[]> {
  requireMarketData();
  return (await loadData(twoCryptoPaths(), { cacheDir: TEST_BAR_CACHE })).series;
}

const both = { bothSides: ['sim.orderFraction=0.6'] };

describe('compare() with a sweep, on real bars', () => {
  it('gives what `worksteal compare --sweep … --json` writes, level by level, and prints what it prints', async () => {
    const sweeps = ['protectionPct=0.001,0.004', 'sim.slippageBps=0,10'];
    const json = join(dir, 'one-a.json');
    const cli = runCli(cliArgs(...sweeps.flatMap((s) => ['--sweep', s]), '--json', json));
    expect(cli.code, cli.stderr).toBe(0);

    const out = await compare({
      series: await loaded(),
      // The CLI names A after the config it started from.
      a: [{ label: 'default config', config: caseConfig() }],
      sweep: sweeps,
      window: '1mo',
      from: Date.parse(FROM),
      to: Date.parse(TO),
      seed: 5,
    });
    expectAsWrittenIn(out, json);
    // Every combination, the first sweep outermost; two windows each.
    const levels = [
      'protectionPct=0.001 sim.slippageBps=0',
      'protectionPct=0.001 sim.slippageBps=10',
      'protectionPct=0.004 sim.slippageBps=0',
      'protectionPct=0.004 sim.slippageBps=10',
    ];
    expect(out.comparisons.map((c) => c.level)).toEqual(levels);
    expect(out.comparisons.every((c) => c.windows.length === 2)).toBe(true);
    expect(out.simulations).toBe(4 * 2 * 2);
    // The level is on both sides, and B's stealing stays off at every level.
    for (const g of out.sides) {
      const slippage = Number(/sim\.slippageBps=(\d+)/.exec(g.level)![1]);
      expect(g.variants[0]!.config.sim.slippageBps).toBe(slippage);
      expect(g.baseline.config.sim.slippageBps).toBe(slippage);
      expect(g.baseline.config.stealingEnabled).toBe(false);
    }
    // The levels are not one comparison four times: slippage costs both sides.
    const returnB = (i: number): number => out.comparisons[i]!.windows[0]!.b.totalReturn;
    expect(returnB(1)).toBeLessThan(returnB(0));
    expect(out.sweep).toEqual(sweeps);
    // The text the CLI printed (its --json went to a file): a row per level.
    expect(compareReport(out, both)).toBe(cli.stdout);
    for (const level of levels) expect(cli.stdout).toContain(level);
  }, 120_000);

  it('several A against one B at each level: the numbers of --variant … --baseline … --sweep, and the --report page', async () => {
    const json = join(dir, 'variants.json');
    const html = join(dir, 'variants.html');
    const sides = ['--variant', 'protectionPct=0.001', '--variant', 'protectionPct=0.004'];
    const args = cliArgs(...sides, '--baseline', 'stealingEnabled=false', '--sweep', 'sim.slippageBps=0,10');
    const cli = runCli([...args, '--quiet', '--json', json, '--report', html]);
    expect(cli.code, cli.stderr).toBe(0);

    const out = await compare({
      series: await loaded(),
      a: [
        { label: 'protectionPct=0.001', config: caseConfig({ protectionPct: 0.001 }) },
        { label: 'protectionPct=0.004', config: caseConfig({ protectionPct: 0.004 }) },
      ],
      b: { label: 'stealingEnabled=false', config: caseConfig({ stealingEnabled: false }) },
      sweep: ['sim.slippageBps=0,10'],
      window: '1mo',
      from: Date.parse(FROM),
      to: Date.parse(TO),
      seed: 5,
    });
    expectAsWrittenIn(out, json);
    expect(out.comparisons.map((c) => `${c.variant} @ ${c.level}`)).toEqual([
      'protectionPct=0.001 @ sim.slippageBps=0',
      'protectionPct=0.004 @ sim.slippageBps=0',
      'protectionPct=0.001 @ sim.slippageBps=10',
      'protectionPct=0.004 @ sim.slippageBps=10',
    ]);
    expect(compareReport(out, { ...both, detail: false })).toBe(cli.stdout);
    // The page with the curve of the numeric sweep, as --report draws it (the inlined scripts aside: the
    // CLI runs a separately compiled copy).
    const command = invocation({}, [...args, '--quiet', '--json', json, '--report', html]);
    const page = compareReport(out, { ...both, format: 'html', command });
    const code = (p: string): string => p.replace(/<script>[\s\S]*?<\/script>/g, '<script>…</script>');
    expect(code(page)).toBe(code(readFileSync(html, 'utf8')));
    expect(page).toContain('<h2>Against the sweep level</h2>');
    expect(page).toContain('"id":"sweep-sharpe"');
  }, 120_000);
});

// --------------------------------------------------------------------------------------- refusals

const HOUR = 3_600_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');

/** `days` of hourly bars of a gently moving price. */
function bars(symbol: string, days: number, phase: number): BarSeries {
  const n = days * 24;
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  const mid = (i: number): number => 100 * (1 + 0.03 * Math.sin(i / 7 + phase) + 0.01 * Math.sin(i / 2.3));
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: HOUR,
    time: col((i) => T0 + i * HOUR),
    open: col((i) => mid(i) * 0.999),
    high: col((i) => mid(i) * 1.006),
    low: col((i) => mid(i) * 0.994),
    close: col((i) => mid(i) * 1.001),
    volume: col(() => 1),
    source: { path: `inline:${symbol}`, sha256: '', layout: 'inline', timezone: 'UTC' },
  };
}

const { config } = resolveConfig({
  layers: [{ source: 'test', values: { sim: { forecaster: { lookbackBars: 48 } } } }],
});
const inline: CompareInput = {
  series: [bars('AAA', 9, 0), bars('BBB', 9, 1.3)],
  a: config,
  window: '1w',
  resamples: 100,
};
const loose = <T>(x: unknown): T => x as T;

describe('compare() refuses a malformed sweep before anything runs', () => {
  it('with the message `--sweep` gives, named as the argument', async () => {
    for (const text of [
      'protectionPct',
      'protectionPct=0.001,,0.004',
      'protectionPct=abc',
      'protectionPct=5',
      'sim.nope=1,2',
    ]) {
      const error = await compare({ ...inline, sweep: [text] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, text).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).issues;
      expect(issues, text).toHaveLength(1);
      expect(issues[0]!.where.startsWith('sweep[0]'), issues[0]!.where).toBe(true);
      // The CLI says the same of `--sweep text`: its flag where the library names the argument.
      const cli = await runInProcess(['compare', '--sweep', text]);
      expect(cli.code).not.toBe(0);
      const where = issues[0]!.where.replace('sweep[0]', '--sweep');
      expect(cli.stderr, text).toContain(`  - ${where}: ${issues[0]!.message}`);
    }
  }, 60_000);

  it('names which sweep, the value, and what to pass', async () => {
    await refused(
      () => compare({ ...inline, sweep: loose('protectionPct=0.001,0.004') }),
      'sweep',
      /must be an array of key=value1,value2,… \(e\.g\./,
    );
    await refused(() => compare({ ...inline, sweep: [] }), 'sweep', /or absent/);
    await refused(
      () => compare({ ...inline, sweep: ['protectionPct=0.001', loose(7)] }),
      'sweep[1]',
      /must be a string/,
    );
    await refused(
      () => compare({ ...inline, sweep: ['protectionPct=0.001', '=1,2'] }),
      'sweep[1]',
      /key=value1,value2/,
    );
    await refused(
      () => compare({ ...inline, sweep: ['protectionPct=0.001,2'] }),
      'sweep[0] protectionPct=2: protectionPct',
      /Too big/,
    );
    // Every problem at once, the sweep's among the others.
    const error = await compare({ ...inline, sweep: ['protectionPct'], threads: 0 }).catch((e: unknown) => e);
    expect((error as ValidationError).issues.map((i) => i.where)).toEqual(['sweep[0]', 'threads']);
  });
});

// --------------------------------------------------------------------------------------- property

/** Numeric keys with values the configuration takes. */
const KEYS: Record<string, number[]> = {
  protectionPct: [0.001, 0.0015, 0.004],
  'sim.slippageBps': [0, 5, 10],
  'sim.feesBps': [0, 2],
};

describe('compare() with any sweep', () => {
  it("turns the default B's stealing off after the level, as the CLI's baseline: a sweep cannot turn it on", async () => {
    const out = await compare({ ...inline, sweep: ['stealingEnabled=true,false'] });
    expect(
      out.sides.map((g) => [
        g.level,
        g.variants[0]!.config.stealingEnabled,
        g.baseline.config.stealingEnabled,
      ]),
    ).toEqual([
      ['stealingEnabled=true', true, false],
      ['stealingEnabled=false', false, false],
    ]);
  });

  it("returns the configuration warnings a level's sides give, each once, as the CLI prints them", async () => {
    // pdtMinEquity below marginMinEquity (2,000) is a warning, not an error: only the 1,000 level gives it.
    const sweep = ['margin.stock.pdtMinEquity=1000,30000'];
    const out = await compare({ ...inline, sweep });
    const pdt = out.warnings.filter((w) => w.startsWith('margin.stock.pdtMinEquity'));
    expect(pdt).toEqual([
      expect.stringMatching(/^margin\.stock\.pdtMinEquity 1000 is below margin\.stock\.marginMinEquity 2000/),
    ]);
    expect(new Set(out.warnings).size).toBe(out.warnings.length);
    // The CLI prints each of them (the default configuration's own dead-zone warnings among them).
    const cli = await runInProcess(cliArgs('--sweep', sweep[0]!));
    for (const w of out.warnings) expect(cli.stderr).toContain(w);
    // Without a sweep the sides are as given: their warnings came with the caller's resolveConfig().
    expect((await compare(inline)).warnings).toEqual([]);
  }, 60_000);

  it('makes one group per level, in order: every combination, the first sweep outermost, set on every side', async () => {
    const sweepArb = fc.shuffledSubarray(Object.keys(KEYS), { minLength: 1, maxLength: 2 }).chain((keys) =>
      fc.tuple(
        ...keys.map((k) =>
          // Each value once: a value listed twice is refused (it would run the same comparison again).
          fc
            .uniqueArray(fc.constantFrom(...KEYS[k]!), {
              minLength: 1,
              maxLength: Math.min(3, KEYS[k]!.length),
            })
            .map((vs) => ({ key: k, vs })),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(sweepArb, async (sweeps) => {
        const out = await compare({ ...inline, sweep: sweeps.map((s) => `${s.key}=${s.vs.join(',')}`) });
        // The levels expected: the first sweep outermost.
        let levels: { label: string; values: [string, number][] }[] = [{ label: '', values: [] }];
        for (const s of sweeps)
          levels = levels.flatMap((l) =>
            s.vs.map((v) => ({
              label: [l.label, `${s.key}=${v}`].filter(Boolean).join(' '),
              values: [...l.values, [s.key, v] as [string, number]],
            })),
          );
        expect(out.sides.map((g) => g.level)).toEqual(levels.map((l) => l.label));
        expect(out.comparisons.map((c) => [c.level, c.variant, c.baseline])).toEqual(
          levels.map((l) => [l.label, 'A', 'stealing off']),
        );
        out.sides.forEach((g, i) => {
          for (const [key, value] of levels[i]!.values) {
            const at = (c: Record<string, unknown>): unknown =>
              key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
            expect(at(g.variants[0]!.config as never)).toBe(value);
            expect(at(g.baseline.config as never)).toBe(value);
          }
          expect(g.variants[0]!.config.stealingEnabled).toBe(config.stealingEnabled);
          expect(g.baseline.config.stealingEnabled).toBe(false);
        });
      }),
      { seed: 4242, numRuns: 15 },
    );
  }, 120_000);
});
