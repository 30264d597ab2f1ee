import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { headingTexts } from '../support/markdown.js';

/**
 * Comments in the code say where a rule is written for readers: `README "The rules in one table"`,
 * `docs/cli.md "Exit codes"`, `src/core/fill/USAGE.md`. A reference to a section or a file that does not
 * exist sends the reader nowhere, so each one names a heading of that document, or a file of the
 * repository.
 */
const FOLDERS = ['src', 'test', 'bench', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

interface Reference {
  at: string;
  doc: string;
  section: string | null;
}

/**
 * `README "Section"`, `docs/x.md "Section"` (a comma may come between; the reference may run on over a
 * comment's next line: `README` at the end of one, `"Section"` at the start of the next) and bare paths.
 */
const SECTION = /\b(README|docs\/[a-z-]+\.md),?((?:[ \t]|\n[ \t]*(?:\*|\/\/)?[ \t]*)+)"([^"]{1,120})"/g;
const DOC = /\b(?:README|docs\/[a-z-]+\.md|src\/[\w/.-]+\.md)\b/g;

function referencesIn(file: string): Reference[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const lineAt = (index: number) => `${file}:${text.slice(0, index).split('\n').length}`;
  const refs: Reference[] = [];
  for (const m of text.matchAll(SECTION)) {
    const doc = m[1] === 'README' ? 'README.md' : m[1]!;
    // A heading quoted across a comment's line break reads as one line.
    const section = m[3]!.replace(/\n[ \t]*(?:\*|\/\/)?[ \t]*/g, ' ');
    refs.push({ at: lineAt(m.index), doc, section });
  }
  // `README: "a phrase"` quotes the README's words, not a heading: only the document must exist.
  for (const m of text.matchAll(DOC)) {
    const doc = m[0] === 'README' ? 'README.md' : m[0];
    refs.push({ at: lineAt(m.index), doc, section: null });
  }
  return refs;
}

describe('references from the code to the documentation', () => {
  const files = FOLDERS.flatMap(sourceFiles).filter((f) => f !== 'test/cli/source-doc-references.test.ts');
  const refs = files.flatMap(referencesIn);

  it('finds the references it checks', () => {
    expect(refs.filter((r) => r.section !== null && r.doc === 'README.md').length).toBeGreaterThan(50);
    expect(refs.filter((r) => r.doc.startsWith('docs/')).length).toBeGreaterThan(30);
  });

  it('each names a document of the repository, and a heading it has', () => {
    const cache = new Map<string, Set<string>>();
    const broken: string[] = [];
    for (const { at, doc, section } of refs) {
      if (!existsSync(join(ROOT, doc))) {
        broken.push(`${at}: ${doc} does not exist`);
        continue;
      }
      if (section === null) continue;
      let known = cache.get(doc);
      if (!known) cache.set(doc, (known = new Set(headingTexts(doc))));
      // A dated heading ("Young-generation survivors (2026-12-05, from 21:40)") is named without its date.
      const named = known.has(section) || [...known].some((h) => h.startsWith(`${section} (`));
      if (!named) broken.push(`${at}: ${doc} has no heading "${section}"`);
    }
    expect(broken).toEqual([]);
  });
});
