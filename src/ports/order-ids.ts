import type { OrderRole } from '../core/types.js';

/**
 * Client order ids of this program: `ws-<run>-<n>` for entries (the coordinator's saga ids) and
 * `ws-<run>-tp<n>` for take-profits, `ws-<run>-dl<n>` for end-of-day trims, `ws-<run>-ex<n>` for the other
 * exits that trade now (time stop, stop). The run tag changes at every start, so ids never collide across
 * restarts, and any order whose id does not match is someone else's (external: never touched).
 */
const OURS = /^ws-([a-z0-9]+)-(tp|dl|ex)?(\d+)$/;

/** A fresh run tag: time-based and random, lower case, short (Alpaca allows 128 characters). */
export function newRunTag(wallNow = Date.now()): string {
  return `${wallNow.toString(36)}${Math.floor(Math.random() * 36 ** 3)
    .toString(36)
    .padStart(3, '0')}`;
}

export const entryPrefix = (runTag: string): string => `ws-${runTag}`;
export const takeProfitId = (runTag: string, n: number): string => `ws-${runTag}-tp${n}`;
export const deleverageId = (runTag: string, n: number): string => `ws-${runTag}-dl${n}`;
export const exitId = (runTag: string, n: number): string => `ws-${runTag}-ex${n}`;

/** The role of one of our orders, or null when the id is not ours. */
export function roleOfClientId(clientOrderId: string): OrderRole | null {
  const m = OURS.exec(clientOrderId);
  if (!m) return null;
  return m[2] === 'tp' ? 'take-profit' : m[2] === 'dl' || m[2] === 'ex' ? 'exit' : 'entry';
}
