/**
 * A job that failed for good reaches the coordinator as one message: the worker's reason, then what to do.
 * The missing-file reason ends its own sentence, and the message read `--path-map FROM=TO.. Fix the cause`.
 */
import { describe, expect, it } from 'vitest';
import { loadRefs } from '../../src/optimizer/data.js';
import { workerFailure } from '../../src/optimizer/queue/evaluator.js';

describe('a failed job, as the coordinator says it', () => {
  it('joins the worker’s missing-file reason and the advice with one period', async () => {
    const reason = await loadRefs(
      [{ path: '/nowhere/SOLUSDT_1h.csv', symbol: 'SOLUSDT', assetClass: 'crypto', sha256: '0'.repeat(64) }],
      { onBadData: 'refuse', pathMaps: [], cacheDir: null },
    ).then(
      () => 'loaded',
      (e: Error) => `worker w:1: ${e.message}`,
    );
    expect(reason).toMatch(/--path-map FROM=TO\.$/);
    const message = workerFailure('ab'.repeat(32), reason);
    expect(message).not.toContain('..');
    expect(message).toMatch(
      /^evaluation abababababab failed on a worker: worker w:1: cannot load SOLUSDT from \/nowhere\/SOLUSDT_1h\.csv: .* --path-map FROM=TO\. Fix the cause and run the same command again; finished evaluations are kept\.$/u,
    );
    expect(workerFailure('ab'.repeat(32), 'boom')).toContain('failed on a worker: boom. Fix the cause');
  });
});
