import { z } from 'zod';

/**
 * The largest size any price, quantity or amount of money a person or a bot gives may have (a scenario, a
 * service report). Beyond it a number is a unit mistake, and the book multiplies and sums such numbers:
 * 1e300 × 1e300 is Infinity, which made every later decision fail, and a limit of 1e308 in a scenario stopped
 * `explain` at the ledger with an error that named neither the file nor the field. Below it every product of
 * two and every sum of many stays finite.
 */
export const MAX_MAGNITUDE = 1e15;

const tooBig = {
  message: `above ${MAX_MAGNITUDE}: no price, quantity or amount is this large (check the units)`,
};
const tooSmall = {
  message: `below -${MAX_MAGNITUDE}: no quantity or amount is this large (check the units)`,
};

/** A finite amount of either sign (a forecast PnL, a position's quantity, equity). */
export const signedAmount = z.number().finite().min(-MAX_MAGNITUDE, tooSmall).max(MAX_MAGNITUDE, tooBig);
/** A price or an order's quantity. */
export const positiveAmount = z.number().finite().positive().max(MAX_MAGNITUDE, tooBig);
/** A quantity filled, a cash balance that cannot be negative. */
export const nonNegativeAmount = z.number().finite().nonnegative().max(MAX_MAGNITUDE, tooBig);
