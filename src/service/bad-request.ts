import type { z } from 'zod';
import type { ValidationError } from '../core/errors.js';
import { keysAt } from '../core/config/schema-keys.js';
import { closestNames, didYouMean } from '../core/similar.js';

/**
 * Bad requests (HTTP 400): what was wrong with a request, as `{ field, message, value }` per issue and one
 * message in the same words for every kind (docs/service.md "Bad requests"): a body that does not fit its
 * schema (reports.ts), a query parameter (query-params.ts), a report the ledger's checks refuse.
 */

/** A request body that does not fit its schema: the HTTP layer answers 400 with every field named. */
export class BadRequest extends Error {
  constructor(
    readonly issues: { field: string; message: string; value?: unknown }[],
    subject?: string,
  ) {
    const each = issues.map((i) => `${i.field}${'value' in i ? ` = ${shown(i.value)}` : ''}: ${i.message}`);
    super(`bad request${subject ? ` (${subject})` : ''}: ${each.join('; ')}`);
  }

  /**
   * A refusal of the ledger's checks (a ValidationError) as the service's 400: `{ field, message, value }` per
   * issue and one message in the same words as every other 400 (it was the ledger's own lines, its issues
   * without their values).
   */
  static from(error: ValidationError, subject: string = error.what): BadRequest {
    return new BadRequest(
      error.issues.map((i) =>
        'value' in i
          ? { field: i.where, message: i.message, value: i.value }
          : { field: i.where, message: i.message },
      ),
      subject,
    );
  }
}

/** Oversized bodies (HTTP 413). */
export class PayloadTooLarge extends Error {}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new BadRequest(
    parsed.error.issues.flatMap((issue): BadRequest['issues'] => {
      // One issue per unknown key, named (it was field "(body)" with the whole body as its value).
      if (issue.code === 'unrecognized_keys') {
        const takes = keysAt(schema, issue.path, body);
        return issue.keys.map((key) => {
          const guess = takes
            ? didYouMean(
                closestNames(
                  key,
                  takes.map((k) => ({ label: k, name: k })),
                ),
              )
            : '';
          return {
            field: [...issue.path, key].join('.'),
            message:
              `unknown key${guess ? `; ${guess}` : ''}` +
              (takes ? `${guess ? ' This' : '; this'} object takes ${takes.join(', ')}` : ''),
            value: valueAt(body, [...issue.path, key]),
          };
        });
      }
      const field = issue.path.length ? issue.path.join('.') : '(body)';
      const value = valueAt(body, issue.path);
      // JSON.parse reads 1e400 as Infinity, which an answer's JSON would show as null.
      if (typeof value === 'number' && !Number.isFinite(value))
        return [
          {
            field,
            message:
              `out of range: the number is beyond ±1.8e308 and reads as ${value}; no price, quantity or ` +
              'amount is this large (check the units)',
          },
        ];
      return [
        value === undefined ? { field, message: issue.message } : { field, message: issue.message, value },
      ];
    }),
    orderOf(body),
  );
}

/** The value a bot sent at a path (undefined when it sent none there). */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = body;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** The order a body is about, to name it in the error ("order o-1"). */
function orderOf(body: unknown): string | undefined {
  const id = valueAt(body, ['order', 'id']) ?? valueAt(body, ['orderId']);
  return typeof id === 'string' ? `order ${id}` : undefined;
}

/** A bad value as the bot sent it, cut short (a message quotes it, it does not echo a whole body). */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
