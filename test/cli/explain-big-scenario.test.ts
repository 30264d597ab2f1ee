/**
 * A big scenario: explain's candidate table stops at CANDIDATE_ROWS rows (the ranked ones first, so the chosen
 * victims and the eligible orders in rank order are shown) and a line counts the rest and says where all are
 * (--json); a scenario file above SCENARIO_MAX_BYTES is refused before it is read, naming the file, its size and
 * the limit. Config files keep no limit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { candidateRecords } from '../../src/core/policy/record.js';
import { explainScenario } from '../../src/explain/explain.js';
import { CANDIDATE_ROWS, renderDecision } from '../../src/explain/render.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { readStructuredFile } from '../../src/io/read-structured.js';
import { SCENARIO_MAX_BYTES } from '../../src/cli/commands/explain.js';
import { runCli } from '../support/cli.js';

const BASE = JSON.parse(readFileSync('examples/scenario-steal.json', 'utf8')) as Record<string, unknown> & {
  openOrders: Record<string, unknown>[];
};
const calendar = nyseCalendar();
const dir = mkdtempSync(join(tmpdir(), 'worksteal-explain-big-'));

/** The example with `extra` more small SOL entries (eligible victims) and `external` external ones. */
function scenario(extra: number, external = 0): Record<string, unknown> {
  const orders = [...BASE.openOrders];
  for (let i = 0; i < extra + external; i++)
    orders.push({ ...BASE.openOrders[2], id: `x${i}`, qty: 0.05, external: i >= extra });
  return { ...BASE, openOrders: orders };
}

function explain(raw: Record<string, unknown>) {
  const s = parseScenario(raw, 's.json', calendar);
  const resolved = resolveConfig({
    ...(s.preset ? { preset: s.preset } : {}),
    layers: s.config ? [{ source: 's.json config', values: s.config }] : [],
  });
  const d = explainScenario(s, resolved, calendar);
  return { d, text: renderDecision(d) };
}

/** The data rows of the candidates table (│ rank │ id …), header excluded. */
function rows(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('│') && !l.startsWith('│ rank'));
}

describe('explain of a big scenario', () => {
  it('shows at most CANDIDATE_ROWS candidate rows, ranked first, and counts the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 260 }), fc.integer({ min: 0, max: 60 }), (extra, external) => {
        const { d, text } = explain(scenario(extra, external));
        const all = candidateRecords(d);
        const shown = rows(text);
        expect(shown.length).toBe(Math.min(all.length, CANDIDATE_ROWS));
        // The rows shown are the first of the record's order: ranked (victims first), then the rest.
        shown.forEach((row, i) => expect(row.split('│')[2]!.trim().replace(/ \*$/, '')).toBe(all[i]!.id));
        for (const victim of d.victims.slice(0, CANDIDATE_ROWS)) expect(text).toContain(`${victim} *`);
        const more = text.split('\n').find((l) => l.startsWith('… '));
        if (all.length <= CANDIDATE_ROWS) expect(more).toBeUndefined();
        else {
          const eligible = all.slice(CANDIDATE_ROWS).filter((c) => c.eligible).length;
          const n = (x: number) => x.toLocaleString('en-US');
          expect(more).toBe(
            `… ${n(all.length - CANDIDATE_ROWS)} more candidates (${n(eligible)} eligible) not shown: the table stops at ${CANDIDATE_ROWS} rows; --json FILE (or --json -) writes all ${n(all.length)}`,
          );
        }
      }),
      { seed: 5150, numRuns: 25 },
    );
  });

  it('refuses a scenario file above the limit, naming it, its size and the limit (exit 2)', () => {
    const big = join(dir, 'big.json');
    // Valid JSON one byte over the limit (the example, padded with spaces), then one byte under it.
    const body = JSON.stringify(scenario(0));
    const pad = SCENARIO_MAX_BYTES + 1 - Buffer.byteLength(body);
    writeFileSync(big, body + ' '.repeat(pad));
    const r = runCli(['explain', '--scenario', big]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${big}: is 4.2 MB (4,194,305 bytes), above the limit of 4 MiB (4,194,304 bytes); a scenario is one account at one instant`,
    );
    writeFileSync(big, body + ' '.repeat(pad - 1));
    expect(runCli(['explain', '--scenario', big, '--json', join(dir, 'out.json')]).code).toBe(0);
  });

  it('keeps no limit on other structured files (a config file)', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, `{"protectionPct": 0.004${' '.repeat(SCENARIO_MAX_BYTES)}}`);
    await expect(readStructuredFile(config, 'config file')).resolves.toEqual({ protectionPct: 0.004 });
  });
});
