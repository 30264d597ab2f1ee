import type { CapacityLedger } from '../coordinator/ledger.js';
import type { Outcome } from '../coordinator/saga.js';
import { isStealAttempt, type Decision } from '../core/policy/decision.js';
import { decisionSummary } from '../explain/summary.js';
import { StoredRecordWriter, type StoredRecordDraft } from './stored-record.js';
import type { EntryRequest } from '../core/types.js';
import type { LiveMetrics } from '../live/metrics.js';
import type { DecisionInsert, LiveStore } from '../live/store.js';

/** How many open requests' decisions are kept at most (see DecisionLog.last). */
const OPEN_REQUEST_MEMORY = 1_000;

/**
 * The service's decision log: every decision in the store's `decisions` table (as `run` records them), the
 * outcome and latency of its request, and the metrics.
 *
 * A decision is held in memory from the moment it is made until the next thing that leaves the process or
 * writes the store: its outcome (then decision and outcome are one row written once, the common case of a
 * request that settles at once), its saga's first transition, the next decision, or the answer. So a decision
 * is on disk before anything follows from it, as before, without a second write of its large row.
 */
export class DecisionLog {
  private held: { request: EntryRequest; row: DecisionInsert; draft: StoredRecordDraft } | null = null;
  /** Candidate columns that repeat the last stored ones become references to that row. */
  private readonly records = new StoredRecordWriter();
  /**
   * Each open request's last decision and its row id (null while it is held), until the request settles or
   * fails. A Map with explicit deletes, not a WeakMap: a WeakMap's entries kept every decision (its candidate
   * table, its record) alive through young-generation collections until a full one; on the decide workload
   * each young collection copied about twice the bytes (docs/service.md). Bounded, for requests that never
   * settle (a recovered saga's): one per saga in flight, and one per client waiting for its symbol.
   */
  private readonly last = new Map<EntryRequest, { decision: Decision; id: number | null }>();

  constructor(
    private readonly store: LiveStore,
    private readonly ledger: () => CapacityLedger,
    private readonly metrics: LiveMetrics,
  ) {}

  /** A new decision (the coordinator's onDecision). */
  decided(d: Decision): void {
    this.flush();
    // The victims' symbols now, while the ledger still holds the victims.
    const draft = this.records.record(d);
    this.held = { request: d.request, row: decisionRow(d, this.ledger(), draft.record), draft };
    this.last.set(d.request, { decision: d, id: null });
    if (this.last.size > OPEN_REQUEST_MEMORY) this.last.delete(this.last.keys().next().value!);
    this.metrics.onDecision(d);
  }

  /** Write the held decision, if any, without its outcome (it is not known yet). */
  flush(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    const id = this.store.recordDecision(held.row);
    held.draft.written(id);
    const last = this.last.get(held.request);
    if (last) last.id = id;
  }

  /** The request ended: its last decision's row gets the outcome and the latency. */
  settled(request: EntryRequest, outcome: Outcome, latencyMs: number): void {
    if (this.held?.request === request) {
      const { row, draft } = this.held;
      this.held = null;
      // The held row is this log's own: completed in place. A spread copy with the two fields added kept the
      // whole row (its stored record) alive through young-generation collections until a full one.
      row.outcome = outcome.status;
      row.latencyMs = latencyMs;
      const id = this.store.recordDecision(row);
      draft.written(id);
      this.last.get(request)!.id = id;
    } else {
      const id = this.last.get(request)?.id;
      if (id !== undefined && id !== null) this.store.setOutcome(id, outcome.status, latencyMs);
    }
    this.last.delete(request);
    this.metrics.onOutcome(outcome.status, outcome.decision.fight, latencyMs / 1000);
  }

  /** A request that failed (it will not settle): its decision is written and no longer kept. */
  forget(request: EntryRequest): void {
    this.flush();
    this.last.delete(request);
  }

  /** The last decision made for this request, while it is open. */
  decisionOf(request: EntryRequest): Decision | undefined {
    return this.last.get(request)?.decision;
  }

  /** The row id of the last decision made for this request, once written (null before; undefined: unknown). */
  rowOf(request: EntryRequest): number | null | undefined {
    return this.last.get(request)?.id;
  }
}

/** A decision as a row of the store's decision log. */
function decisionRow(d: Decision, ledger: CapacityLedger, record: unknown): DecisionInsert {
  return {
    time: d.time,
    symbol: d.request.symbol,
    action: d.action,
    reason: d.reason,
    victims: d.victims,
    victimSymbols: d.victims.map((v) => ledger.order(v)?.symbol ?? '?'),
    stealAttempt: isStealAttempt(d),
    fight: d.fight,
    shortfall: d.shortfall,
    dryRun: d.dryRun,
    // Candidates in columns: the readable record is built when someone reads it (src/service/stored-record.ts).
    record,
    // Filled in when the request settles while the row is still held (one shape from the start).
    outcome: undefined,
    latencyMs: undefined,
    detail: decisionSummary(d),
  };
}
