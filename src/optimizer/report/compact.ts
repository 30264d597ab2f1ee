/** Number formatting for the optimisation report's tables: short, and never two neighbours reading the same. */
export const compact = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 100_000)) return v.toExponential(1);
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3).replace(/\.?0+$/, '');
};
