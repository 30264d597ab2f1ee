/**
 * The README's "Use as a library" example, compiled as written (tsc strict, NodeNext, against the package's
 * own declarations) and run: once inside the package (it refers to itself by name through `exports`) and once
 * from an `npm pack` tarball installed into an empty project, the way a user gets it. Both import 'worksteal'
 * from compiled code, so the build runs first: into a copy of the package in
 * a temporary folder, never over this repository's `dist/`, which other test files' child processes run
 * while this one builds (a file half rewritten there made one of them fail to import). docs/library.md's
 * `compare` example runs the same two ways, on two real bar files: from the tarball, its simulations run on
 * worker threads of the installed package, and so does its signals-and-report example (examples/signals.csv)
 * and the README's sweep example.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';

/** The first ```ts block after the heading in a Markdown file, exactly as it shows it. */
function readmeBlock(heading: string, file = 'README.md'): string {
  const readme = readFileSync(join(ROOT, file), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${file} has no section "${heading}"`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`${file} section "${heading}" has no ts block`);
  return m[1]!;
}

/** The output the file says the example prints (the plain block after "it prints:"). */
function readmeOutput(heading: string, file = 'README.md'): string {
  const readme = readFileSync(join(ROOT, file), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const m = /[Ii]t prints:\n\n```\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`${file} section "${heading}" does not show its output`);
  return m[1]!;
}

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });

const HEADING = '## Use as a library';
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

/** docs/library.md's `compare` example, run on two of the project's real bar files. */
const COMPARE_DOC = 'docs/library.md';
const COMPARE_HEADING = '## Compare two policies';
const COMPARE_FILES = ['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'];
/** docs/library.md's signals-and-report example: the example signals file, then the same two bar files. */
const REPORT_HEADING = "## Signals files and the CLI's reports";
/** The README's sweep example, on the same two bar files. */
const SWEEP_HEADING = '### A sweep from the library';
const barFiles = (): string[] => COMPARE_FILES.map((f) => join(requireMarketData(), f));

/** The examples: each a ```ts block of a file, compiled as `<name>.ts`. */
const EXAMPLES = {
  example: () => readmeBlock(HEADING),
  compare: () => readmeBlock(COMPARE_HEADING, COMPARE_DOC),
  report: () => readmeBlock(REPORT_HEADING, COMPARE_DOC),
  sweep: () => readmeBlock(SWEEP_HEADING),
};
type ExampleName = keyof typeof EXAMPLES;

/** The folders whose examples are compiled: each is compiled once, by one run of the compiler. */
const compiled = new Set<string>();

/**
 * Every example as `<name>.ts` in `dir`, compiled together as a user's strict NodeNext project compiles them
 * (the package's declarations checked too, no skipLibCheck): one compiler run per folder rather than one per
 * example, which took most of this file's time.
 */
function compileExamples(dir: string): void {
  if (compiled.has(dir)) return;
  const files = Object.entries(EXAMPLES).map(([name, source]) => {
    writeFileSync(join(dir, `${name}.ts`), source());
    return `${name}.ts`;
  });
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    rootDir: '.',
    outDir: 'example-out',
    typeRoots: [join(ROOT, 'node_modules/@types')],
    types: ['node'],
  };
  writeFileSync(join(dir, 'tsconfig.examples.json'), JSON.stringify({ compilerOptions, files }));
  try {
    run(process.execPath, [tsc, '-p', 'tsconfig.examples.json'], dir);
  } catch (error) {
    throw new Error(`the examples do not compile:\n${(error as { stdout: string }).stdout}`);
  }
  compiled.add(dir);
}

/** One example, compiled with the others in `dir`, run with `args`: what it prints. */
function compileAndRun(dir: string, name: ExampleName = 'example', args: string[] = []): string {
  compileExamples(dir);
  return run(process.execPath, [join(dir, `example-out/${name}.js`), ...args], dir);
}

const runCompareExample = (dir: string): string => compileAndRun(dir, 'compare', barFiles());
const runReportExample = (dir: string): string =>
  compileAndRun(dir, 'report', [join(ROOT, 'examples/signals.csv'), ...barFiles()]);
