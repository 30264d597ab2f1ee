/**
 * explain scenarios fuzzed: the README example with up to three fields replaced by hostile or plausible
 * values, removed, or joined by unknown ones. Every case ends in a decision, or in a ValidationError whose
 * every issue names the scenario field (and holds the value found there), exactly as `worksteal explain`
 * would report it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { explainScenario } from '../../src/explain/explain.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { FUZZ_RUNS, expectReadable, hostileValue, outcome, valueAt } from './support.js';

const EXAMPLE = JSON.parse(
  readFileSync(new URL('../../examples/scenario-steal.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const SOURCE = 's.json';
const calendar = nyseCalendar();

/** Fields of the scenario (and a few that do not exist), as paths. */
const PATHS: string[][] = [
  ['now'],
  ['preset'],
  ['config'],
  ['config', 'protectionPct'],
  ['config', 'constructor'],
  ['config', 'sim', 'feesBps'],
  ['sessionOpen'],
  ['account'],
  ['account', 'equity'],
  ['account', 'patternDayTrader'],
  ['account', 'cash'],
  ['positions'],
  ['positions', '0', 'qty'],
  ['positions', '0', 'price'],
  ['positions', '0', 'assetClass'],
  ['openOrders'],
  ...[
    'id',
    'symbol',
    'assetClass',
    'side',
    'role',
    'limitPrice',
    'qty',
    'price',
    'forecastPnl',
    'placedAt',
    'probe',
    'external',
  ].flatMap((k) => [
    ['openOrders', '0', k],
    ['openOrders', '2', k],
  ]),
  ['openOrders', '1'],
  ['history', '0', 'at'],
  ['history', '0', 'thief'],
  ['history', '1'],
  ['request', 'symbol'],
  ['request', 'assetClass'],
  ['request', 'side'],
  ['request', 'limitPrice'],
  ['request', 'qty'],
  ['request', 'price'],
  ['request', 'forecastPnl'],
  ['request', 'cryptoRank'],
  ['request', 'extra'],
  ['__proto__'],
  ['unknownField'],
];

const plausible = fc.oneof(
  fc.constantFrom(
    '2025-01-15T21:30:00Z',
    '2040-01-01T00:00:00Z',
    '1999-12-31T23:00:00-05:00',
    '2025-01-15T16:00:00Z',
  ),
  fc.constantFrom(
    'o1',
    'AAPL',
    'SOL/USD',
    'crypto',
    'stock',
    'buy',
    'sell',
    'take-profit',
    'original',
    'best',
  ),
  fc.constantFrom(0, 1, 5, 100, 190, 1e6, 2_000, 25_000, -1),
  fc.boolean(),
  fc.constant(null),
);

const mutation = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.oneof(plausible, hostileValue)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.constant(undefined)) },
);

/** A deep copy of the example with `value` at `path` (undefined: the field removed); own keys throughout. */
function mutate(root: unknown, path: readonly string[], value: unknown): void {
  let target = root as Record<string, unknown>;
  for (const seg of path.slice(0, -1)) {
    const next = Object.hasOwn(target, seg) ? target[seg] : undefined;
    if (typeof next !== 'object' || next === null) return; // the parent was replaced by a scalar earlier
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete target[last];
  else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
}

/** What `worksteal explain` does between reading the file and printing the record. */
function explain(raw: unknown): unknown {
  const scenario = parseScenario(raw, SOURCE, calendar);
  const resolved = resolveConfig({
    ...(scenario.preset === undefined ? {} : { preset: scenario.preset }),
    layers: scenario.config ? [{ source: `${SOURCE} config`, values: scenario.config }] : [],
    env: {},
  });
  return explainScenario(scenario, resolved, calendar);
}

describe('explain scenario fuzzing', () => {
  it(`${FUZZ_RUNS} scenarios end in a decision or a ValidationError naming the field and value`, () => {
    const seen = { ok: 0, error: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const raw = structuredClone(EXAMPLE);
        for (const [path, value] of mutations) mutate(raw, path, value);
        const result = outcome(() => explain(raw));
        if ('ok' in result) {
          seen.ok++;
          expect(result.ok).toHaveProperty('action');
          return;
        }
        seen.error++;
        expectReadable(result.error);
        for (const issue of result.error.issues) {
          if (issue.where === 'preset') {
            expect(issue.value).toEqual(valueAt(raw, ['preset']));
            continue;
          }
          // `s.json request.qty`, or `s.json config: sim.feesBps` for the inline config.
          const m = /^s\.json (?:config: )?(.+)$/.exec(issue.where);
          expect(m, issue.where).not.toBeNull();
          const inConfig = issue.where.startsWith(`${SOURCE} config: `);
          const path = [...(inConfig ? ['config'] : []), ...(m![1] === '(root)' ? [] : m![1]!.split('.'))];
          // The field is in the file (a missing one: its parent is).
          expect(valueAt(raw, path.slice(0, -1))).toBeTypeOf('object');
          if ('value' in issue && issue.value !== undefined) expect(issue.value).toEqual(valueAt(raw, path));
        }
      }),
      { numRuns: FUZZ_RUNS, seed: 13_020 },
    );
    // Both outcomes are common, so the cases reach the deep checks as well as the shallow ones.
    expect(seen.ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(seen.error).toBeGreaterThan(FUZZ_RUNS / 20);
  });
});
