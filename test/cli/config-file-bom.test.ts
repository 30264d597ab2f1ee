import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * A config saved by a Windows editor starts with a UTF-8 byte-order mark. The YAML reader skipped it; the
 * JSON reader refused the file with "Unexpected token '\\uFEFF'" (printed invisibly), naming a character nobody can see.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-bom-'));
const BOM = '\uFEFF';

describe('config files with a byte-order mark', () => {
  it.each(['json', 'yaml'])('reads a .%s config with a BOM like one without', (ext) => {
    const file = join(dir, `bom.${ext}`);
    writeFileSync(file, BOM + (ext === 'json' ? '{"cooldownSec": 123}' : 'cooldownSec: 123\n'));
    const r = runCli(['config', 'check', file, '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config.cooldownSec).toBe(123);
  });

  it('still finds a key written twice in a .json file with a BOM, on the right line', () => {
    const file = join(dir, 'twice.json');
    writeFileSync(file, `${BOM}{\n  "cooldownSec": 1,\n  "cooldownSec": 2\n}`);
    const r = runCli(['config', 'check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3`);
    expect(r.stderr).toContain('key "cooldownSec" appears twice');
  });
});
