/**
 * The README's serve example set WORKSTEAL_TOKEN=secret, which serve warns about (short-token: fewer than
 * MIN_TOKEN_LENGTH characters), and its curl lines sent that token. Every token the README sets or sends is
 * now made by a command (openssl rand) or at least that long.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_TOKEN_LENGTH } from '../../src/service/exposure.js';
import { ROOT } from '../support/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('the README’s tokens', () => {
  it('are made by a command or long enough for serve not to warn', () => {
    const set = [...readme.matchAll(/WORKSTEAL_TOKEN=(\S+)/g)].map((m) => m[1]!);
    const sent = [...readme.matchAll(/Authorization: Bearer ([^"\s`]+)/g)].map((m) => m[1]!);
    expect(set.length).toBeGreaterThan(0);
    for (const token of [...set, ...sent]) {
      if (token.startsWith('$') || token.startsWith('<')) continue; // a command, a variable or a placeholder
      expect(token.length, token).toBeGreaterThanOrEqual(MIN_TOKEN_LENGTH);
    }
  });
});
