/**
 * The library reads a signals file as `--signals` reads it and renders a comparison as `worksteal compare`
 * does: loadSignals + signalsFor give the signals and the warnings `simulate --signals` uses and prints (the
 * same trades follow), and compareReport's text, Markdown and HTML equal what the CLI prints and writes for
 * the same comparison (the fixture of compare-as-cli.test.ts: two crypto symbols, three one-month windows).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ValidationError,
  compare,
  compareReport,
  loadData,
  loadSignals,
  nyseCalendar,
  resolveConfig,
  signalsFor,
  simulate,
  type CompareOutput,
} from '../../src/index.js';
import { invocation } from '../../src/cli/invocation.js';
import { runCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { caseConfig, compareCliArgs, TEST_BAR_CACHE, twoCryptoPaths } from '../support/two-crypto-compare.js';

const paths = twoCryptoPaths;
const CACHE = TEST_BAR_CACHE;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-signals-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Error issues as `where: message`, to match on. */
function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${i.where}: ${i.message}`);
    throw e;
  }
  return [];
}
async function refusal(run: () => Promise<unknown>): Promise<ValidationError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

// A buy of each symbol (LINK written as LINK/USDT), a crypto sell (a short: ignored with a warning), a
// symbol the data lacks, and a buy the first trade's exit frees margin for.
const SIGNALS = `time,symbol,side,entry,take_profit,expected_pnl,valid_until
2023-02-01T00:00:00Z,SOLUSDT,buy,23.7,24.5,30,2023-02-01T12:00:00Z
2023-02-01T03:00:00Z,LINK/USDT,buy,6.9,7.2,20,2023-02-01T20:00:00Z
2023-02-02T01:00:00Z,SOLUSDT,sell,25.9,25.0,25,2023-02-02T06:00:00Z
2023-02-03T00:00:00Z,XRPUSDT,buy,0.4,0.42,5,2023-02-03T05:00:00Z
2023-02-03T01:00:00Z,SOLUSDT,buy,24.2,25.0,30,2023-02-03T10:00:00Z
`;

describe('loadSignals and signalsFor', () => {
  it('give the signals and the warnings `simulate --signals` uses: the same trades follow', async () => {
    requireMarketData();
    const file = join(dir, 'signals.csv');
    writeFileSync(file, SIGNALS);
    const json = join(dir, 'sim.json');
    const args = ['--from', '2023-02-01', '--to', '2023-02-08', '--signals', file, '--quiet'];
    const cli = runCli(['simulate', '--data', ...paths(), ...args, '--json', json]);
    expect(cli.code, cli.stderr).toBe(0);

    const loaded = await loadSignals(file);
    expect(loaded.map((s) => s.symbol)).toEqual(['SOLUSDT', 'LINK/USDT', 'SOLUSDT', 'XRPUSDT', 'SOLUSDT']);
    expect(loaded[0]).toEqual({
      time: Date.parse('2023-02-01T00:00:00Z'),
      symbol: 'SOLUSDT',
      side: 'buy',
      entry: 23.7,
      takeProfit: 24.5,
      expectedPnl: 30,
      validUntil: Date.parse('2023-02-01T12:00:00Z'),
    });
    const { series } = await loadData(paths(), { cacheDir: CACHE });
    const { signals, warnings } = signalsFor(loaded, series);
    // LINK/USDT takes the data's spelling; XRPUSDT is left out; the crypto sell stays (it places nothing).
    expect(signals.map((s) => s.symbol)).toEqual(['SOLUSDT', 'LINKUSDT', 'SOLUSDT', 'SOLUSDT']);
    const said = cli.stderr.split('\n').filter((l) => l.startsWith('signals warning: '));
    expect(warnings.map((w) => `signals warning: ${w}`)).toEqual(said);
    expect(warnings).toHaveLength(2);

    const out = simulate({
      series,
      config: resolveConfig().config,
      calendar: nyseCalendar(),
      signals,
      from: Date.parse('2023-02-01'),
      to: Date.parse('2023-02-08'),
    });
    const written = JSON.parse(readFileSync(json, 'utf8')) as {
      trades: { symbol: string; entryTime: string; entryPrice: number; exitReason: string; pnl: number }[];
    };
    const trades = out.trades.map((t) => ({
      symbol: t.symbol,
      entryTime: new Date(t.entryTime).toISOString(),
      entryPrice: t.entryPrice,
      exitReason: t.exitReason,
      pnl: t.pnl,
    }));
    expect(trades.length).toBeGreaterThan(0);
    expect(trades).toEqual(
      written.trades.map(({ symbol, entryTime, entryPrice, exitReason, pnl }) => ({
        symbol,
        entryTime,
        entryPrice,
        exitReason,
        pnl,
      })),
    );
  }, 60_000);

  it('refuses a bad row naming the file, the row and the column, and a file that cannot be read', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      `${SIGNALS.split('\n').slice(0, 2).join('\n')}\n2023-02-01T03:00:00Z,LINKUSDT,hold,6.9,7.2,20,2023-02-01T20:00:00Z\n`,
    );
    const bad = await refusal(() => loadSignals(file));
    expect(bad.issues).toEqual([{ where: `${file}:3 side`, message: 'must be buy or sell', value: 'hold' }]);
    const missing = await refusal(() => loadSignals(join(dir, 'none.csv')));
    expect(missing.issues[0]!.message).toMatch(/pass loadSignals\(\) the path of an existing CSV file$/);
    const noPath = await refusal(() => loadSignals(undefined as unknown as string));
    expect(noPath.issues[0]!.where).toBe('path');
  });

  it('signalsFor refuses what is not signals and series, naming the argument', () => {
    expect(issuesOf(() => signalsFor('x.csv' as never, []))).toEqual([
      'signals: must be an array of signals: await loadSignals(file)',
    ]);
    expect(issuesOf(() => signalsFor([], [{ symbol: 'BTCUSDT' }] as never))).toEqual([
      'series[0]: must be a bar series with a symbol and an assetClass: (await loadData([...])).series',
    ]);
  });
});

describe('compareReport', () => {
  const FROM = '2023-01-01';
  const TO = '2023-04-01';
  let result: CompareOutput;
  beforeAll(async () => {
    requireMarketData();
    const { series } = await loadData(paths(), { cacheDir: CACHE });
    const config = caseConfig();
    result = await compare({
      series,
      a: [{ label: 'default config', config }],
      window: '1mo',
      from: Date.parse(FROM),
      to: Date.parse(TO),
      seed: 5,
    });
  }, 120_000);
  const both = { bothSides: ['sim.orderFraction=0.6'] };

  it('prints what `worksteal compare` prints, with and without --quiet', () => {
    const full = runCli(compareCliArgs(FROM, TO));
    expect(full.code, full.stderr).toBe(0);
    expect(compareReport(result, both)).toBe(full.stdout);
    expect(full.stdout).toMatch(/^both sides: sim\.orderFraction=0\.6\nLINKUSDT, SOLUSDT: 3 windows/);
    const quiet = runCli(compareCliArgs(FROM, TO, '--quiet'));
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(compareReport(result, { ...both, format: 'text', detail: false })).toBe(quiet.stdout);
    expect(quiet.stdout.length).toBeLessThan(full.stdout.length);
  }, 120_000);

  it('writes the Markdown of --markdown and the page of --report', () => {
    const md = join(dir, 'cmp.md');
    const html = join(dir, 'cmp.html');
    const args = compareCliArgs(FROM, TO, '--quiet', '--markdown', md);
    const cli = runCli([...args, '--report', html]);
    expect(cli.code, cli.stderr).toBe(0);
    // The command the CLI records: the test's environment holds no WORKSTEAL_* setting (runCli).
    const command = invocation({}, [...args, '--report', html]);
    const markdown = compareReport(result, { ...both, format: 'markdown', command });
    expect(markdown).toBe(readFileSync(md, 'utf8'));
    expect(markdown).toContain('| A ≥ B');
    const page = compareReport(result, { ...both, format: 'html', command });
    // The charting code inlined is the source of the functions as compiled: the CLI runs a separately
    // compiled copy, so the scripts' text may differ in layout; the rest of the page (the charts' data among
    // it, a JSON script) is the same.
    const code = (p: string): string => p.replace(/<script>[\s\S]*?<\/script>/g, '<script>…</script>');
    expect(code(page)).toBe(code(readFileSync(html, 'utf8')));
    expect(page.toLowerCase().startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<h2>Summary</h2>');
    expect(page).toContain('LINKUSDT, SOLUSDT: 3 windows');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    // Without a command: the library says where the result came from.
    expect(compareReport(result, { format: 'markdown' })).toContain('compare() from the worksteal library');
  }, 120_000);

  it('refuses a bad argument, naming it and what to pass', () => {
    expect(issuesOf(() => compareReport(result, { format: 'pdf' as never }))).toEqual([
      'options.format: must be "text", "markdown" or "html"',
    ]);
    expect(issuesOf(() => compareReport(result, { widht: 80 } as never))).toEqual([
      'options.widht: is not an option (did you mean "width"?); the options are format, data, command, detail, width, bothSides',
    ]);
    expect(issuesOf(() => compareReport(result, { width: 0 }))).toHaveLength(1);
    expect(issuesOf(() => compareReport({ ...result, sides: undefined } as never))).toEqual([
      'result.sides: must be a non-empty array: pass what await compare({ … }) returned',
    ]);
    expect(issuesOf(() => compareReport(null as never))[0]).toMatch(/^result: must be a comparison/);
  });
});
