import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** The lines of a Markdown text outside fenced code blocks, with their line numbers. */
export function prose(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((l, i) => {
    if (/^\s*```/.test(l)) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text: l });
  });
  return out;
}

/** The headings of a Markdown file of the repository (`file` relative to it), as written: no `#` marks. */
export function headingTexts(file: string): string[] {
  const out: string[] = [];
  for (const { text } of prose(readFileSync(join(ROOT, file), 'utf8'))) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (m) out.push(m[1]!);
  }
  return out;
}
