import { expect } from 'vitest';
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

/** The ValidationError `fn` throws (or its promise rejects with), with one issue at `where`. */
export async function refused(fn: () => unknown, where: string, message: RegExp): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error, `nothing refused at ${where}`).toBeInstanceOf(ValidationError);
  const issue = (error as ValidationError).issues.find((i) => i.where === where);
  expect(issue, `${String(error)} names no ${where}`).toBeDefined();
  expect(issue!.message).toMatch(message);
}
