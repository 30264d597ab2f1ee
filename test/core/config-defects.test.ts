/**
 * Defective configuration and signal files: a key written twice in a JSON config (JSON.parse keeps the last
 * without a word, YAML refuses it), wrong types, unknown keys, out-of-range numbers, an empty file, a folder,
 * and signal rows whose values are shifted or whose date does not exist. Each is refused naming the file,
 * the row or key, the value and what to do; none loads as something the file does not say.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/io/load-config.js';
import { duplicateJsonKey } from '../../src/io/read-structured.js';
import { parseSignalsCsv } from '../../src/sim/signals/csv-signals.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-config-defects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${serial++}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** The error's issues as `where: message (value)` lines, or null when the call succeeded. */
async function issuesOf(run: () => Promise<unknown>): Promise<string[] | null> {
  try {
    await run();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map(
      (i) => `${i.where}: ${i.message}${i.value === undefined ? '' : ` (${JSON.stringify(i.value)})`}`,
    );
  }
}

describe('a key written twice', () => {
  it('in a JSON config is refused naming the file, line and key, as in YAML', async () => {
    const json = file(
      'twice.json',
      '{\n  "cooldownSec": 3600,\n  "fightThreshold": 3,\n  "cooldownSec": 60\n}\n',
    );
    expect(await issuesOf(() => loadConfig({ file: json, env: {} }))).toEqual([
      `${json}:4: key "cooldownSec" appears twice in one object, and JSON would silently keep only the last; remove one of them`,
    ]);
    const yaml = file('twice.yaml', 'cooldownSec: 3600\nfightThreshold: 3\ncooldownSec: 60\n');
    const issues = await issuesOf(() => loadConfig({ file: yaml, env: {} }));
    expect(issues).toEqual([`${yaml}:3:1: is not valid YAML: Map keys must be unique`]);
  });

  it('a YAML syntax error names the file, line and column, and its message ends on the problem, not a colon', async () => {
    const yaml = file('broken.yaml', 'protectionPct: 0.002\n  bad: [\n');
    expect(await issuesOf(() => loadConfig({ file: yaml, env: {} }))).toEqual([
      `${yaml}:1:16: is not valid YAML: Nested mappings are not allowed in compact mappings`,
    ]);
  });

  it('is found in any object of any JSON document, and nothing is found where no object repeats a key', () => {
    const key = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.dictionary(key, fc.jsonValue(), { minKeys: 1, maxKeys: 5 }),
        fc.nat(),
        fc.constantFrom(0, 2),
        (outer, object, pick, indent) => {
          // Stringified values never repeat a key (nor do objects holding `"k":` inside string values).
          expect(duplicateJsonKey(JSON.stringify({ outer, object }, null, indent))).toBeNull();
          const keys = Object.keys(object);
          const again = keys[pick % keys.length]!;
          const body = [...keys, again].map((k) => `${JSON.stringify(k)}: ${JSON.stringify(object[k])}`);
          const text = `{"outer": ${JSON.stringify(outer)}, "list": [1, {\n${body.join(',\n')}\n}]}`;
          expect(JSON.parse(text)).toBeDefined();
          expect(duplicateJsonKey(text)).toEqual({ key: again, line: keys.length + 2 });
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('other config defects are refused naming the file, the key and the value', () => {
  it.each([
    ['wrong type', 'cooldownSec: "abc"\n', 'cooldownSec', '"abc"'],
    ['out of range', 'cooldownSec: -5\n', 'cooldownSec', '-5'],
    ['overflowing number', 'fightThreshold: 1e400\n', 'fightThreshold', 'Infinity'],
    ['unknown key', 'cooldownsec: 10\n', 'unknown key "cooldownsec"; did you mean "cooldownSec"?', ''],
    ['empty file', '', 'is empty; write its content there', ''],
  ])('%s', async (_, text, key, value) => {
    const path = file('config.yaml', text);
    const issues = await issuesOf(() => loadConfig({ file: path, env: {} }));
    expect(issues).toHaveLength(1);
    expect(issues![0]).toContain(path);
    expect(issues![0]).toContain(key);
    expect(issues![0]).toContain(value);
  });

  it('a folder is refused as a folder', async () => {
    const path = join(dir, 'folder.yaml');
    mkdirSync(path);
    expect(await issuesOf(() => loadConfig({ file: path, env: {} }))).toEqual([
      `${path}: is a folder, not a file; check the path`,
    ]);
  });
});

const HEADER = 'time,symbol,side,entry,take_profit,expected_pnl,valid_until';
const signals = (...rows: string[]): string => [HEADER, ...rows].join('\n');

describe('signal rows', () => {
  it('a value with a decimal comma is refused naming the row, not read as a smaller number', async () => {
    // With expected_pnl last, `2,5` read field by field is an expected P&L of 2 and a stray field.
    const text = [
      'time,symbol,side,entry,take_profit,valid_until,expected_pnl',
      '2024-01-03T10:00:00Z,SOLUSDT,buy,100,110,2024-01-03T12:00:00Z,1.5',
      '2024-01-03T11:00:00Z,SOLUSDT,buy,100,110,2024-01-03T13:00:00Z,2,5',
    ].join('\n');
    expect(await issuesOf(async () => parseSignalsCsv(text, 's.csv'))).toEqual([
      's.csv:3: has 8 fields but the header has 7; a value holds a comma or one is missing: fix the row ("2024-01-03T11:00:00Z,SOLUSDT,buy,100,110,2024-01-03T13:00:00Z,2,5")',
    ]);
  });

  it('a date that does not exist is refused, not rolled over into the next month', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2001, max: 2030 }),
        fc.constantFrom([2, 30], [2, 31], [4, 31], [6, 31], [9, 31], [11, 31]),
        async (year, [month, day]) => {
          const time = `${year}-${String(month).padStart(2, '0')}-${day}T10:00:00Z`;
          const text = signals(`${time},SOLUSDT,buy,100,110,2.5,${year + 1}-01-01T00:00:00Z`);
          expect(await issuesOf(async () => parseSignalsCsv(text, 's.csv'))).toEqual([
            `s.csv:2 time: is not an ISO-8601 time with a zone or an epoch number within 1970-2099 (${JSON.stringify(time)})`,
          ]);
        },
      ),
      { seed: 7, numRuns: 40 },
    );
  });

  it('ISO times with offsets still read as the instant they name', () => {
    const text = signals(
      '2024-02-29 10:00:00+05:30,SOLUSDT,buy,100,110,2.5,2024-02-29T10:00:00.5-0100',
      '1709200800,SOLUSDT,sell,100,90,1,1709200800123',
    );
    const out = parseSignalsCsv(text, 's.csv');
    expect(out.map((s) => [s.time, s.validUntil])).toEqual([
      [Date.UTC(2024, 1, 29, 4, 30), Date.UTC(2024, 1, 29, 11, 0, 0, 500)],
      [1709200800000, 1709200800123],
    ]);
  });
});
