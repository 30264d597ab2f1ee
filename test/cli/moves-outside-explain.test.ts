import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import type { VictimRanking } from '../../src/core/config/schema.js';
import { valuationReads } from '../../src/cli/commands/explain.js';
import { dataQualityLines } from '../../src/cli/data-summary.js';
import { loadScenarioBars } from '../../src/explain/bars.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { valueScenario } from '../../src/explain/valuation.js';
import { runCli } from '../support/cli.js';
import { BAD, HOUR, T0, iso, spikeFile } from '../support/spike-bars.js';

/**
 * explain --data reads, of each symbol, the bars its valuation is fed: the newest 500 closed by the
 * scenario's now (explain/valuation.ts), none under victimRanking distance. A suspicious move outside them,
 * before that warm-up or after now, is a note (which explain does not print); one inside them a warning.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-moves-explain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = spikeFile(dir);
const calendar = nyseCalendar();

function scenario(now: number, ranking?: VictimRanking): Record<string, unknown> {
  return {
    now: iso(now),
    ...(ranking ? { config: { victimRanking: ranking } } : {}),
    account: { equity: 10000 },
    openOrders: [],
    request: { symbol: 'SPIKEUSDT', assetClass: 'crypto', side: 'buy', limitPrice: 99, qty: 1, price: 100 },
  };
}

function explain(now: number, ranking?: VictimRanking, ...more: string[]): ReturnType<typeof runCli> {
  const file = join(dir, `scenario-${now}-${ranking ?? 'auto'}.json`);
  writeFileSync(file, JSON.stringify(scenario(now, ranking)));
  const r = runCli(['explain', '--scenario', file, '--data', path, '--no-cache', ...more]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** What dataQualityLines says of the move with the bars a valuation at bar `now` reads, and what it was fed. */
async function linesAt(now: number, ranking: VictimRanking = 'expectedValue') {
  const s = parseScenario(scenario(now), 'scenario', calendar);
  const config = resolveConfig({}).config;
  const bars = await loadScenarioBars([path], s, { symbols: config.symbols, cacheDir: null });
  const valued = valueScenario({
    scenario: s,
    series: bars.series,
    calendar,
    ranking,
    deleverageLeadMinutes: config.deleverageLeadMinutes,
  });
  const q = dataQualityLines(bars.loaded, calendar, { reads: valuationReads(valued) });
  const says = (lines: string[]): boolean => lines.some((l) => l.includes('suspicious'));
  return { note: says(q.notes), warning: says(q.warnings), notes: q.notes, fed: valued.symbols[0]! };
}

describe('explain --data: a suspicious move outside the bars the valuation reads', () => {
  const warning = `warning: SPIKEUSDT: 1 suspicious single-bar move in ${path} (the bars are used as they are)`;

  it('is a warning when it lies in the 500 bars closed by now', () => {
    const r = explain(400);
    expect(r.stderr).toContain(warning);
    expect(r.stderr).toContain(`${path}:${BAD + 2}: low 0.0001`);
  });

  it('is not said when it lies before them, after now, or when distance reads no bar', () => {
    for (const [now, ranking] of [[1_900], [BAD - 50], [400, 'distance']] as const)
      expect(explain(now, ranking).stderr, `now at bar ${now}`).not.toContain('suspicious');
  });

  it('is a note naming the bars the valuation reads', async () => {
    const at = await linesAt(1_900);
    expect(at).toMatchObject({ note: true, warning: false });
    expect(at.notes).toContain(
      `note: SPIKEUSDT: 1 suspicious single-bar move in ${path} outside the bars the valuation reads (before the fill model's warm-up or after the scenario's now): not used; all in \`worksteal simulate --json\` data[].problems, with the same files and flags`,
    );
    expect(await linesAt(400, 'distance')).toMatchObject({ note: true, warning: false });
  });

  it('is a warning exactly when the bar was fed to the valuation (closed by now, within the newest 500)', async () => {
    // A bar opening at now is not closed by it; at now = BAD + 501 the bar BAD is the 501st newest closed.
    const cases = [
      [BAD - 1, false],
      [BAD, false],
      [BAD + 1, true],
      [BAD + 2, true],
      [BAD + 500, true],
      [BAD + 501, false],
      [BAD + 502, false],
    ] as const;
    for (const [now, read] of cases) {
      const at = await linesAt(now);
      expect({ now, warning: at.warning, note: at.note }).toEqual({ now, warning: read, note: !read });
      // The bars fed, as the --json record gives them: the move's bar opens within them.
      const t = T0 + BAD * HOUR;
      expect(
        at.fed.firstOpen !== null && at.fed.firstOpen <= t && t < at.fed.lastClose!,
        `now at bar ${now}`,
      ).toBe(read);
    }
  });

  it('leaves the --json record as it was: the bars fed by their first open and last close', () => {
    const json = join(dir, 'record.json');
    explain(400, undefined, '--json', json);
    const record = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(record.valuation.bars[0])).toEqual([
      'symbol',
      'assetClass',
      'path',
      'barMs',
      'bars',
      'firstOpen',
      'lastClose',
    ]);
    expect(record.valuation.bars[0]).toMatchObject({ bars: 400, firstOpen: iso(0), lastClose: iso(400) });
  });
});
