import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { parseStructured } from '../../src/io/read-structured.js';
import { runCli } from '../support/cli.js';

/** A JSON syntax error said "at position 43"; `data list --dir` with a typo said the folder held no data. */
describe('where a bad input is', () => {
  it('a JSON syntax error names the line and column', () => {
    const text = '{\n  "protectionPct": 0.001,,\n}';
    try {
      parseStructured(text, 'c.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.where).toBe('c.json:2:26');
    }
  });

  it('data list --dir that is not a folder is an error, not an empty store', () => {
    const missing = runCli(['data', 'list', '--dir', '/nonexistent-folder-for-test']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--dir /nonexistent-folder-for-test: no such folder');
    const file = join(mkdtempSync(join(tmpdir(), 'ws-list-')), 'f.txt');
    writeFileSync(file, 'x');
    const notDir = runCli(['data', 'list', '--dir', file]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain('is a file, not a folder');
  });
});
