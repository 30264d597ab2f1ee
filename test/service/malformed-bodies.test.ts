/**
 * Bodies a bot should never send, over HTTP: malformed, nested too deep, too large, or not an object. Each gets a
 * 400 (or 413) whose message says what is wrong; none is a 500. Before, a body of 5,000 nested arrays or objects
 * answered 500 "internal error; see the log" (the schema check overflowed the stack).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson, MAX_JSON_DEPTH } from '../../src/service/json-keys.js';
import { servedAfterEachTest } from './fixture.js';

const TOKEN = 'test-token-malformed';
const served = servedAfterEachTest(TOKEN);

async function poster() {
  const { h, http } = await served();
  return {
    h,
    post: async (path: string, text: string) => {
      const res = await fetch(`${http.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: text,
      });
      return { status: res.status, json: (await res.json()) as { error: string; issues?: unknown[] } };
    },
  };
}

const nestedArrays = (depth: number) => `{"kind":"quote","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const nestedObjects = (depth: number) => `{"kind":"quote","x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;

describe('a body nested too deep', () => {
  it('is a 400 naming the depth and where, on every endpoint that takes a body', async () => {
    const { h, post } = await poster();
    for (const path of ['/v1/events', '/v1/requests', '/v1/sagas/s-1/reports'])
      for (const text of [nestedArrays(5_000), nestedObjects(20_000)]) {
        const res = await post(path, text);
        expect(res.status, `${path} ${text.slice(0, 30)}`).toBe(400); // before: 500
        expect(res.json.error).toMatch(
          /^bad request: x\.(\[\]|a)\.(\[\]|a)\..*: nested more than 32 levels deep/,
        );
      }
    expect(h.service.tables.reports()).toHaveLength(0);
  });

  it('stops at the limit: 32 levels are read (and refused by the schema), 33 are too deep', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(scanJson(deep(MAX_JSON_DEPTH))).toBe(null);
    expect(scanJson(deep(MAX_JSON_DEPTH + 1))).toMatchObject({ kind: 'deep' });
    expect(scanJson('{"a":1,"a":2}')).toEqual({ kind: 'twice', path: 'a' });
  });
});

describe('malformed bodies', () => {
  it('never answer 500: every one is a 400 or 413 with a message (seed 31)', async () => {
    const { post } = await poster();
    const bodies = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.integer({ min: 1, max: 12_000 }).map((d) => nestedArrays(d)),
      fc.integer({ min: 1, max: 12_000 }).map((d) => nestedObjects(d)),
      fc.constantFrom(
        '',
        'null',
        '[]',
        '"x"',
        '{"kind":"fill","orderId":{}}',
        '{"__proto__":{"kind":"quote"}}',
      ),
    );
    const samples = fc.sample(bodies, { seed: 31, numRuns: 60 });
    for (const text of samples) {
      const res = await post('/v1/events', text);
      expect([400, 413, 200, 409], text.slice(0, 60)).toContain(res.status);
      if (res.status !== 200) expect(res.json.error.length).toBeGreaterThan(10);
    }
  });

  it('a body above 1 MiB is a 413 that says so', async () => {
    const { post } = await poster();
    const res = await post('/v1/events', `{"kind":"quote","x":"${'y'.repeat(1 << 20)}"}`);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatch(/above the 1048576 bytes a request may have/);
  });
});
