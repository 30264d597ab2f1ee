/**
 * explain takes --preset as every command that reads a config does (docs/cli.md); a scenario records its own
 * preset, and a different one typed on the command line is refused rather than silently losing either way.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-explain-preset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const withPreset = 'examples/scenario-steal.json';
const { preset, ...rest } = JSON.parse(readFileSync(withPreset, 'utf8')) as Record<string, unknown>;
const withoutPreset = join(dir, 'no-preset.json');
writeFileSync(withoutPreset, JSON.stringify(rest));

describe('explain --preset', () => {
  it('decides under the preset named, where the scenario names none', () => {
    expect(preset).toBe('default');
    const original = runCli(['explain', '--scenario', withoutPreset, '--preset', 'original']);
    expect(original.code, original.stderr).toBe(0);
    // The original preset ranks by distance (no note about auto) and has a 2% out-of-hours tolerance.
    expect(original.stderr).not.toContain('victimRanking auto');
    expect(original.stderr).toContain('cryptoOutOfHoursTolerance 2%');
    const unnamed = runCli(['explain', '--scenario', withoutPreset]);
    expect(unnamed.stderr).toContain('victimRanking auto');
  });

  it("agrees with the scenario's own preset or is refused (exit 2)", () => {
    expect(runCli(['explain', '--scenario', withPreset, '--preset', 'default']).code).toBe(0);
    const clash = runCli(['explain', '--scenario', withPreset, '--preset', 'original']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(
      `--preset original contradicts the scenario's preset "default" (${withPreset}); drop --preset or change the scenario's preset`,
    );
    const unknown = runCli(['explain', '--scenario', withoutPreset, '--preset', 'orignal']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--preset: must be one of default, original');
  });
});
