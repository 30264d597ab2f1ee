import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { DataStore, importFiles } from '../../src/data/index.js';
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
    expect(missing.stderr).toContain(
      '--dir /nonexistent-folder-for-test: the folder /nonexistent-folder-for-test does not exist; create it first (mkdir -p /nonexistent-folder-for-test)',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'ws-list-')), 'f.txt');
    writeFileSync(file, 'x');
    const notDir = runCli(['data', 'list', '--dir', file]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain('is a file, not a folder');
  });

  it('an empty config, scenario or calendar file is called empty (it said "got null" or "end of JSON input")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-empty-'));
    const files = {
      'empty.yaml': '',
      'blank.json': '  \n',
      'comments.yaml': '# protectionPct: 0.002\n\n  # cooldownSec: 60\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const config = runCli(['config', 'check', join(dir, 'empty.yaml')]);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain(`${join(dir, 'empty.yaml')}: is empty; write its content there`);
    const scenario = runCli(['explain', '--scenario', join(dir, 'blank.json')]);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain(`${join(dir, 'blank.json')}: is empty;`);
    const calendar = runCli(['simulate', '--benchmark', 'crypto', '--calendar', join(dir, 'comments.yaml')]);
    expect(calendar.code).toBe(2);
    expect(calendar.stderr).toContain(`${join(dir, 'comments.yaml')}: is empty (only comments);`);
    // A document that holds something is parsed as before, a comment beside a key included.
    expect(parseStructured('# a note\nprotectionPct: 0.002\n', 'c.yaml')).toEqual({ protectionPct: 0.002 });
  });

  it('data list --json - still says which file is missing (it exited 2 with nothing on stderr), the table on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-list-missing-'));
    const files = ['AAAUSDT_1h.csv', 'BBBUSDT_1h.csv'].map((name) => {
      const rows = Array.from(
        { length: 48 },
        (_, i) => `${Date.UTC(2024, 0, 1) + i * 3_600_000},1,1.1,0.9,1,5`,
      );
      writeFileSync(join(dir, name), `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
      return join(dir, name);
    });
    const store = join(dir, 'store');
    await importFiles({ store: new DataStore(store), files, cacheDir: null });
    rmSync(join(store, 'import', 'BBBUSDT_1h.csv'));
    const r = runCli(['data', 'list', '--dir', store, '--json', '-']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).missing).toEqual(['import/BBBUSDT_1h.csv']);
    expect(r.stderr).toContain('error: import/BBBUSDT_1h.csv is missing');
    expect(r.stderr).toContain('import/AAAUSDT_1h.csv');
  });
});
