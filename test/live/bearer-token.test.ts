/**
 * The bearer-token check of both HTTP faces (src/live/http.ts): a socket remembers the header it passed with,
 * so a keep-alive client is not digested on every request. The memory never changes an answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerTokenCheck } from '../../src/live/http.js';

const TOKEN = 's3cret-token';
const HEADERS = [
  `Bearer ${TOKEN}`,
  `bearer ${TOKEN}`,
  `Bearer  ${TOKEN} `,
  `Bearer ${TOKEN}x`,
  `Bearer ${TOKEN.slice(0, -1)}`,
  'Bearer ',
  TOKEN,
  undefined,
];

describe('bearerTokenCheck', () => {
  it('answers every request as a check without socket memory would, whatever passed before on which socket', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            socket: fc.integer({ min: 0, max: 3 }),
            header: fc.constantFrom(...HEADERS),
          }),
          { maxLength: 40 },
        ),
        (requests) => {
          const remembering = bearerTokenCheck(TOKEN);
          const plain = bearerTokenCheck(TOKEN);
          const sockets = [{}, {}, {}, {}];
          for (const r of requests) expect(remembering(r.header, sockets[r.socket])).toBe(plain(r.header));
        },
      ),
      { seed: 1205, numRuns: 300 },
    );
  });

  it('refuses a wrong token on a socket that passed with the right one', () => {
    const check = bearerTokenCheck(TOKEN);
    const socket = {};
    expect(check(`Bearer ${TOKEN}`, socket)).toBe(true);
    expect(check('Bearer wrong', socket)).toBe(false);
    expect(check(undefined, socket)).toBe(false);
    expect(check(`Bearer ${TOKEN}`, socket)).toBe(true);
  });
});
