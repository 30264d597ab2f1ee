import { describe, expect, it } from 'vitest';
import { RateLimiter, type LimiterClock } from '../../src/brokers/alpaca/limiter.js';
import { AlpacaError, AlpacaRest } from '../../src/brokers/alpaca/rest.js';

/** Virtual time: a sleep moves the clock to its end at once, so minutes pass without real waiting. */
class VirtualClock implements LimiterClock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  async sleepUntil(t: number): Promise<void> {
    await Promise.resolve();
    if (t > this.t) this.t = t;
  }
}

/** Most grants in any window of `ms` (sliding, inclusive start). */
function maxInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('RateLimiter: one 200-per-minute budget for every caller', () => {
  it('never grants more than 200 requests in any minute, across concurrent callers, in arrival order', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, 200, 60_000);
    const start = clock.now();
    const grants: { watcher: number; seq: number; at: number }[] = [];
    // Five watchers, each firing 100 requests at once: 500 in all.
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        limiter.acquire().then(() => grants.push({ watcher: i % 5, seq: i, at: clock.now() })),
      ),
    );
    const times = grants.map((g) => g.at);
    expect(maxInWindow(times, 60_000)).toBe(200);
    // The first 200 go at once, the rest as the window slides: 500 requests need two more minutes.
    expect(times.filter((t) => t === start)).toHaveLength(200);
    expect(Math.max(...times) - start).toBe(120_000);
    expect(grants.map((g) => g.seq)).toEqual([...grants.map((g) => g.seq)].sort((a, b) => a - b));
    expect(new Set(grants.map((g) => g.watcher)).size).toBe(5);
  });

  it('a block (from a 429) holds every caller until the reset', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, 200, 60_000);
    const reset = clock.now() + 42_000;
    limiter.blockUntil(reset);
    const at: number[] = [];
    await Promise.all([1, 2, 3].map(() => limiter.acquire().then(() => at.push(clock.now()))));
    expect(at).toEqual([reset, reset, reset]);
  });
});

describe('AlpacaRest: 429 backoff honours X-RateLimit-Reset', () => {
  function server(clock: VirtualClock, answers: (n: number) => Response) {
    const seen: { path: string; at: number }[] = [];
    const fetchImpl = (async (input: string | URL | Request) => {
      seen.push({ path: new URL(String(input)).pathname, at: clock.now() });
      return answers(seen.length);
    }) as typeof fetch;
    return { seen, fetchImpl };
  }

  it('waits for the reset the venue names, for every caller, then retries', async () => {
    const clock = new VirtualClock();
    const resetSec = Math.ceil((clock.now() + 30_000) / 1000);
    const { seen, fetchImpl } = server(clock, (n) =>
      n === 1
        ? new Response('{"message":"rate limit exceeded"}', {
            status: 429,
            headers: { 'x-ratelimit-reset': String(resetSec) },
          })
        : new Response('{"equity":"1"}', { status: 200 }),
    );
    let limited = 0;
    // Other watchers ask while the venue's block is in force.
    const others: Promise<unknown>[] = [];
    const rest: AlpacaRest = new AlpacaRest({
      tradingUrl: 'http://127.0.0.1:9',
      dataUrl: 'http://127.0.0.1:9',
      credentials: { keyId: 'k', secret: 's' },
      limiter: new RateLimiter(clock),
      now: () => clock.now(),
      onRateLimited: () => {
        limited++;
        others.push(rest.request('GET', '/v2/orders'), rest.request('GET', '/v2/positions'));
      },
      fetchImpl,
    });
    const start = clock.now();
    const first = await rest.request('GET', '/v2/account');
    const results = [first, ...((await Promise.all(others)) as { status: number }[])];
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(limited).toBe(1);
    expect(seen[0]).toEqual({ path: '/v2/account', at: start });
    // Nothing went out again before the reset: not the refused request, not the others.
    expect(seen.slice(1).every((s) => s.at >= resetSec * 1000)).toBe(true);
    expect(
      seen
        .slice(1)
        .map((s) => s.path)
        .sort(),
    ).toEqual(['/v2/account', '/v2/orders', '/v2/positions']);
  });

  it('without a reset header backs off 1 s, 2 s, 4 s … and gives up with a message that says what to do', async () => {
    const clock = new VirtualClock();
    const { seen, fetchImpl } = server(clock, () => new Response('{}', { status: 429 }));
    const rest = new AlpacaRest({
      tradingUrl: 'http://127.0.0.1:9',
      dataUrl: 'http://127.0.0.1:9',
      credentials: { keyId: 'k', secret: 's' },
      limiter: new RateLimiter(clock),
      now: () => clock.now(),
      maxRetries: 3,
      fetchImpl,
    });
    const start = clock.now();
    const error = await rest.request('GET', '/v2/account').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlpacaError);
    expect((error as AlpacaError).message).toMatch(/rate limited 4 times in a row; lower the poll rate/);
    expect(seen.map((s) => s.at - start)).toEqual([0, 1000, 3000, 7000]);
  });
});
