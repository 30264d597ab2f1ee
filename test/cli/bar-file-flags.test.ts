import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRefs, loadStudyData } from '../../src/optimizer/data.js';
import { runCli } from '../support/cli.js';

/**
 * A bar file one command reads, every command reads the same way: simulate, compare, optimize, explain
 * --data and the replays of run and serve take the same bar-file flags (the layout overrides, --repair,
 * --no-cache), and a layout given to optimize travels with the study to the processes that evaluate it.
 */
const COMMANDS = ['simulate', 'compare', 'optimize', 'explain', 'run', 'serve'] as const;
const FLAGS = ['--timezone', '--time-column', '--columns', '--repair', '--no-cache'] as const;
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'worksteal-bar-flags-'));

/** `hours` hourly bars of a seeded random walk; row `badRow` (1-based, the header is row 1) has no close. */
function walkCsv(hours: number, badRow: number | null): string {
  let seed = 11;
  const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) as number;
  const lines = ['timestamp,open,high,low,close,volume'];
  let price = 100;
  for (let i = 0; i < hours; i++) {
    const open = price;
    price = open * Math.exp((rnd() - 0.5) * 0.03);
    const high = Math.max(open, price) * (1 + rnd() * 0.004);
    const low = Math.min(open, price) * (1 - rnd() * 0.004);
    const time = new Date(T0 + i * HOUR).toISOString().replace('T', ' ').slice(0, 19);
    const close = lines.length + 1 === badRow ? 'n/a' : price.toFixed(4);
    lines.push(`${time},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close},${100 + i}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the bar-file flags, the same on every command that reads bar files', () => {
  it('every such command offers every flag', () => {
    for (const command of COMMANDS) {
      const help = runCli([command, '--help']).stdout;
      for (const flag of FLAGS) expect(help, `${command} --help`).toContain(flag);
    }
  });

  it('run --broker replay: a file with a bad row is refused naming it, and replayed under --repair, which the log says', () => {
    const file = join(dir, 'WALKUSDT_1h.csv');
    writeFileSync(file, walkCsv(24 * 30, 200));
    const args = ['run', '--broker', 'replay', '--data', file, '--no-cache', '--no-http'];
    const window = ['--from', '2024-01-20', '--to', '2024-01-21', '--speed', '1000000000'];
    const refused = runCli([...args, ...window, '--db', join(dir, 'refused.sqlite')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('WALKUSDT_1h.csv');
    expect(refused.stderr).toMatch(/row 200|:200\b/);
    expect(refused.stderr).toContain('--repair');
    const repaired = runCli([...args, '--repair', ...window, '--db', join(dir, 'repaired.sqlite')]);
    expect(repaired.stderr).not.toMatch(/\n\s+at /);
    expect(repaired.code).toBe(0);
    const warning = repaired.stdout.split('\n').find((l) => l.includes('"data-warning"'));
    expect(warning, repaired.stdout.slice(0, 2000)).toBeDefined();
    expect(warning).toContain('WALKUSDT');
    expect(warning).toMatch(/dropped|repaired/);
  });

  it('explain --data: a file with a bad row is refused, and read under --repair', () => {
    const file = join(dir, 'EXPLUSDT_1h.csv');
    writeFileSync(file, walkCsv(24 * 30, 300));
    const scenario = join(dir, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        now: '2024-01-25T12:00:00Z',
        account: { equity: 1_000, patternDayTrader: false },
        openOrders: [],
        request: {
          symbol: 'EXPLUSDT',
          assetClass: 'crypto',
          side: 'buy',
          limitPrice: 90,
          qty: 1,
          price: 91,
          forecastPnl: 1,
        },
      }),
    );
    const args = ['explain', '--scenario', scenario, '--data', file, '--no-cache'];
    const refused = runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('EXPLUSDT_1h.csv');
    const repaired = runCli([...args, '--repair', '--json', '-']);
    expect(repaired.stderr).not.toMatch(/\n\s+at /);
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.stdout)).toMatchObject({ request: { symbol: 'EXPLUSDT' } });
  });

  it('optimize: a layout given on the command line is carried in the study’s data, and a worker reads the file with it', async () => {
    const odd = join(dir, 'ODDUSDT_1h.csv');
    writeFileSync(
      odd,
      'Zeit,Eroeffnung,Hoch,Tief,Schluss\n2024-01-02 10:00:00,1,2,0.5,1.5\n2024-01-02 11:00:00,1.5,2,1,1.2\n',
    );
    const layout = {
      timeColumn: 'Zeit',
      columns: { open: 'Eroeffnung', high: 'Hoch', low: 'Tief', close: 'Schluss' },
      timezone: 'UTC',
    };
    const study = await loadStudyData({ data: [odd] }, { layout, cacheDir: null });
    expect(study.refs).toHaveLength(1);
    expect(study.refs[0]!.layout).toEqual(layout);
    const [series] = await loadRefs(study.refs, { onBadData: 'refuse', cacheDir: null });
    expect(Array.from(series!.close)).toEqual([1.5, 1.2]);
    // Without the layout the same file cannot be read: the worker would refuse it.
    const { layout: _dropped, ...detected } = study.refs[0]!;
    await expect(loadRefs([detected], { onBadData: 'refuse', cacheDir: null })).rejects.toThrow(
      /ODDUSDT_1h\.csv/,
    );
  });

  it('optimize: a detected layout adds nothing to the study’s data (a study begun before resumes as it was)', async () => {
    const file = join(dir, 'PLAINUSDT_1h.csv');
    writeFileSync(file, walkCsv(48, null));
    const study = await loadStudyData({ data: [file] }, { cacheDir: null });
    expect(Object.keys(study.refs[0]!).sort()).toEqual(['assetClass', 'path', 'sha256', 'symbol']);
  });
});
