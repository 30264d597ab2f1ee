/**
 * Environment overrides fuzzed: any set of WORKSTEAL_* variables ends in a resolved config or in a
 * ValidationError whose every issue names a variable that is set and the text it holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, envName, resolveConfig } from '../../src/core/config/index.js';
import { parseDecimal } from '../../src/core/decimal.js';
import { FUZZ_RUNS, expectReadable, hostileText, outcome, valueAt } from './support.js';

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'symbols' && prefix.length === 0 ? [] : leafPaths(v, [...prefix, k]),
  );
}

const KNOWN = leafPaths(DEFAULT_CONFIG).map((path) => ({
  name: envName(path),
  template: valueAt(DEFAULT_CONFIG, path),
}));
const NAMES = [
  ...KNOWN.map((k) => k.name),
  'WORKSTEAL_PROTECTION',
  'WORKSTEAL_CONSTRUCTOR',
  'WORKSTEAL___PROTO__',
  'WORKSTEAL_SYMBOLS',
  'WORKSTEAL_SIM',
  'WORKSTEAL_PRESET',
  'WORKSTEAL_DATA',
  'WORKSTEAL_TEST_SHARED_DIR',
  'PATH',
];

/** Text of the variable's type most of the time (so cases pass the parse and reach the schema), else hostile. */
function textFor(name: string): fc.Arbitrary<string> {
  const template = KNOWN.find((k) => k.name === name)?.template;
  const typed =
    typeof template === 'number'
      ? fc.oneof(
          fc.double({ min: -2, max: 2, noNaN: true }).map(String),
          fc.integer({ min: -10, max: 100_000 }).map(String),
          fc.constant(String(template)),
        )
      : typeof template === 'boolean'
        ? fc.constantFrom('true', 'false', '1', '0', 'yes', 'OFF', 'maybe')
        : fc.constantFrom('x', 'BTC/USD,AAPL', ',', 'https://hooks.example/x', 'ftp://a', '127.0.0.1');
  return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 1, arbitrary: hostileText });
}

const environment = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 5 })
  .chain((names) => fc.tuple(...names.map((n) => textFor(n).map((t) => [n, t] as const))))
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

describe('environment override fuzzing', () => {
  it(`${FUZZ_RUNS} environments end in a config or a ValidationError naming the variable and its text`, () => {
    const seen = { ok: 0, error: 0 };
    fc.assert(
      fc.property(environment, (env) => {
        const result = outcome(() => resolveConfig({ env }));
        if ('ok' in result) {
          seen.ok++;
          return;
        }
        seen.error++;
        expectReadable(result.error);
        for (const issue of result.error.issues) {
          const name = /^(?:environment|env) (\S+)$/.exec(issue.where)?.[1];
          expect(name, issue.where).toBeDefined();
          const raw = env[name!];
          expect(raw, `${issue.where} is not set`).toBeDefined();
          if (!('value' in issue)) continue;
          // The value as written, or as the variable's type reads it (a number, a flag, a list).
          const v = issue.value;
          if (typeof v === 'string') expect(v).toBe(raw);
          else if (typeof v === 'number') expect(v).toBe(parseDecimal(raw!));
          else if (Array.isArray(v))
            expect(v.join(',')).toBe(
              raw!
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
                .join(','),
            );
          else expect(typeof v).toBe('boolean');
        }
      }),
      { numRuns: FUZZ_RUNS, seed: 13_017 },
    );
    // Both outcomes are common, so the cases reach the deep checks as well as the shallow ones.
    expect(seen.ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(seen.error).toBeGreaterThan(FUZZ_RUNS / 20);
  });
});
