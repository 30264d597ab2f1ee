/**
 * Config files fuzzed as text (JSON and YAML, sometimes corrupted): every case ends in a resolved config or
 * a ValidationError whose issues name the file, a key path that exists in the file, and the value there.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import { parseStructured } from '../../src/io/read-structured.js';
import { FUZZ_RUNS, expectReadable, hostileValue, outcome, ownObject, valueAt } from './support.js';

/** Every path of own keys in a parsed document (array indexes included). */
function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [
    prefix,
    ...Object.keys(value).flatMap((k) => keyPaths((value as Record<string, unknown>)[k], [...prefix, k])),
  ];
}

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value);
  return entries.length === 0 ? [prefix] : entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** Real key paths (leaves and sections), plus paths a user could plausibly get wrong. */
const PATHS: string[][] = [
  ...leafPaths(DEFAULT_CONFIG),
  ['margin'],
  ['sim'],
  ['sim', 'forecaster'],
  ['live', 'alerts', 'webhookUrl'],
  ['live', 'signalsCsv'],
  ['symbols', 'BTC/USD', 'assetClass'],
  ['symbols', 'AAPL'],
  ['optimize', 'params', 'cooldownSec'],
  ['optimize', 'params', 'protectionPct', 'min'],
  ['optimize', 'params', 'dryRun', 'max'],
  ['optimize', 'folds', 'trainDays'],
  ['optimize', 'folds', 'trainFraction'],
  ['optimize', 'population'],
  ['protectionPc'],
  ['__proto__'],
  ['constructor'],
  ['sim', 'prototype'],
  ['symbols', '__proto__', 'assetClass'],
];

/** Sets a value at a path of own keys, creating objects on the way (an existing non-object is replaced). */
function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = root;
  path.forEach((seg, i) => {
    if (i === path.length - 1) {
      Object.defineProperty(target, seg, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    let next = Object.hasOwn(target, seg) ? target[seg] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      next = ownObject([]);
      Object.defineProperty(target, seg, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    target = next as Record<string, unknown>;
  });
}

/** A plausible value for the key's type most of the time, so cases reach the schema's deeper checks. */
function valueFor(path: readonly string[]): fc.Arbitrary<unknown> {
  const template = valueAt(DEFAULT_CONFIG, path);
  const typed =
    typeof template === 'number'
      ? fc.oneof(
          fc.constant(template),
          fc.double({ min: -2, max: 2, noNaN: true }),
          fc.integer({ min: -5, max: 5000 }),
        )
      : typeof template === 'boolean'
        ? fc.boolean()
        : typeof template === 'string'
          ? fc.constantFrom(template, 'x', '')
          : hostileValue;
  return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 2, arbitrary: hostileValue });
}

const entry = fc.constantFrom(...PATHS).chain((path) => valueFor(path).map((v) => [path, v] as const));

const document = fc.oneof(
  { weight: 12, arbitrary: fc.array(entry, { maxLength: 6 }) },
  { weight: 1, arbitrary: hostileValue.map((v) => ({ whole: v })) },
);

/** Text edits that real files suffer: a cut, a stray character, a lost quote. */
const corruption = fc.option(
  fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom('', '"', ':', '{', ']', '\t', '- ', '\u0000', '#')),
  { freq: 4 },
);

describe('config file fuzzing', () => {
  it(`${FUZZ_RUNS} JSON and YAML files end in a config or a ValidationError naming file, path and value`, () => {
    const seen = { ok: 0, error: 0 };
    fc.assert(
      fc.property(document, fc.nat({ max: 2 }), corruption, (doc, format, cut) => {
        // One file in three is YAML: the YAML parser costs most of a case's time.
        const asYaml = format === 0;
        let values: unknown;
        if (Array.isArray(doc)) {
          const root = ownObject([]);
          for (const [path, v] of doc) setPath(root, path, v);
          values = root;
        } else values = doc.whole;
        const source = asYaml ? 'fuzz.yaml' : 'fuzz.json';
        let text = asYaml ? toYaml(values) : (JSON.stringify(values) ?? 'null');
        if (cut) {
          const at = cut[0] % (text.length + 1);
          text = text.slice(0, at) + cut[2] + text.slice(at + cut[1]);
        }
        const parsed = outcome(() => parseStructured(text, source));
        if ('error' in parsed) {
          expectReadable(parsed.error);
          expect(parsed.error.issues[0]!.where.startsWith(source)).toBe(true);
          return;
        }
        const input = parsed.ok;
        const result = outcome(() => resolveConfig({ layers: [{ source, values: input }], env: {} }));
        if ('ok' in result) {
          seen.ok++;
          return;
        }
        seen.error++;
        expectReadable(result.error);
        for (const issue of result.error.issues) {
          if (issue.where === source) {
            expect(issue.value).toEqual(input); // the whole document is of the wrong type
            continue;
          }
          expect(issue.where.startsWith(`${source}: `)).toBe(true);
          const pathText = issue.where.slice(source.length + 2);
          if (pathText === '(root)') continue;
          // The path is in the file: all of it, or (a key that must accompany another) all but its last key.
          // Keys may hold dots themselves, so the text is matched against the file's own key paths.
          const paths = keyPaths(input).filter(
            (p) => p.join('.') === pathText || p.join('.') === pathText.slice(0, pathText.lastIndexOf('.')),
          );
          expect(paths.length).toBeGreaterThan(0);
          if ('value' in issue) {
            expect(
              paths.some((p) =>
                isDeepStrictEqual(
                  valueAt(input, [
                    ...p,
                    ...pathText
                      .slice(p.join('.').length + 1)
                      .split('.')
                      .filter(Boolean),
                  ]),
                  issue.value,
                ),
              ),
            ).toBe(true);
          }
        }
      }),
      { numRuns: FUZZ_RUNS, seed: 13_016 },
    );
    // Both outcomes are common, so the cases reach the deep checks as well as the shallow ones.
    expect(seen.ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(seen.error).toBeGreaterThan(FUZZ_RUNS / 20);
  });
});