const runSweepExample = (dir: string): string => compileAndRun(dir, 'sweep', barFiles());
const temp = mkdtempSync(join(tmpdir(), 'worksteal-library-'));
/** The package as `npm pack` would take it from this repository: package.json, bin/, README.md and a fresh dist/. */
const pkg = join(temp, 'package');

beforeAll(() => {
  mkdirSync(pkg);
  run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist')], ROOT);
  for (const f of ['package.json', 'README.md']) copyFileSync(join(ROOT, f), join(pkg, f));
  cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  // Its dependencies, as in the repository (npm pack leaves node_modules out).
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
}, 300_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('README "Use as a library"', () => {
  it('compiles and runs as written inside the package and prints what the README shows', () => {
    expect(compileAndRun(pkg)).toBe(readmeOutput(HEADING));
  });

  it("docs/library.md's compare example compiles and runs inside the package and prints what it shows", () => {
    expect(runCompareExample(pkg)).toBe(readmeOutput(COMPARE_HEADING, COMPARE_DOC));
  }, 120_000);

  it("the README's sweep example compiles and runs inside the package and prints what it shows", () => {
    expect(runSweepExample(pkg)).toBe(readmeOutput(SWEEP_HEADING));
  }, 120_000);

  it("docs/library.md's signals-and-report example compiles and runs inside the package and prints what it shows", () => {
    expect(runReportExample(pkg)).toBe(readmeOutput(REPORT_HEADING, COMPARE_DOC));
    // The page it wrote is the --report page: self-contained, with the summary table.
    const page = readFileSync(join(pkg, 'comparison.html'), 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<h2>Summary</h2>');
  }, 120_000);

  it('the declarations type-check without Node types, as docs/library.md "TypeScript" says', () => {
    // Every export's type, so that every declaration file the entry reaches is read; no `types` (no
    // @types/node) and the default `lib` (with the DOM's URL, which zod's declarations name).
    writeFileSync(
      join(pkg, 'everything.ts'),
      "import * as ws from 'worksteal';\nexport type Everything = typeof ws;\n",
    );
    const compilerOptions = {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: [],
    };
    writeFileSync(
      join(pkg, 'tsconfig.everything.json'),
      JSON.stringify({ compilerOptions, files: ['everything.ts'] }),
    );
    let out = '';
    try {
      run(process.execPath, [tsc, '-p', 'tsconfig.everything.json'], pkg);
    } catch (error) {
      out = (error as { stdout: string }).stdout;
    }
    expect(out).toBe('');
  });

  it('compiles and runs from an npm pack tarball installed into an empty project', () => {
    // dist/ is built above; --ignore-scripts keeps pack from building it a second time.
    run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', temp], pkg);
    const tarball = readdirSync(temp).find((f) => f.endsWith('.tgz'));
    expect(tarball, 'npm pack wrote no tarball').toBeDefined();
    const project = join(temp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "empty", "private": true, "type": "module" }\n');
    // The package installs with its dependencies; their own install scripts (better-sqlite3 compiling itself
    // from source where no prebuilt binary can be fetched) take minutes and are not what is tested here: the
    // example opens no database.
    run(
      'npm',
      ['install', join(temp, tarball!), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      project,
    );
    expect(compileAndRun(project)).toBe(readmeOutput(HEADING));
    // compare() from the installed package, its simulations on worker threads (dist/compare/compare-worker.js).
    expect(runCompareExample(project)).toBe(readmeOutput(COMPARE_HEADING, COMPARE_DOC));
    expect(runReportExample(project)).toBe(readmeOutput(REPORT_HEADING, COMPARE_DOC));
    expect(runSweepExample(project)).toBe(readmeOutput(SWEEP_HEADING));
    // Only the public entry point is reachable: a deep import is refused by `exports`.
    expect(() =>
      run(
        process.execPath,
        ['-e', "await import('worksteal/dist/live/store.js')", '--input-type=module'],
        project,
      ),
    ).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  }, 900_000);
});
