/**
 * Query parameters are checked as a body's fields are, and refused the same way (400, `{ field, message, value
 * }`, what to send). `GET /v1/decisions?since=-5` and `?since=1735689600` (seconds) answered every decision
 * silently, while a body's time in seconds was refused with "multiply by 1000"; a time is now held to the body's
 * rule (reports.ts epochMsProblem) wherever it is sent. `?limit=`, `?explain=` and a parameter given twice are
 * refused naming the value too.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHttp } from '../../src/service/http.js';
import { advisoryService, readyRequest, serveOverHttp, T0, type Harness } from './fixture.js';

const TOKEN = 'test-token-query-params';
let h: Harness;
let http: ServiceHttp;
beforeAll(async () => {
  h = advisoryService({ equity: 10_000 });
  http = await serveOverHttp(h, TOKEN);
  // Two decisions a minute apart: each request waits (far from its limit), answered at once.
  await h.service.request({ ...readyRequest('ETH/USD', 100), price: 150 });
  h.timers.advance(60_000);
  await h.service.request({ ...readyRequest('SOL/USD', 100), price: 150 });
});
afterAll(async () => {
  await http.close();
  await h.close();
});

type Issue = { field: string; message: string; value?: unknown };
type Answer = {
  status: number;
  json: { error?: string; issues?: Issue[]; decisions?: { symbol: string }[] };
};

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${http.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Answer['json'] };
}

const decisions = (query: string) => call('GET', `/v1/decisions${query}`);
const symbols = (a: Answer) => a.json.decisions!.map((d) => d.symbol);
const EXAMPLE = 'e.g. since=1735689600000 or since=2025-01-01T00:00:00Z';
const MS = 'epoch milliseconds, a whole number such as 1735689600000 for 2025-01-01T00:00:00Z';

describe('GET /v1/decisions?since=', () => {
  it('refuses a time before 1970, in seconds or in fractions, naming the value and what to send', async () => {
    expect((await decisions('?since=-5')).json).toEqual({
      error: expect.stringMatching(/^bad request: since = "-5": /),
      issues: [
        {
          field: 'since',
          message: `${MS}: not before 1970 (or an ISO-8601 time; ${EXAMPLE})`,
          value: '-5',
        },
      ],
    }); // before: 200, every decision
    const seconds = await decisions('?since=1735689600');
    expect(seconds.status).toBe(400); // before: 200, every decision (read as January 1970)
    expect(seconds.json.issues).toEqual([
      {
        field: 'since',
        message:
          `${MS}: 1735689600 reads as a time in 1970-1973, which is seconds sent as milliseconds (1735689600 s ` +
          `is 2025-01-01T00:00:00.000Z): multiply by 1000 (or an ISO-8601 time; ${EXAMPLE})`,
        value: '1735689600',
      },
    ]);
    expect((await decisions('?since=1735689600000.5')).json.issues![0]!.message).toMatch(
      /no fraction of a millisecond/,
    );
  });

  it('refuses what is no ISO-8601 time: a day that does not exist, a time without a zone, words', async () => {
    for (const [raw, problem] of [
      ['2025-02-30', /neither epoch milliseconds nor an ISO-8601 date or time/], // Date.parse: March 2nd
      ['2025-01-01T12:00:00', /a time without a zone.*add Z \(UTC\) or an offset/], // Date.parse: local time
      ['yesterday', /neither epoch milliseconds nor an ISO-8601/],
      ['March 7', /neither epoch milliseconds nor an ISO-8601/], // Date.parse: 2001-03-07
    ] as const) {
      const res = await decisions(`?since=${encodeURIComponent(raw)}`);
      expect(res.status, raw).toBe(400);
      expect(res.json.issues, raw).toEqual([
        { field: 'since', message: expect.stringMatching(problem), value: raw },
      ]);
    }
  });

  it('takes epoch milliseconds and ISO-8601 times, and answers the decisions from then on', async () => {
    expect(symbols(await decisions(''))).toEqual(['ETH/USD', 'SOL/USD']);
    expect(symbols(await decisions('?since=0'))).toEqual(['ETH/USD', 'SOL/USD']);
    expect(symbols(await decisions(`?since=${T0 + 1}`))).toEqual(['SOL/USD']);
    expect(symbols(await decisions('?since=2025-06-07T12:00:30Z'))).toEqual(['SOL/USD']);
    expect(symbols(await decisions('?since=2025-06-07T14:00:30%2B02:00'))).toEqual(['SOL/USD']);
    expect(symbols(await decisions('?since=2025-06-07'))).toEqual(['ETH/USD', 'SOL/USD']);
  });

  it('refuses a number exactly when a body refuses it as a time (seed 1970)', async () => {
    const times = fc.oneof(
      fc.integer({ min: -2e11, max: 2e11 }),
      fc.integer({ min: 1e11, max: 4e12 }),
      fc.double({ min: 0, max: 4e12, noNaN: true }),
      fc.constantFrom(0, 1, 99_999_999_999, 100_000_000_000, 1e15, 1e15 + 1, 1_735_689_600),
    );
    await fc.assert(
      fc.asyncProperty(times, async (t) => {
        const body = await call('POST', '/v1/events', {
          kind: 'quote',
          symbol: 'ADA/USD',
          bid: 1,
          ask: 1.01,
          asOf: t,
        });
        const query = await decisions(`?since=${t}`);
        expect(query.status === 400, String(t)).toBe(body.status === 400);
        if (body.status === 400)
          expect(query.json.issues![0]!.message.startsWith(body.json.issues![0]!.message), String(t)).toBe(
            true,
          );
      }),
      { seed: 1970, numRuns: 120 },
    );
  });
});

describe('the other query parameters', () => {
  it('limit: a whole number from 1 to 10000, the value named when it is not', async () => {
    for (const raw of ['0', '-1', '10001', '2.5', 'ten', '1e3'])
      expect((await decisions(`?limit=${raw}`)).json.issues, raw).toEqual([
        {
          field: 'limit',
          message:
            "must be a whole number from 1 to 10000; for more decisions, ask again with since= the last one's " +
            'time (that one comes again)',
          value: raw,
        },
      ]);
    expect(symbols(await decisions('?limit=1'))).toEqual(['ETH/USD']);
  });

  it('explain: true or false, the value named when it is neither', async () => {
    const res = await call('POST', '/v1/requests?explain=yes', readyRequest('BTC/USD', 100));
    expect(res.json.issues).toEqual([
      { field: 'explain', message: 'must be true or false (or left out: false)', value: 'yes' },
    ]);
  });

  it('a parameter given twice is refused, with both values: only one could count', async () => {
    const twice = await decisions('?limit=5&limit=500');
    expect(twice.status).toBe(400); // before: 200, read as limit=5
    expect(twice.json).toEqual({
      error:
        'bad request (query of /v1/decisions): limit = ["5","500"]: given 2 times; only one value can count: send limit once',
      issues: [
        {
          field: 'limit',
          message: 'given 2 times; only one value can count: send limit once',
          value: ['5', '500'],
        },
      ],
    });
    const explain = await call(
      'POST',
      '/v1/requests?explain=true&explain=false',
      readyRequest('BTC/USD', 100),
    );
    expect(explain.json.issues).toEqual([
      expect.objectContaining({ field: 'explain', value: ['true', 'false'] }),
    ]);
  });
});
