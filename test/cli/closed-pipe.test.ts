/**
 * A reader that stops early (`| head`, `2>&1 | head`) closes the pipe the command writes to: one rule for
 * stdout and stderr, the command ends quietly with the exit code it has so far (0 for a run that did not fail),
 * not 1 with a stack trace of the EPIPE.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../support/built-cli.js';
import { ROOT } from '../support/cli.js';

/** Run explain with stdout and/or stderr into pipes that are closed at once; its exit code and what it left. */
function explainInto(closed: 'stdout' | 'stderr' | 'both'): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [...cliEntry(), 'explain', '--scenario', 'examples/scenario-steal.json'],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  if (closed === 'stdout' || closed === 'both') child.stdout.destroy();
  else child.stdout.resume();
  if (closed === 'stderr' || closed === 'both') child.stderr.destroy();
  else child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      resolve({ code, stderr });
    }),
  );
}

describe('a closed output pipe', () => {
  it.each(['stdout', 'stderr', 'both'] as const)('closed %s: exit 0, no error', async (closed) => {
    const r = await explainInto(closed);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});
