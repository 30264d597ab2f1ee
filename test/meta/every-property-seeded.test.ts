/**
 * `npm test` is deterministic: every property names its seed. A `fc.assert` without one draws new cases on
 * every run, so a failure seen once may never be seen again (15 ran so until they were found). Read from each
 * test file's syntax tree: the options argument must name `seed`, or be a value made elsewhere (a constant or
 * a parameter, whose seed the file's own tests pass; scripts/property-seeds.ts moves either form).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.ts') && !e.name.startsWith('tmp-seed') ? [path] : [];
  });
}

/** The `fc.assert` calls of a file's text, and the lines of those whose options name no seed. */
function seeds(name: string, text: string): { calls: number; unseededLines: number[] } {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const unseededLines: number[] = [];
  let calls = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'fc.assert') {
      calls++;
      const options = node.arguments[1];
      const seeded =
        options !== undefined &&
        (!ts.isObjectLiteralExpression(options) ||
          options.properties.some(
            (p) => ts.isSpreadAssignment(p) || (p.name !== undefined && p.name.getText(source) === 'seed'),
          ));
      if (!seeded) unseededLines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { calls, unseededLines };
}

describe('the properties of the test suite', () => {
  it('each name a seed, so every run tries the same cases', () => {
    let calls = 0;
    const unseeded: string[] = [];
    for (const file of testFiles(ROOT)) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('fc.assert')) continue;
      const found = seeds(file, text);
      calls += found.calls;
      for (const line of found.unseededLines) unseeded.push(`${relative(ROOT, file)}:${line}`);
    }
    // The walk reached the properties (over two hundred calls), so the empty list below means something.
    expect(calls).toBeGreaterThan(200);
    expect(unseeded).toEqual([]);
  });

  it('finds a call without a seed, and takes one with it', () => {
    const unseeded = (code: string) => seeds('probe.ts', code).unseededLines.length;
    expect(unseeded('fc.assert(p);')).toBe(1);
    expect(unseeded('fc.assert(p, { numRuns: 5 });')).toBe(1);
    expect(unseeded('fc.assert(p, { numRuns: 5, seed: 3 });')).toBe(0);
    expect(unseeded('fc.assert(p, { ...RUNS, numRuns: 9 });')).toBe(0);
    expect(unseeded('fc.assert(p, RUNS);')).toBe(0);
    expect(unseeded('await fc.assert(fc.asyncProperty(a, f), {\n  numRuns: 4,\n  seed: 12,\n});')).toBe(0);
  });
});
