/**
 * compare said a suspicious move in bars its windows never read as a warning when --from was not typed (it
 * judged against the whole file), and nothing but a note with --from at the same start. It now judges by the
 * windows as laid, typed or not, as simulate does for the bars a run reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { HOUR, T0, iso, spikeFile } from '../support/spike-bars.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-compare-moves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare and a suspicious move before its windows', () => {
  // SPIKEUSDT's bad print at bar 100; LATEUSDT starts at bar 1,100, so the common span (the windows) and
  // their warm-up start long after it.
  const spike = spikeFile(dir);
  const rows = Array.from({ length: 900 }, (_, i) => {
    const p = 50 + 2 * Math.sin(i / 5);
    return `${new Date(T0 + (1_100 + i) * HOUR).toISOString()},${p},${p + 1},${p - 1},${p + 0.5},5`;
  });
  writeFileSync(
    join(dirname(spike), 'LATEUSDT_1h.csv'),
    `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`,
  );
  const args = ['compare', '--data', dirname(spike), '--no-cache', '--window', '1w', '--threads', '1'];

  it('is the same note with and without --from at the windows’ start, never a warning', () => {
    const untyped = runCli(args);
    const typed = runCli([...args, '--from', iso(1_100)]);
    for (const r of [untyped, typed]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/warning: SPIKEUSDT: .*suspicious/);
      expect(r.stderr).toContain(
        `note: SPIKEUSDT: 1 suspicious single-bar move in ${spike} outside the bars this run reads`,
      );
    }
    const simulate = runCli(['simulate', '--data', dirname(spike), '--no-cache', '--from', iso(1_100)]);
    expect(simulate.stderr).toContain(
      `note: SPIKEUSDT: 1 suspicious single-bar move in ${spike} outside the bars this run reads`,
    );
  });
});
