/**
 * Value rankings from the package: src/core/fill/USAGE.md's "From the package" program, type-checked against
 * the package's own declarations (`import … from 'worksteal'`, strict, no skipLibCheck) and run, and the
 * coordinator's refusal of a value ranking it was given no valuator for. The package is built into a
 * temporary folder, never over this repository's dist/ (other test files' child processes run that).
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Coordinator, ValidationError, nyseCalendar, resolveConfig } from '../../src/index.js';
import { ROOT } from '../support/cli.js';

const USAGE = join(ROOT, 'src/core/fill/USAGE.md');
const HEADING = '## From the package';

/** The first block of `lang` after the heading (`lang` '' is a plain block), exactly as USAGE.md shows it. */
function block(lang: string, after = HEADING): string {
  const text = readFileSync(USAGE, 'utf8');
  const at = text.indexOf(`\n${after}\n`);
  if (at < 0) throw new Error(`USAGE.md has no section "${after}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text.slice(at));
  if (!m) throw new Error(`USAGE.md section "${after}" has no ${lang || 'plain'} block`);
  return m[1]!;
}

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

const temp = mkdtempSync(join(tmpdir(), 'worksteal-recipe-'));
const pkg = join(temp, 'worksteal');
const project = join(temp, 'project');

beforeAll(() => {
  mkdirSync(pkg);
  run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist')], ROOT);
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(pkg, join(project, 'node_modules/worksteal'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "name": "bot", "private": true, "type": "module" }\n');
}, 300_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('USAGE.md "From the package"', () => {
  it('type-checks against the package declarations and prints what USAGE.md shows', () => {
    writeFileSync(join(project, 'recipe.ts'), block('ts'));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
        typeRoots: [join(ROOT, 'node_modules/@types')],
        types: ['node'],
      },
      files: ['recipe.ts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    let compiled = '';
    try {
      compiled = run(process.execPath, [tsc, '-p', '.'], project);
    } catch (error) {
      throw new Error(
        `the recipe does not compile against the package:\n${(error as { stdout: string }).stdout}`,
      );
    }
    expect(compiled).toBe('');
    expect(run(process.execPath, ['out/recipe.js'], project)).toBe(block('', 'It prints:'));
  });
});

describe('a value ranking without a valuator', () => {
  const now = Date.parse('2025-06-07T12:00:00Z');
  const base = {
    clock: { now: () => now },
    calendar: nyseCalendar(),
    account: { equity: 10_000, patternDayTrader: false },
  };

  for (const ranking of ['expectedValue', 'fillProbability'] as const) {
    it(`is refused when the coordinator is built (${ranking}), naming victimRanking, valuator and the fix`, () => {
      const { config } = resolveConfig({ layers: [{ source: 'bot', values: { victimRanking: ranking } }] });
      let error: unknown;
      try {
        new Coordinator({ ...base, config });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      const issue = (error as ValidationError).issues.find((i) => i.where === 'options.valuator');
      expect(issue?.message).toContain(`victimRanking '${ranking}'`);
      expect(issue?.message).toContain('fillValuator');
      expect(issue?.message).toContain("'distance'");
    });
  }

  it('is no problem under auto or distance', () => {
    for (const ranking of ['auto', 'distance'] as const) {
      const { config } = resolveConfig({ layers: [{ source: 'bot', values: { victimRanking: ranking } }] });
      expect(() => new Coordinator({ ...base, config })).not.toThrow();
    }
  });
});
