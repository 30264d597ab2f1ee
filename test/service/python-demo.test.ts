/**
 * The Python demo (examples/python, standard library only) against a real `worksteal serve`: two watcher
 * processes share the service, and a cooldown set by one is respected by the other.
 */
import { spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, servingUrl, spawnCli } from '../support/cli.js';
import { python3 } from '../support/external-tools.js';

const python = python3('the Python client demo');

const TOKEN = 'python-demo-token';
const dir = mkdtempSync(join(tmpdir(), 'worksteal-python-demo-'));
let child: ChildProcessByStdio<null, Readable, Readable> | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(python.missing)('Python demo: two watcher processes, one service', () => {
  it('shows a cooldown set by one process respected by the other', async () => {
    child = spawnCli(
      ['serve', '--broker', 'none', '--port', '0', '--db', join(dir, 's.sqlite'), '--equity', '10000'],
      { WORKSTEAL_TOKEN: TOKEN },
    );
    const url = await servingUrl(child);
    const demo = spawnSync(
      python.path!,
      [join(ROOT, 'examples/python/demo_two_watchers.py'), '--url', url, '--token', TOKEN],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(demo.error, 'python3 must be on PATH (.ci/run installs it)').toBeUndefined();
    expect(demo.status, demo.stderr + demo.stdout).toBe(0);
    const lines = demo.stdout.split('\n');
    const pid = (symbol: string): string | undefined =>
      lines.find((l) => l.startsWith(`[${symbol} watcher`))?.match(/pid (\d+)/)?.[1];
    expect(pid('ETH')).toBeDefined();
    expect(pid('BTC')).toBeDefined();
    expect(pid('ETH')).not.toBe(pid('BTC')); // two processes
    expect(demo.stdout).toMatch(
      /\[BTC watcher, pid \d+\] steal \(stole-capacity\); the service says cancel \['venue-ETH-/,
    );
    expect(demo.stdout).toMatch(
      /\[ETH watcher, pid \d+\] asks again: block \(on-cooldown\): short of [\d,.]+ of margin .*; ETH\/USD is cooling after a steal/,
    );
    expect(demo.stdout).toContain('cooldown respected');
  });
});
