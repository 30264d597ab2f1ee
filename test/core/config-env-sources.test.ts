import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/io/load-config.js';

/**
 * The bench's own variables (README "Tests and benchmarks") stopped every command as unknown config keys,
 * and a bad WORKSTEAL_PRESET was reported as a bad `preset` without naming the variable.
 */
describe('environment variables that are not config keys', () => {
  it("the bench's variables are the runtime's, not config keys", async () => {
    const env = { WORKSTEAL_BENCH_ROUNDS: '3', WORKSTEAL_BENCH_VERSUS: '/tmp/old-build' };
    await expect(loadConfig({ env })).resolves.toMatchObject({ preset: 'default' });
  });

  it('a bad preset names where it came from', async () => {
    for (const [options, where] of [
      [{ env: { WORKSTEAL_PRESET: 'foo' } }, 'environment WORKSTEAL_PRESET'],
      [{ preset: 'foo', env: {} }, '--preset'],
    ] as const) {
      const error = await loadConfig(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]).toMatchObject({ where, value: 'foo' });
    }
  });
});
