import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../support/built-cli.js';
import { ROOT } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

/**
 * The README's runnable examples: a fenced block right after `<!-- runnable -->`. Its lines are commands, or,
 * when some start with `$ `, those are the commands and the other lines the output they print. A block right
 * after `<!-- output -->` is the output of the runnable block before it. Every quoted line with a figure must
 * appear in what the commands print, and every command must exit 0.
 */
interface Example {
  line: number;
  commands: string[];
  quoted: string;
}

function examples(readme: string): Example[] {
  const lines = readme.split('\n');
  const fenced = (start: number): { body: string[]; end: number } => {
    const body: string[] = [];
    let i = start + 1;
    while (i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i++]!);
    return { body, end: i };
  };
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = lines[i]!.trim();
    if (marker !== '<!-- runnable -->' && marker !== '<!-- output -->') continue;
    expect(lines[i + 1], `README.md:${i + 1}: ${marker} must be followed by a fence`).toMatch(/^```/);
    const { body, end } = fenced(i + 1);
    if (marker === '<!-- output -->') {
      const last = found.at(-1);
      expect(last, `README.md:${i + 1}: <!-- output --> without a runnable block before it`).toBeDefined();
      last!.quoted += `${body.join('\n')}\n`;
    } else if (body.some((l) => l.startsWith('$ '))) {
      found.push({
        line: i + 1,
        commands: body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)),
        quoted: `${body.filter((l) => !l.startsWith('$ ')).join('\n')}\n`,
      });
    } else {
      found.push({ line: i + 1, commands: body.filter((l) => l.trim() && !l.startsWith('#')), quoted: '' });
    }
    i = end;
  }
  return found;
}

/**
 * The quoted lines that carry figures, each to be found whole in the output: a figure alone ("1") would be
 * found anywhere. Lines marked abridged with "…" are left out.
 */
function figureLines(quoted: string): string[] {
  return quoted
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\d/.test(l) && !l.includes('…'));
}

/** A folder laid out like a clone beside ../shared, so relative paths in the README resolve, and writes stay out of the repo. */
function sandbox(): string {
  const top = mkdtempSync(join(tmpdir(), 'worksteal-readme-'));
  symlinkSync(dirname(MARKETDATA.replace(/\/$/, '')), join(top, 'shared'));
  const repo = join(top, 'repo');
  mkdirSync(repo);
  symlinkSync(join(ROOT, 'examples'), join(repo, 'examples'));
  return repo;
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const runnable = examples(readme);

describe('the README examples marked runnable', () => {
  it('there are some, and each has a command', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    for (const e of runnable) expect(e.commands.length, `README.md:${e.line}`).toBeGreaterThan(0);
  });

  it.each(runnable.map((e) => [e.line, e] as const))(
    'README.md:%i runs, exits 0, prints the figures it quotes',
    (_line, e) => {
      requireMarketData();
      const cwd = sandbox();
      const cli = [process.execPath, ...cliEntry()].map((a) => JSON.stringify(a)).join(' ');
      // `npx worksteal` is the built CLI; the test runs the same program compiled from the current source.
      const script = [
        `worksteal() { ${cli} "$@"; }`,
        ...e.commands.map((c) => c.replace(/\bnpx worksteal\b/g, 'worksteal')),
      ];
      let output = '';
      for (const command of script.slice(1)) {
        const r = spawnSync('bash', ['-c', `${script[0]}\n${command}`], {
          cwd,
          encoding: 'utf8',
          env: {
            ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_'))),
            NO_COLOR: '1',
          },
          timeout: 120_000,
        });
        expect(r.status, `README.md:${e.line}: ${command}\n${r.stderr}`).toBe(0);
        output += r.stdout + r.stderr;
      }
      const absent = figureLines(e.quoted).filter((l) => !output.includes(l));
      expect(absent, `README.md:${e.line}: quoted figures not in the output:\n${output}`).toEqual([]);
    },
  );
});
