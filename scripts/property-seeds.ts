/**
 * Every property test again under other seeds. A property's seed is fixed so that `npm test` is deterministic,
 * and the cases one seed draws are all the suite ever tries; this runs them with `--variants n` other seeds
 * (seed × 31 + 977 × k for k = 1..n, each property's number of runs unchanged), to find what the fixed seeds
 * never drew. Bugs this found are fixed with a test of their own; see the commits that say "another seed".
 *
 *   npx tsx scripts/property-seeds.ts [--variants n] [--first k] [--runs m] [test/dir-or-file ...]
 *
 * `--first k` starts at variant k (default 1): variants k..k+n−1, to try seeds not tried before. `--runs m`
 * multiplies each property's number of runs by m (default 1): more cases per seed, for a few files at a time
 * (the money models take seconds per run).
 *
 * For each variant it writes copies of the test files whose fast-check options name a seed (`{ seed: N,
 * numRuns: M` or `numRuns: M, seed: N`) beside them, as `tmp-seed<k>-<name>.test.ts` (relative imports keep
 * working), runs vitest on the copies and removes them, then lists the failures: a `Property failed` is an
 * invariant broken under that seed; other failures are most often a file's own count that its seed reached
 * enough cases (`expect(steals).toBeGreaterThan(10)`), which another seed need not. Exit 1 when a property
 * failed. Needs what `npm test` needs (WORKSTEAL_TEST_REDIS_URL and WORKSTEAL_TEST_CHROMIUM for the files that
 * use them); a variant of the whole suite takes about a minute here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
const roots = process.argv.slice(2).filter((a, i, all) => !FLAGS.includes(a) && !FLAGS.includes(all[i - 1]!));
const listed = execFileSync('grep', ['-rlE', 'fc\\.assert', ...(roots.length ? roots : ['test'])], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f.endsWith('.test.ts') && !basename(f).startsWith('tmp-seed'));

/** The file's text with each fast-check seed moved to variant k (and its runs times `runs`), or null when it names none. */
function reseeded(text: string, k: number): string | null {
  const seed = (n: string): number => Number(n) * 31 + 977 * k;
  const times = (n: string): number => Number(n) * runs;
  const out = text
    .replace(
      /\{ ?seed: (\d+), numRuns: (\d+)/g,
      (_, s: string, r: string) => `{ seed: ${seed(s)}, numRuns: ${times(r)}`,
    )
    .replace(
      /numRuns: (\d+), seed: (\d+)/g,
      (_, r: string, s: string) => `numRuns: ${times(r)}, seed: ${seed(s)}`,
    );
  return out === text ? null : out;
}

let broken = 0;
for (let k = first; k < first + variants; k++) {
  const copies: string[] = [];
  try {
    for (const file of listed) {
      const text = reseeded(readFileSync(file, 'utf8'), k);
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
    for (const copy of copies) rmSync(copy, { force: true });
  }
}
process.exit(broken > 0 ? 1 : 0);
