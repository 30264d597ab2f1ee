/**
 * `run --broker replay` and `serve --broker replay` log what simulate says about the same bars over the same
 * range (docs/cli.md): they said nothing of a symbol without bars in the range, and warned of a suspicious
 * move in bars before the replay's warm-up, where simulate says it is outside the bars the run reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, servingUrl, spawnCli } from '../support/cli.js';
import { HOUR, T0, iso, spikeFile } from '../support/spike-bars.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-data-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SPIKEUSDT (its bad print at bar 100) and LATEUSDT, whose bars start at bar 1,950: after the window. */
const spike = spikeFile(dir);
const late = join(dirname(spike), 'LATEUSDT_1h.csv');
const lateRows = Array.from(
  { length: 500 },
  (_, i) => `${new Date(T0 + (1_950 + i) * HOUR).toISOString()},10,11,9,10.5,5`,
);
writeFileSync(late, `timestamp,open,high,low,close,volume\n${lateRows.join('\n')}\n`);
const data = dirname(spike);
const window = ['--from', iso(1_500), '--to', iso(1_600)];

/** The `message` of every log line of `event`. */
const messages = (log: string, event: string): string[] =>
  log
    .split('\n')
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => (JSON.parse(l) as { message: string }).message);

function expectSimulatesLines(log: string): void {
  const simulate = runCli(['simulate', '--data', data, '--no-cache', ...window]);
  expect(simulate.code, simulate.stderr).toBe(0);
  const warnings = messages(log, 'data-warning');
  const noBars = warnings.find((m) => m.startsWith("warning: LATEUSDT: no bars in the run's range"));
  expect(noBars, warnings.join('\n')).toBeDefined();
  expect(simulate.stderr).toContain(noBars!);
  expect(warnings.filter((m) => m.includes('suspicious'))).toEqual([]);
  const outside = messages(log, 'data-note').find((m) => m.includes('suspicious'));
  expect(outside).toContain('outside the bars this run reads');
  // Where every row is listed differs: simulate's own --json, else simulate's.
  expect(simulate.stderr).toContain(outside!.split('; all in')[0]);
}

describe('a replay logs the data lines simulate prints for the same range', () => {
  it('run --broker replay', () => {
    const r = runCli([
      'run',
      '--broker',
      'replay',
      '--data',
      data,
      ...window,
      '--speed',
      '1000000000',
      '--no-http',
      '--no-cache',
      '--db',
      join(dir, 'run.sqlite'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expectSimulatesLines(r.stdout);
    // The forecaster's own warning per symbol, as simulate gives it.
    expect(messages(r.stdout, 'data-warning')).toContainEqual(
      expect.stringMatching(
        /^warning: LATEUSDT: the built-in forecaster gives no signal .* cannot trade in this run/,
      ),
    );
  });

  it('serve --broker replay', async () => {
    const child = spawnCli([
      'serve',
      '--broker',
      'replay',
      '--data',
      data,
      ...window,
      '--port',
      '0',
      '--no-auth',
      '--no-cache',
      '--db',
      join(dir, 'serve.sqlite'),
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await servingUrl(child);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expectSimulatesLines(out);
  });
});
