/** `worksteal worker` refuses a malformed flag before it connects to anything, naming the flag and value. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('worksteal worker', () => {
  it('refuses a --path-map without FROM=TO, naming it, before connecting to Redis', () => {
    // Port 9 (discard) on the loopback: nothing answers there, so a worker that connected first would fail on that.
    const r = runCli([
      'worker',
      '--queue',
      'redis://127.0.0.1:9',
      '--path-map',
      '/data/market',
      '--threads',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--path-map');
    expect(r.stderr).toContain('"/data/market"');
    expect(r.stderr).toContain('FROM=TO');
  });
});
