/**
 * Redis going away under a running study. The coordinator said nothing for the whole outage and the worker
 * one bare `error: connect ECONNREFUSED …`; and a worker asked to stop (SIGTERM, or the first Ctrl-C) while
 * Redis was gone stayed alive, waiting to hand back its jobs. Now each says once per outage that Redis at the
 * URL is unreachable and being retried, and once that it is back; and the worker stops after a bounded wait,
 * saying what it left. A redis-server of the test's own is stopped and started again on the same port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { FIXTURE_CONFIG, fixtureCliArgs } from './optimizer-fixture.js';
import { ownRedis } from './redis-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Run even when a test times out: no child or redis-server outlives it.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

type Child = ReturnType<typeof spawnCli>;

/** Everything a child prints on one stream, and a wait for a pattern in it (the test's timeout bounds it). */
function reader(
  child: Child,
  stream: 'stdout' | 'stderr',
): { text: () => string; until: (re: RegExp, n?: number) => Promise<void> } {
  let text = '';
  child[stream].on('data', (b: Buffer) => (text += b.toString()));
  return {
    text: () => text,
    until: async (re, n = 1) => {
      const all = new RegExp(re.source, `${re.flags.replace('g', '')}g`);
      while ((text.match(all)?.length ?? 0) < n) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${re}:\n${text}`);
        await sleep(100);
      }
    },
  };
}

describe('a Redis outage', () => {
  it('worker: said once per outage and on recovery; a stop during one ends, saying what was left', async () => {
    const redis = await ownRedis();
    cleanups.push(() => redis.stop());
    const child = spawnCli(['worker', '--queue', redis.url, '--threads', '1', '--queue-name', 'outage-w']);
    cleanups.push(() => void child.kill('SIGKILL'));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const out = reader(child, 'stdout');
    await out.until(/ ready: queue outage-w/);
    const DOWN = new RegExp(
      `Redis at ${redis.url}/? is unreachable \\(.*\\); retrying every 2 s until it is back, no job is taken meanwhile`,
    );
    await redis.stop();
    await out.until(DOWN);
    await redis.start();
    await out.until(/is reachable again after \d+ s/);
    await redis.stop();
    await out.until(DOWN, 2);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const text = out.text();
    expect(text.match(new RegExp(DOWN.source, 'g'))).toHaveLength(2);
    expect(text.match(/is reachable again/g)).toHaveLength(1);
    expect(text).not.toMatch(/^error: connect ECONNREFUSED/m);
    expect(text).toMatch(
      /Redis at .* is unreachable: stopped without waiting for it; 0 running jobs left unconfirmed/,
    );
    expect(text).toMatch(/worker .* stopped after 0 jobs/);
  });

  it('coordinator: said once per outage and on recovery, while the study waits', async () => {
    requireMarketData();
    const redis = await ownRedis();
    cleanups.push(() => redis.stop());
    const cfg = join(dir, 'opt.json');
    writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));
    const child = spawnCli([
      'optimize',
      ...fixtureCliArgs(cfg),
      '--generations',
      '1',
      '--sensitivity',
      '0',
      '--queue',
      redis.url,
      '--queue-name',
      'outage-c',
      '--db',
      join(dir, 'c.sqlite'),
    ]);
    cleanups.push(() => void child.kill('SIGKILL'));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const err = reader(child, 'stderr');
    // No worker: the study waits for its jobs.
    await err.until(/study [0-9a-f]+: new/);
    await redis.stop();
    await err.until(
      /Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable \(.*\); retrying every 2 s until it is back, the study waits for it/,
    );
    await redis.start();
    await err.until(/is reachable again after \d+ s/);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(err.text().match(/is unreachable/g)).toHaveLength(1);
  });
});
