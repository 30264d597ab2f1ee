import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** `config check --strict` printed "valid", exited 1 and never said that the warnings failed the check. */
describe('config check --strict', () => {
  it('says the check failed on warnings, in text and JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-strict-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ sim: { feesBps: 3 } }));
    const text = runCli(['config', 'check', file, '--strict']);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/failed under --strict: \d+ warning\(s\) above/);
    const json = runCli(['config', 'check', file, '--strict', '--json', '-']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, passedStrict: false });
    // No dead zone (the published set has one on purpose, and says so): no warning, the check passes.
    const cleanFile = join(dir, 'clean.json');
    writeFileSync(cleanFile, JSON.stringify({ stealEntryTolerance: 0.05 }));
    const clean = runCli(['config', 'check', cleanFile, '--strict', '--json', '-']);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ valid: true, passedStrict: true });
  });
});
