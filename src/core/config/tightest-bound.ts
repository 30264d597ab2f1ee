import type { z } from 'zod';

type Bound = { code: 'too_big' | 'too_small'; maximum?: unknown; minimum?: unknown; inclusive?: boolean };

/** `a` is a tighter bound than `b`: a smaller maximum (a larger minimum), or the same limit exclusive. */
function tighter(a: Bound, b: Bound): boolean {
  const sign = a.code === 'too_big' ? -1 : 1;
  const [la, lb] = [
    sign * Number(a.code === 'too_big' ? a.maximum : a.minimum),
    sign * Number(b.code === 'too_big' ? b.maximum : b.minimum),
  ];
  return la > lb || (la === lb && a.inclusive === false && b.inclusive !== false);
}

/**
 * One range error per key, with the bound that really applies. A schema that chains bounds (a fraction's
 * `<= 1` under `bufferPct`'s own `<= 0.99`, a whole number's `>= 0` under `>= 10`, zod's safe-integer limit
 * under a port's 65535) fails every one a value breaks, and printing each would give the same key two
 * different limits; only the tightest one broken is kept.
 */
export function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const best = new Map<string, z.core.$ZodIssue>();
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') continue;
    const key = `${issue.code} ${JSON.stringify(issue.path.map(String))}`;
    const kept = best.get(key);
    if (!kept || tighter(issue as Bound, kept as Bound)) best.set(key, issue);
  }
  return issues.filter(
    (issue) =>
      (issue.code !== 'too_big' && issue.code !== 'too_small') ||
      best.get(`${issue.code} ${JSON.stringify(issue.path.map(String))}`) === issue,
  );
}
