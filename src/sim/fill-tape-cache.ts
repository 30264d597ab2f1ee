import { FillTape } from '../core/fill/index.js';
import type { Timeline } from './timeline.js';

/**
 * Fill-model tapes remembered across simulations of the same bars (the optimizer simulates each window once
 * per candidate, the comparison each window once per side). What the bars do to the fill model depends on
 * the bars fed and their order alone, which a timeline fixes (it is built from the series, the calendar and
 * the range, and TimelineCache hands out one per window), so a tape is kept per timeline: the first run
 * records it, the later ones replay it. No configuration key reaches the model's own options (half-lives,
 * horizons); one that did would have to be part of the key.
 */
export class FillTapeCache {
  private readonly tapes = new WeakMap<Timeline, FillTape>();

  /** The finished tape of this timeline to replay, or a new one to record. */
  take(timeline: Timeline): FillTape {
    return this.tapes.get(timeline) ?? new FillTape();
  }

  /** A run over this timeline fed its model to the end: later runs replay what it recorded. */
  keep(timeline: Timeline, tape: FillTape): void {
    if (tape.complete) return;
    tape.finish();
    this.tapes.set(timeline, tape);
  }
}
