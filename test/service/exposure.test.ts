/**
 * What `worksteal serve` says at start about who can reach it and act through it (src/service/exposure.ts).
 * Before, `--no-auth --host 0.0.0.0` warned only "reachable beyond this machine" (not that anyone reaching the
 * port could decide, place and cancel), and a 2-character WORKSTEAL_TOKEN was taken silently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_TOKEN_LENGTH, warnExposure } from '../../src/service/exposure.js';
import { capturingLog } from './fixture.js';

const LONG = 'a'.repeat(MIN_TOKEN_LENGTH);

function warnings(host: string, token: string | undefined) {
  const { log, lines } = capturingLog();
  warnExposure(log, { host, url: `http://${host}:8787`, token });
  return lines;
}

describe('the exposure warnings at start', () => {
  it('says nothing on loopback with a long token', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(warnings(host, LONG)).toEqual([]);
  });

  it('says, beyond loopback without auth, that authentication is off and anyone can decide, place and cancel', () => {
    const lines = warnings('0.0.0.0', undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      event: 'http-exposed',
      host: '0.0.0.0',
      url: 'http://0.0.0.0:8787',
      auth: 'OFF (--no-auth)',
    });
    const detail = String(lines[0]!.detail);
    expect(detail).toContain('reachable beyond this machine and authentication is off (--no-auth)');
    expect(detail).toContain('anyone who can reach port 8787 of this machine can decide, place and cancel');
    expect(detail).toContain('--host 127.0.0.1');
  });

  it('says, beyond loopback with a token, that /v1 needs it (and not that auth is off)', () => {
    const lines = warnings('192.168.1.20', LONG);
    expect(lines).toEqual([expect.objectContaining({ event: 'http-exposed', auth: 'bearer token' })]);
    expect(String(lines[0]!.detail)).toContain('every /v1 request needs the bearer token');
    expect(String(lines[0]!.detail)).not.toContain('authentication is off');
  });

  it('warns about a 2-character token, naming its length and how to make one, never the token', () => {
    const lines = warnings('127.0.0.1', 'Zq');
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', event: 'short-token', length: 2 })]);
    const detail = String(lines[0]!.detail);
    expect(detail).toContain('WORKSTEAL_TOKEN is 2 characters long');
    expect(detail).toContain(`at least ${MIN_TOKEN_LENGTH} random characters`);
    expect(detail).toContain('openssl rand -hex 24');
    expect(JSON.stringify(lines)).not.toContain('Zq');
  });

  it('warns about a token exactly when it is shorter than 16 characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (token) => {
        const short = warnings('127.0.0.1', token).filter((l) => l.event === 'short-token');
        expect(short.length).toBe(token.length < MIN_TOKEN_LENGTH ? 1 : 0);
      }),
      { seed: 33, numRuns: 200 },
    );
    expect(MIN_TOKEN_LENGTH).toBe(16);
  });
});
