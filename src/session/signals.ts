/**
 * Which signal a watcher trades on (README "Architecture"), one rule for the simulator and live trading: the
 * signal it holds, until that expires; then the newest one its source has (or none), and the driver cancels
 * an entry still resting for the expired one. A signal whose entry filled is used once: the driver drops it,
 * and the watcher takes the newest again when it is next asked without a position.
 */
export interface Expiring {
  validUntil: number;
}

/** Whether a held signal still holds now (it expires at its `validUntil`). */
export function holdsSignal(held: Expiring | null, now: number): boolean {
  return held !== null && held.validUntil > now;
}
