/**
 * Which signal a watcher trades on (DESIGN §5), one rule for the simulator and live trading: the signal it
 * holds until that expires; then the newest one its source has (or none). A signal whose entry filled is used
 * once: the driver drops it, and the watcher takes the newest again when it is next asked without a position.
 * The driver cancels an entry resting for a signal that expired (`expired` true).
 */
export interface Expiring {
  validUntil: number;
}

export function holdsSignal(held: Expiring | null, now: number): boolean {
  return held !== null && held.validUntil > now;
}
