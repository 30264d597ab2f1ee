/**
 * JSON that keeps non-finite numbers. Scores can be -Infinity (a window with nothing to measure) and plain
 * JSON would turn them into null, so evaluations stored in SQLite or passed through Redis encode them as
 * the strings "Infinity", "-Infinity" and "NaN" and decode them back.
 */

const NON_FINITE = new Set(['Infinity', '-Infinity', 'NaN']);

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) =>
    typeof v === 'string' && NON_FINITE.has(v) ? Number(v) : v,
  ) as T;
}
