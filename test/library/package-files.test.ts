/**
 * What `npm pack` ships: every relative link in the shipped Markdown (README.md, docs/, the fill model's
 * USAGE.md) must name a file that is shipped too, or a reader of the installed package follows it to
 * nothing. The README links docs/library.md, docs/service.md and src/core/fill/USAGE.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/** The files `npm pack` would put in the tarball (paths relative to the package root). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path);
}

describe('the packed package', () => {
  const files = packedFiles();
  const shipped = new Set(files);
  const isShipped = (p: string): boolean => shipped.has(p) || files.some((f) => f.startsWith(`${p}/`));

  it('ships the documents the README links to', () => {
    for (const f of ['README.md', 'docs/library.md', 'docs/service.md', 'src/core/fill/USAGE.md'])
      expect(shipped.has(f), `${f} is not in the package`).toBe(true);
  });

  it('has every relative link in its Markdown resolve to a shipped file', () => {
    const broken: string[] = [];
    for (const doc of files.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) continue; // a URL or an anchor
        const target = normalize(join(dirname(doc), link.split('#')[0]!));
        if (!isShipped(target)) broken.push(`${doc} → ${link}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
