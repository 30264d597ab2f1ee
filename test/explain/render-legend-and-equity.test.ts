/**
 * The decision text: the `* chosen victim` legend appears only when a row carries the mark, and an equity at
 * or below 0 (a wiped-out account, which the coordinator takes as reported) is said in words, not left as a
 * bare 0.00 capacity.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { explainScenario } from '../../src/explain/explain.js';
import { renderDecision } from '../../src/explain/render.js';
import { parseScenario } from '../../src/explain/scenario.js';

const raw = JSON.parse(readFileSync('examples/scenario-steal.json', 'utf8')) as {
  account: Record<string, unknown>;
  config?: Record<string, unknown>;
};

const calendar = nyseCalendar();

function explain(equity: number): { text: string; victims: readonly string[] } {
  const scenario = parseScenario({ ...raw, account: { ...raw.account, equity } }, 's.json', calendar);
  const resolved = resolveConfig({
    ...(scenario.preset ? { preset: scenario.preset } : {}),
    layers: scenario.config ? [{ source: 's.json config', values: scenario.config }] : [],
  });
  const decision = explainScenario(scenario, resolved, calendar);
  return { text: renderDecision(decision), victims: decision.victims };
}

describe('the decision text', () => {
  it('prints the victim legend exactly when a victim is marked', () => {
    const steal = explain(10_000);
    expect(steal.victims.length).toBeGreaterThan(0);
    expect(steal.text).toContain('* chosen victim');
    // Short with victims too small (equity 0 blocks before any candidate is evaluated: no-capacity).
    const none = explain(6_000);
    expect(none.victims).toEqual([]);
    expect(none.text).toContain('candidates (victim ranking');
    expect(none.text).not.toContain('* chosen victim');
    fc.assert(
      fc.property(fc.integer({ min: -5_000, max: 200_000 }), (equity) => {
        const { text, victims } = explain(equity);
        expect(text.includes('* chosen victim')).toBe(victims.length > 0);
        expect(/ \* │/.test(text)).toBe(victims.length > 0);
      }),
      { seed: 2904, numRuns: 60 },
    );
  });

  it('says what an equity at or below 0 means', () => {
    for (const equity of [0, -5]) {
      expect(explain(equity).text).toMatch(
        /equity \/ capacity +-?[\d.,]+ \/ 0\.00 \(equity at or below 0: a wiped-out account, no capacity; nothing is placed or stolen for until equity is above 0\)/,
      );
    }
    expect(explain(10_000).text).not.toContain('wiped-out');
    expect(explain(0).text).toContain(
      'no candidates evaluated: with no capacity (equity at or below 0) no victim could make room',
    );
  });
});
