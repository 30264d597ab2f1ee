/**
 * Margin interest (DESIGN §3): the overnight debit (long notional − cash, if positive) is charged
 * `debit × marginRatePerYear / 360` for every calendar day it is held (the broker convention of a 360-day year).
 */
export function overnightDebit(longNotional: number, cash: number): number {
  return Math.max(0, longNotional - cash);
}

export function dailyInterest(debit: number, marginRatePerYear: number): number {
  return Math.max(0, debit) * (marginRatePerYear / 360);
}

/** Interest for `days` calendar days (weekends and holidays accrue too). */
export function interestForDays(debit: number, marginRatePerYear: number, days: number): number {
  return dailyInterest(debit, marginRatePerYear) * Math.max(0, days);
}
