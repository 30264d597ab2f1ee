import type { DecisionRow, StealRecord } from './sim-types.js';

/**
 * The simulator's decision and steal records, kept in columns while it runs. A full run makes ~90,000
 * decisions and ~40,000 steals: as objects they would all be copied by every young-generation collection
 * they live through; in typed columns they cost a few bytes each. Rows become objects only when read.
 */

/**
 * A number column that grows by doubling. Codes and flags are stored as doubles too: one array type keeps
 * every push site monomorphic, which matters more here than the bytes.
 */
class Column {
  length = 0;
  private data = new Float64Array(1024);

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  get(i: number): number {
    return this.data[i]!;
  }
}

/**
 * Strings that repeat (symbols, actions, reasons) stored once, referred to by number. A few dozen are found
 * faster by a scan (identity first) than by hashing; past that, a map takes over (large universes).
 */
class Interner<S extends string> {
  private readonly values: S[] = [];
  private index: Map<S, number> | null = null;

  code(value: S): number {
    const values = this.values;
    if (this.index) {
      const c = this.index.get(value);
      if (c !== undefined) return c;
    } else {
      for (let i = 0; i < values.length; i++) if (values[i] === value) return i;
    }
    values.push(value);
    if (this.index) this.index.set(value, values.length - 1);
    else if (values.length > SCAN_LIMIT) this.index = new Map(values.map((v, i) => [v, i]));
    return values.length - 1;
  }

  value(code: number): S {
    return this.values[code]!;
  }
}

const SCAN_LIMIT = 32;

/** A number a row knows, or null (NaN in its column). */
const known = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** `keep` false: a log that records nothing (an optimizer needs the counters and the equity curve only). */
export class DecisionLog {
  constructor(readonly keep = true) {}

  private readonly time = new Column();
  private readonly symbol = new Column();
  private readonly action = new Column();
  private readonly reason = new Column();
  private readonly shortfall = new Column();
  private readonly fight = new Column();
  /** The entry request's limit, quantity and validity (NaN: the row has no request, or it is not known). */
  private readonly limitPrice = new Column();
  private readonly qty = new Column();
  private readonly validUntil = new Column();
  private readonly orderId: (string | null)[] = [];
  /** Victims of row i are `victimIds[victimEnd[i − 1] … victimEnd[i])`. */
  private readonly victimEnd = new Column();
  private readonly victimIds: string[] = [];
  private readonly strings = new Interner<string>();

  get length(): number {
    return this.time.length;
  }

  push(
    time: number,
    symbol: string,
    action: string,
    victims: readonly string[],
    reason: string,
    shortfall: number,
    fight: boolean,
    orderId: string | null,
    limitPrice = Number.NaN,
    qty = Number.NaN,
    validUntil = Number.NaN,
  ): void {
    if (!this.keep) return;
    this.time.push(time);
    this.symbol.push(this.strings.code(symbol));
    this.action.push(this.strings.code(action));
    this.reason.push(this.strings.code(reason));
    this.shortfall.push(shortfall);
    this.fight.push(fight ? 1 : 0);
    this.limitPrice.push(limitPrice);
    this.qty.push(qty);
    this.validUntil.push(validUntil);
    this.orderId.push(orderId);
    for (const v of victims) this.victimIds.push(v);
    this.victimEnd.push(this.victimIds.length);
  }

  /** The order a row's action placed (known only after the coordinator carried the decision out). */
  setOrderId(row: number, orderId: string): void {
    this.orderId[row] = orderId;
  }

  row(i: number): DecisionRow {
    return {
      time: this.time.get(i),
      symbol: this.strings.value(this.symbol.get(i)),
      action: this.strings.value(this.action.get(i)),
      victims: this.victimIds.slice(i === 0 ? 0 : this.victimEnd.get(i - 1), this.victimEnd.get(i)),
      reason: this.strings.value(this.reason.get(i)),
      shortfall: this.shortfall.get(i),
      fight: this.fight.get(i) === 1,
      orderId: this.orderId[i]!,
      limitPrice: known(this.limitPrice.get(i)),
      qty: known(this.qty.get(i)),
      validUntil: known(this.validUntil.get(i)),
    };
  }

  toArray(): DecisionRow[] {
    const out = new Array<DecisionRow>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.row(i);
    return out;
  }
}

type Victim = StealRecord['victims'][number];

export class StealLog {
  constructor(readonly keep = true) {}

  private readonly time = new Column();
  private readonly thief = new Column();
  private readonly thiefOrderId: (string | null)[] = [];
  private readonly fight = new Column();
  /** Victims of steal i are victim rows `victimEnd[i − 1] … victimEnd[i]`. */
  private readonly victimEnd = new Column();
  private readonly victimOrderId: string[] = [];
  private readonly victimSymbol = new Column();
  private readonly victimBuys = new Column();
  private readonly limitPrice = new Column();
  private readonly qty = new Column();
  private readonly takeProfit = new Column();
  private readonly validUntil = new Column();
  private readonly placedAt = new Column();
  private readonly symbols = new Interner<string>();

  get length(): number {
    return this.time.length;
  }

  /** Add a victim of the steal that the next `push` records. */
  pushVictim(
    orderId: string,
    symbol: string,
    side: 'buy' | 'sell',
    limitPrice: number,
    qty: number,
    takeProfit: number,
    validUntil: number,
    placedAt: number,
  ): void {
    if (!this.keep) return;
    this.victimOrderId.push(orderId);
    this.victimSymbol.push(this.symbols.code(symbol));
    this.victimBuys.push(side === 'buy' ? 1 : 0);
    this.limitPrice.push(limitPrice);
    this.qty.push(qty);
    this.takeProfit.push(takeProfit);
    this.validUntil.push(validUntil);
    this.placedAt.push(placedAt);
  }

  /** Record a steal whose victims were just added with `pushVictim`. */
  push(time: number, thief: string, thiefOrderId: string | null, fight: boolean): void {
    if (!this.keep) return;
    this.time.push(time);
    this.thief.push(this.symbols.code(thief));
    this.thiefOrderId.push(thiefOrderId);
    this.fight.push(fight ? 1 : 0);
    this.victimEnd.push(this.victimOrderId.length);
  }

  row(i: number): StealRecord {
    const victims: Victim[] = [];
    for (let v = i === 0 ? 0 : this.victimEnd.get(i - 1); v < this.victimEnd.get(i); v++) {
      victims.push({
        orderId: this.victimOrderId[v]!,
        symbol: this.symbols.value(this.victimSymbol.get(v)),
        side: this.victimBuys.get(v) === 1 ? 'buy' : 'sell',
        limitPrice: this.limitPrice.get(v),
        qty: this.qty.get(v),
        takeProfit: this.takeProfit.get(v),
        validUntil: this.validUntil.get(v),
        placedAt: this.placedAt.get(v),
      });
    }
    return {
      time: this.time.get(i),
      thief: this.symbols.value(this.thief.get(i)),
      thiefOrderId: this.thiefOrderId[i]!,
      victims,
      fight: this.fight.get(i) === 1,
    };
  }

  toArray(): StealRecord[] {
    const out = new Array<StealRecord>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.row(i);
    return out;
  }
}
