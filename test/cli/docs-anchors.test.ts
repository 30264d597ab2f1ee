import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { headingTexts, prose } from '../support/markdown.js';

/**
 * Every link to a heading in the project's Markdown (`[x](#anchor)`, `[x](docs/cli.md#anchor)`) names a
 * heading that exists, with the anchor GitHub gives it. The README is long and its headings change; a link
 * that lands nowhere leaves the reader at the top of the page.
 */
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'src/core/fill/USAGE.md',
];

/** The anchors of a Markdown file's headings, as GitHub makes them (repeats get -1, -2, …). */
function anchorsOf(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  for (const text of headingTexts(file)) {
    // GitHub slugs the heading's text: code spans keep their content, link targets and emphasis go.
    const heading = text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, '');
    anchors.add(slugger.slug(heading));
  }
  return anchors;
}

/** Every link with an anchor in a file: the file it points to (relative to ROOT) and the anchor. */
function anchorLinks(file: string): { line: number; target: string; anchor: string; raw: string }[] {
  const links: { line: number; target: string; anchor: string; raw: string }[] = [];
  for (const { line, text } of prose(readFileSync(join(ROOT, file), 'utf8'))) {
    // Inline code is not a link.
    const plain = text.replace(/`[^`]*`/g, '');
    for (const m of plain.matchAll(/\]\(([^)\s]*)#([^)\s]+)\)/g)) {
      const [raw, path, anchor] = m as unknown as [string, string, string];
      if (/^[a-z][a-z0-9+.-]*:/i.test(path)) continue; // a URL: not ours to check
      const target = path === '' ? file : relative(ROOT, resolve(dirname(join(ROOT, file)), path));
      links.push({ line, target, anchor: decodeURIComponent(anchor), raw });
    }
  }
  return links;
}

describe('links to headings in the Markdown', () => {
  it('the slugs are GitHub’s (a check of the check)', () => {
    const s = new GithubSlugger();
    expect(s.slug('`worksteal explain`: why did it steal X?')).toBe('worksteal-explain-why-did-it-steal-x');
    expect(s.slug('Does the seed system’s optimum (protection 0.15%) hold up?')).toBe(
      'does-the-seed-systems-optimum-protection-015-hold-up',
    );
    expect(s.slug('Calibration')).toBe('calibration');
    expect(s.slug('Calibration')).toBe('calibration-1');
  });

  it.each(FILES)('%s: every anchor it links to is a heading', (file) => {
    const cache = new Map<string, Set<string>>();
    const broken: string[] = [];
    const links = anchorLinks(file);
    for (const { line, target, anchor, raw } of links) {
      if (!target.endsWith('.md')) continue;
      let anchors = cache.get(target);
      if (!anchors) cache.set(target, (anchors = anchorsOf(target)));
      if (!anchors.has(anchor)) broken.push(`${file}:${line}: ${raw} (no heading "${anchor}" in ${target})`);
    }
    expect(broken).toEqual([]);
  });

  it('finds the links it checks (the README links to its own sections)', () => {
    expect(anchorLinks('README.md').filter((l) => l.target === 'README.md').length).toBeGreaterThan(5);
  });
});
