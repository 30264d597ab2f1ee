/**
 * `--set key=value` on every command that reads a configuration, as compare has it: any config key, typed
 * like the default config's value, layered over the config file and the environment and under the command's
 * own flags, and refused, when the schema refuses it, with `--set`, the key and the value named.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runInProcess } from '../support/in-process-cli.js';
import { requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-set-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Weeks of one symbol (three by default): enough for a simulation, fast enough for every test. */
const slice = (from = '2024-03-01', to = '2024-03-22'): string[] => [
  '--data',
  join(requireMarketData(), 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
  '--from',
  from,
  '--to',
  to,
];

/** The value at a dotted path of a JSON document. */
const at = (doc: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], doc);

/** The `--json -` document a command wrote to stdout. */
async function json(args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const r = await runInProcess([...args, '--json', '-'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;

/** Each command that reads a configuration, with the least it needs to get as far as reading it. */
const COMMANDS: Record<string, () => string[]> = {
  'config check': () => ['config', 'check'],
  simulate: () => ['simulate', ...slice()],
  explain: () => ['explain', '--scenario', 'examples/scenario-steal.json'],
  run: () => ['run', '--broker', 'replay', ...slice('2024-03-04', '2024-03-06'), '--no-http'],
  // --symbols without --broker replay is refused once the config is read: a serve never starts here.
  serve: () => ['serve', '--no-auth', '--symbols', 'SOLUSDT'],
  optimize: () => ['optimize', ...slice(), '--db', join(dir, 'never.sqlite')],
  start: () => ['start', '--synthetic'],
  compare: () => ['compare', ...slice()],
  // data import reads the config's symbols map; the config is refused before anything is imported.
  'data import': () => [
    'data',
    'import',
    join(requireMarketData(), 'binance-spot-yanniedog/SOLUSDT_1d.csv'),
    '--dir',
    dir,
  ],
};

describe('--set on every command that reads a configuration', () => {
  it('is in the help of each, repeatable', async () => {
    const program = await buildProgram();
    for (const name of Object.keys(COMMANDS)) {
      const command = name
        .split(' ')
        .reduce((c, part) => c.commands.find((sub) => sub.name() === part)!, program);
      const option = command.options.find((o) => o.long === '--set');
      expect(option?.description, name).toMatch(/repeatable.*--set [\w.]+=\w+/);
      expect(option?.defaultValue, name).toEqual([]);
    }
  });

  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`${name}: an unknown key and a bad value are refused, naming --set, the key and the value`, async () => {
      const unknown = await runInProcess([...args(), '--set', 'protectionPcnt=0.1']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        '--set protectionPcnt=0.1: protectionPcnt: unknown key "protectionPcnt"',
      );
      const typed = await runInProcess([...args(), '--set', 'sim.slippageBps=lots']);
      expect(typed.code).toBe(2);
      expect(typed.stderr).toContain('--set sim.slippageBps: must be a decimal number');
      expect(typed.stderr).toContain('(got "lots")');
      const range = await runInProcess([...args(), '--set', 'protectionPct=5']);
      expect(range.code).toBe(2);
      expect(range.stderr).toContain('--set protectionPct=5: protectionPct: Too big');
      expect(range.stderr).toContain('(got 5)');
    });
  }
});

describe('--set changes the configuration the command resolves', () => {
  it('config check: a boolean and a nested key, typed; over the file and the environment; the last one wins', async () => {
    const file = join(dir, 'base.json');
    writeFileSync(file, JSON.stringify({ sim: { slippageBps: 1 }, cooldownSec: 100 }));
    const r = await json(
      [
        'config',
        'check',
        file,
        '--set',
        'margin.stock.pdtMinEquity=2000',
        '--set',
        'stealingEnabled=off',
        '--set',
        'sim.slippageBps=3',
        '--set',
        'sim.slippageBps=5',
      ],
      { WORKSTEAL_SIM_SLIPPAGE_BPS: '2', WORKSTEAL_STEALING_ENABLED: 'true' },
    );
    expect(at(r, 'config.margin.stock.pdtMinEquity')).toBe(2000);
    expect(at(r, 'config.stealingEnabled')).toBe(false);
    expect(at(r, 'config.sim.slippageBps')).toBe(5);
    // Keys --set does not name keep the file's values.
    expect(at(r, 'config.cooldownSec')).toBe(100);
  });

  it("simulate: --set shows in the result's config; the command's own flags win over it", async () => {
    const set = await json(['simulate', ...slice(), '--quiet', '--set', 'victimRanking=distance']);
    expect(at(set, 'config.victimRanking')).toBe('distance');
    const flags = await json([
      'simulate',
      ...slice(),
      '--quiet',
      '--set',
      'stealingEnabled=true',
      '--no-stealing',
      '--set',
      'sim.research.signalSkill=0.5',
      '--signal-skill',
      '0',
    ]);
    expect(at(flags, 'config.stealingEnabled')).toBe(false);
    expect(at(flags, 'config.sim.research.signalSkill')).toBe(0);
  });

  it("explain: --set wins over the scenario's own config", async () => {
    // The scenario sets protectionPct 0.004 and steals o3; at 0.2 every candidate is protected.
    const given = await json(['explain', '--scenario', 'examples/scenario-steal.json']);
    expect(at(given, 'action')).toBe('steal');
    const r = await json([
      'explain',
      '--scenario',
      'examples/scenario-steal.json',
      '--set',
      'protectionPct=0.2',
    ]);
    expect(at(r, 'action')).toBe('block');
    expect((at(r, 'candidates') as { eligible: boolean }[]).filter((c) => c.eligible)).toEqual([]);
  });

  it('run: the replay runs at the speed --set gives and keeps its state where --set says', async () => {
    const db = join(dir, 'run-state.sqlite');
    const r = await runInProcess([
      ...COMMANDS.run!(),
      '--set',
      'live.replaySpeed=1000000000',
      '--set',
      `live.stateDb=${db}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"event":"replay".*"speed":1000000000/);
    expect(existsSync(db)).toBe(true);
  });

  it("run and serve: the command's own flag wins over --set, and is the one named when refused", async () => {
    for (const args of [COMMANDS.run!(), COMMANDS.serve!()]) {
      const r = await runInProcess([...args, '--set', 'live.http.port=8000', '--port', '99999']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--port: live.http.port: Too big');
      expect(r.stderr).not.toContain('--set live.http.port');
    }
  });

  it('serve: a value ranking set by --set is refused as it is from a file (serve has no bars)', async () => {
    // A store in a folder that does not exist is refused next: a serve never starts here.
    const db = join(dir, 'missing', 'state.sqlite');
    const r = await runInProcess(['serve', '--no-auth', '--db', db, '--set', 'victimRanking=expectedValue']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('victimRanking "expectedValue": serve has no bar feed');
  });

  it('start: the demo simulates the configuration --set gives, and suggests comparing that one', async () => {
    const synthetic = await json(['start', '--synthetic', '--quiet', '--set', 'sim.initialEquity=50000']);
    expect(at(synthetic, 'config.sim.initialEquity')).toBe(50000);
    expect(at(synthetic, 'summary.initialEquity')).toBe(50000);
    requireMarketData();
    const r = await runInProcess(['start', '--set', 'victimRanking=distance', '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(at(JSON.parse(r.stdout), 'config.victimRanking')).toBe('distance');
    expect(r.stderr).toContain(
      'next: npx worksteal compare --benchmark crypto --set victimRanking=distance ',
    );
  });

  it('data import: the asset class a --set gives the symbol is the one stored', async () => {
    const rows = Array.from(
      { length: 48 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()},10,11,9,10.5,5`,
    );
    const file = join(dir, 'ABCX_1h.csv');
    writeFileSync(file, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const r = await json([
      'data',
      'import',
      file,
      '--dir',
      dir,
      '--no-cache',
      '--set',
      'symbols.ABCX.assetClass=crypto',
    ]);
    expect(at(r, 'imported.0.entry.assetClass')).toBe('crypto');
  });

  it('optimize: the study starts from --set, best.json keeps it over the file, the command records it', async () => {
    const file = join(dir, 'opt.json');
    writeFileSync(file, JSON.stringify({ sim: { fillRule: 'through' } }));
    const out = join(dir, 'best.json');
    const r = await runInProcess([
      'optimize',
      '--data',
      join(requireMarketData(), 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      '--from',
      '2024-01-01',
      '--to',
      '2024-04-01',
      '--generations',
      '1',
      '--population',
      '4',
      '--threads',
      '0',
      '--sensitivity',
      '0',
      '--db',
      join(dir, 'opt.sqlite'),
      '--config',
      file,
      '--set',
      'sim.slippageBps=7',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const best = readJson(out);
    expect(at(best, 'sim')).toEqual({ fillRule: 'through', slippageBps: 7 });
    const meta = readJson(join(dir, 'best.meta.json'));
    expect(at(meta, 'baseConfig.sim.slippageBps')).toBe(7);
    expect(at(meta, 'command')).toContain('--set sim.slippageBps=7');
    // best.json alone gives the configuration the study scored.
    const check = await json(['config', 'check', out]);
    expect(at(check, 'config.sim.slippageBps')).toBe(7);
    expect(at(check, 'config.sim.fillRule')).toBe('through');
  });
});
