/**
 * A stored evaluation is reused whenever its hash matches, and the hash names the code only through
 * codeVersion(). So every source file that can change an evaluation's numbers must be inside the folders
 * codeVersion() hashes; a file outside them could change results while old evaluations are still taken.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESULT_CODE } from '../../src/optimizer/hash.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Value imports (and re-exports) of a source file; `import type` decides nothing at run time. */
const VALUE_IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'(\.[^']+)'/gms;

/** Every source file reachable from `entries` through relative value imports, relative to src/. */
function importClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = entries.map((e) => resolve(SRC, e));
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(VALUE_IMPORT)) {
      const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${relative(SRC, file)} imports ${m[1]}, not found`);
      stack.push(target);
    }
  }
  return [...seen].map((f) => relative(SRC, f)).sort();
}

describe('codeVersion covers the code that decides an evaluation', () => {
  it('every file the objective and the bar loader run is in a hashed folder', () => {
    // The objective simulates; the bar loader decides which bars the objective is given (coordinator and
    // queue workers load the same files with it).
    const files = importClosure(['optimizer/objective/objective.ts', 'marketdata/load.ts']);
    expect(files.length).toBeGreaterThan(50);
    const hashed = (f: string): boolean => RESULT_CODE.some((d) => f.startsWith(`${d}/`));
    expect(files.filter((f) => !hashed(f))).toEqual([]);
  });

  it('the hashed folders exist (a renamed folder would silently hash nothing)', () => {
    for (const d of RESULT_CODE) expect(existsSync(join(SRC, d)), d).toBe(true);
  });
});
