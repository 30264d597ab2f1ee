import type { Calibration } from './calibration.js';

/** The state of a FillModel that its queries read, as the model lends it to a tape. */
export interface FillState {
  rate: Float64Array;
  gap: Float64Array;
  bars: Int32Array;
  gaps: Int32Array;
  barLength: Float64Array;
  stock: Uint8Array;
  calibrations: readonly [Calibration, Calibration];
}

/**
 * What a fill model's bars did to it, call by call, so that later runs over the same bars replay the model
 * instead of computing it again. The model's state comes from the bars alone (what trades earned lives in
 * ReturnShrinker), so every run over the same bars in the same order (an optimizer's candidates over one
 * window) feeds it the same calls. Recorded per call: the symbol and bar time (checked on replay), the
 * origins it scored into the calibration (how many grid points each side reached), and the symbol's state
 * and version step after it.
 *
 * One run records (the model computes and writes here), `finish` closes the tape, and every later model
 * given it reads it with a reader of its own.
 */
export class FillTape {
  // Empty until the first bar is recorded: a run under the distance rule takes a tape and records nothing.
  private data = new Float64Array(0);
  private length = 0;
  private countAt = -1;
  private bumpsAtBegin = 0;
  private finished = false;

  /** Recording is over: models given this tape replay it. */
  get complete(): boolean {
    return this.finished;
  }

  begin(i: number, t: number, bumps: number): void {
    this.push(i);
    this.push(t);
    this.countAt = this.length;
    this.push(0);
    this.bumpsAtBegin = bumps;
  }

  /** One origin scored into symbol i's class calibration during the call (Calibration.addSides's arguments). */
  origin(downPoints: number, upPoints: number): void {
    this.push(downPoints);
    this.push(upPoints);
    this.data[this.countAt]! += 1;
  }

  end(i: number, s: FillState, bumps: number): void {
    this.push(s.rate[i]!);
    this.push(s.gap[i]!);
    this.push(s.bars[i]!);
    this.push(s.gaps[i]!);
    this.push(s.barLength[i]!);
    this.push(bumps - this.bumpsAtBegin);
  }

  finish(): void {
    this.finished = true;
  }

  /** A reader from the first call on; the tape must be complete. */
  reader(): FillTapeReader {
    if (!this.finished) throw new Error('FillTape.reader: the tape is still being recorded');
    return new FillTapeReader(this.data, this.length);
  }

  private push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(Math.max(4096, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
}

export class FillTapeReader {
  private at = 0;

  constructor(
    private readonly data: Float64Array,
    private readonly length: number,
  ) {}

  /**
   * Replay the next recorded call, which must be bar `t` of symbol `i`, onto `s`. Answers the version step
   * the call made. A call out of step is a driver that fed other bars than the recording: an error, never a
   * silently different model.
   */
  replay(i: number, t: number, s: FillState): number {
    const d = this.data;
    let at = this.at;
    if (at + 9 > this.length || d[at] !== i || d[at + 1] !== t) {
      const recorded = at + 2 <= this.length ? `symbol ${String(d[at])} at ${String(d[at + 1])}` : 'the end';
      throw new Error(`FillTape: fed symbol ${String(i)} at ${String(t)}, but the recording has ${recorded}`);
    }
    const n = d[at + 2]!;
    at += 3;
    const calibration = s.calibrations[s.stock[i]!]!;
    for (let k = 0; k < n; k++, at += 2) calibration.addSides(d[at]!, d[at + 1]!);
    s.rate[i] = d[at]!;
    s.gap[i] = d[at + 1]!;
    s.bars[i] = d[at + 2]!;
    s.gaps[i] = d[at + 3]!;
    s.barLength[i] = d[at + 4]!;
    const bumped = d[at + 5]!;
    this.at = at + 6;
    return bumped;
  }
}
