import { ValidationError } from '../../src/core/errors.js';

/** The ValidationError `call` throws, or null when it throws none (any other error is thrown on). */
export function refusalOf(call: () => unknown): ValidationError | null {
  try {
    call();
    return null;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

/** The ValidationError `call` must throw. */
export function refusal(call: () => unknown): ValidationError {
  const error = refusalOf(call);
  if (error === null) throw new Error('expected a ValidationError');
  return error;
}
