/**
 * Every property test again under other seeds. A property's seed is fixed so that `npm test` is deterministic,
 * and the cases one seed draws are all the suite ever tries; this runs them with `--variants n` other seeds
 * (seed × 31 + 977 × k for k = 1..n, each property's number of runs unchanged), to find what the fixed seeds
 * never drew. Bugs this found are fixed with a test of their own; see the commits that say "another seed".
 *
 *   npx tsx scripts/property-seeds.ts [--variants n] [--first k] [--runs m] [--keep] [test/dir-or-file ...]
 *
 * `--first k` starts at variant k (default 1): variants k..k+n−1, to try seeds not tried before. `--runs m`
 * multiplies each property's number of runs by m (default 1): more cases per seed, for a few files at a time
 * (the money models take seconds per run). `--keep` leaves the copies, to run a failing one again alone.
 *
 * For each variant it writes copies of the test files that call `fc.assert` beside them, with every call's
 * seed and runs moved (see reseeded), as `tmp-seed<k>-<name>.test.ts` (relative imports keep working), runs
 * vitest on the copies and removes them, then lists the failures: a `Property failed` is an
 * invariant broken under that seed; other failures are most often a file's own count that its seed reached
 * enough cases (`expect(steals).toBeGreaterThan(10)`), which another seed need not. Exit 1 when a property
 * failed. Needs what `npm test` needs (WORKSTEAL_TEST_REDIS_URL and WORKSTEAL_TEST_CHROMIUM for the files that
 * use them); a variant of the whole suite takes about four minutes on two cores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import ts from 'typescript';

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const variants = Number(argument('--variants', '3'));
const first = Number(argument('--first', '1'));
const runs = Number(argument('--runs', '1'));
for (const [flag, value] of [
  ['--variants', variants],
  ['--first', first],
  ['--runs', runs],
] as const)
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`${flag} ${argument(flag, '')}: give a whole number, ≥ 1\n`);
    process.exit(2);
  }
const FLAGS = ['--variants', '--first', '--runs'];
/** Leave the copies in place, to run one again with vitest (`npx vitest run <copy>`); remove them by hand. */
const keep = process.argv.includes('--keep');
const roots = process.argv
  .slice(2)
  .filter((a, i, all) => a !== '--keep' && !FLAGS.includes(a) && !FLAGS.includes(all[i - 1]!));
const listed = execFileSync('grep', ['-rlE', 'fc\\.assert', ...(roots.length ? roots : ['test'])], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f.endsWith('.test.ts') && !basename(f).startsWith('tmp-seed'));

/**
 * The file's text with the options of every `fc.assert` call moved to variant k: the seed `s` becomes
 * `s × 31 + 977 × k` and the runs `r` become `r × runs`, whatever form the options take (an object literal, a
 * constant or parameter, none at all: fast-check's default of 100 runs). Null when the file calls none.
 */
function reseeded(file: string, text: string, k: number): string | null {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const shift = 977 * k;
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'fc.assert') {
      const [property, options] = node.arguments;
      if (!options) {
        edits.push({
          start: property!.getEnd(),
          end: property!.getEnd(),
          text: `, { seed: ${shift}, numRuns: ${100 * runs} }`,
        });
      } else if (ts.isObjectLiteralExpression(options)) {
        const named = (name: string) =>
          options.properties.find((p) => p.name !== undefined && p.name.getText(source) === name);
        const rewrite = (name: string, missing: string, value: (expr: string) => string): void => {
          const p = named(name);
          if (p === undefined)
            edits.push({
              start: options.getStart(source) + 1,
              end: options.getStart(source) + 1,
              text: ` ${name}: ${missing},`,
            });
          else {
            const expr = ts.isPropertyAssignment(p) ? p.initializer.getText(source) : name;
            edits.push({ start: p.getStart(source), end: p.getEnd(), text: `${name}: ${value(expr)}` });
          }
        };
        rewrite('seed', String(shift), (e) => `(${e}) * 31 + ${shift}`);
        rewrite('numRuns', String(100 * runs), (e) => `(${e}) * ${runs}`);
      } else {
        const o = options.getText(source);
        edits.push({
          start: options.getStart(source),
          end: options.getEnd(),
          text: `{ ...${o}, seed: ((${o}).seed ?? 0) * 31 + ${shift}, numRuns: ((${o}).numRuns ?? 100) * ${runs} }`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (edits.length === 0) return null;
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

let broken = 0;
for (let k = first; k < first + variants; k++) {
  const copies: string[] = [];
  try {
    for (const file of listed) {
      const text = reseeded(file, readFileSync(file, 'utf8'), k);
      if (text === null) continue;
      const copy = join(dirname(file), `tmp-seed${k}-${basename(file)}`);
      writeFileSync(copy, text);
      copies.push(copy);
    }
    process.stderr.write(`variant ${k}: ${copies.length} files with a seed\n`);
    // More runs take longer than a test's time limit was set for.
    const limit = runs > 1 ? ['--testTimeout', String(600_000)] : [];
    const run = spawnSync('npx', ['vitest', 'run', ...limit, ...copies], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    // eslint-disable-next-line no-control-regex -- the reporter's colours
    const lines = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    let failing = '';
    const properties = new Set<string>();
    const others = new Set<string>();
    for (const line of lines) {
      if (line.startsWith(' FAIL ')) failing = line.replace(/^ FAIL\s+(shared\s+)?/, '').trim();
      if (line.includes('Property failed')) properties.add(failing);
      else if (line.startsWith(' FAIL ')) others.add(failing);
    }
    for (const p of properties) others.delete(p);
    const summary = lines.find((l) => l.includes('Test Files')) ?? '(no summary: see vitest)';
    process.stdout.write(`\n## variant ${k}: ${summary.trim()}\n`);
    for (const p of properties) process.stdout.write(`property failed: ${p}\n`);
    for (const o of others) process.stdout.write(`other failure: ${o}\n`);
    broken += properties.size;
  } finally {
    if (keep) process.stdout.write(`kept: ${copies.join(' ')}\n`);
    else for (const copy of copies) rmSync(copy, { force: true });
  }
}
process.exit(broken > 0 ? 1 : 0);
