/**
 * The scan for a key given twice in one object stays linear in the body: a 1 MiB body of 121,840 keys
 * (`{"0":0,"1":0,…}`) took 11.5 s while every other request waited, each key compared with all before it.
 * No timing is asserted: the work is counted instead, as the key comparisons the scan asks of arrays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceHttp } from '../../src/service/http.js';
import { duplicateKey } from '../../src/service/json-keys.js';
import { advisoryService, serveOverHttp, type Harness } from './fixture.js';

const manyKeys = (n: number, prefix = ''): string[] =>
  Array.from({ length: n }, (_, i) => `"${prefix}${i.toString(36)}":0`);

/** duplicateKey's answer, and how many keys it compared through Array.prototype.includes. */
function scan(text: string): { found: string | null; compared: number } {
  const includes = Object.getOwnPropertyDescriptor(Array.prototype, 'includes')!;
  let compared = 0;
  Object.defineProperty(Array.prototype, 'includes', {
    ...includes,
    value(this: unknown[], ...args: [unknown, number?]) {
      compared += this.length;
      return (includes.value as (...a: unknown[]) => boolean).apply(this, args);
    },
  });
  try {
    return { found: duplicateKey(text), compared };
  } finally {
    Object.defineProperty(Array.prototype, 'includes', includes);
  }
}

describe('the duplicate-key scan of a large body', () => {
  it('scans 100,000 keys of one object with a bounded number of comparisons per key', () => {
    const { found, compared } = scan(`{${manyKeys(100_000).join(',')}}`);
    expect(found).toBe(null);
    expect(compared).toBeLessThan(1_000); // before: 4,999,950,000 (each key against all before it)
  });

  it('still finds a key given twice at any depth, among many or few', () => {
    const keys = manyKeys(100_000);
    const last = (99_999).toString(36);
    expect(scan(`{${keys.join(',')},"${last}":1}`).found).toBe(last);
    expect(scan(`{${keys.join(',')},"0":1}`).found).toBe('0');
    expect(duplicateKey(`{"o":{"a":[{${keys.join(',')},"1a":1}]}}`)).toBe('o.a.[].1a');
    expect(duplicateKey(`{"o":{${manyKeys(40, 'k').join(',')}},"p":{${manyKeys(40, 'k').join(',')}}}`)).toBe(
      null,
    );
    expect(duplicateKey(`{"o":{${manyKeys(40, 'k').join(',')},"k\\u0031":2}}`)).toBe('o.k1');
    expect(duplicateKey('{"a":1,"b":2,"a":3}')).toBe('a');
  });
});

describe('a 1 MiB body of 121,840 keys over HTTP', () => {
  let open: { h: Harness; http: ServiceHttp } | null = null;
  afterEach(async () => {
    await open?.http.close();
    await open?.h.close();
    open = null;
  });

  it('is answered (400 naming an unknown key), and the service answers the next request', async () => {
    const h = advisoryService({ equity: 10_000 });
    const http = await serveOverHttp(h, 'tok');
    open = { h, http };
    const parts: string[] = [];
    let length = 2;
    for (let i = 0; ; i++) {
      const part = `"${i.toString(36)}":0`;
      if (length + part.length + 1 > 1 << 20) break;
      parts.push(part);
      length += part.length + 1;
    }
    expect(parts).toHaveLength(121_840);
    const post = await fetch(`${http.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: `{${parts.join(',')}}`,
    });
    expect(post.status).toBe(400);
    expect(JSON.stringify(await post.json())).toMatch(/unknown key|kind/);
    const status = await fetch(`${http.url}/v1/status`, { headers: { authorization: 'Bearer tok' } });
    expect(status.status).toBe(200);
  });
});
