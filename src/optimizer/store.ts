/**
 * The optimizer's SQLite store: every evaluation under its content hash, and every study's DE state after
 * each generation. It is what makes a run resumable: a restarted study restores its DE state, finds the
 * evaluations already done by hash, and evaluates only the rest. An evaluation is stored once (its hash is
 * the primary key), however many times a crashed worker made it run.
 *
 * WAL mode: the pool and queue executors report results while the coordinator reads, and a reader never
 * blocks the writer. Each evaluation is committed as soon as it arrives, so a crash loses at most the
 * evaluations still running.
 */
import type Database from 'better-sqlite3';
import { openStoreDatabase } from '../store/database.js';
import { lockStoreFile, type StoreLock } from '../store/lock.js';
import type { DEState } from './de/index.js';
import { decodeJson, encodeJson } from './json.js';
import type { Evaluation, Params } from './objective/objective.js';

export type StudyStatus = 'running' | 'interrupted' | 'done';

export interface StoredEvaluation {
  hash: string;
  objectiveHash: string;
  params: Params;
  evaluation: Evaluation;
  elapsedMs: number;
  worker: string;
  attempts: number;
  createdAt: string;
}

export interface StudyRow {
  id: string;
  objectiveHash: string;
  spec: unknown;
  state: DEState | null;
  generation: number;
  evaluations: number;
  status: StudyStatus;
  createdAt: string;
  updatedAt: string;
}

export interface TrialRow {
  generation: number;
  index: number;
  hash: string;
}

interface EvaluationDbRow {
  hash: string;
  objective_hash: string;
  params: string;
  result: string;
  elapsed_ms: number;
  worker: string;
  attempts: number;
  created_at: string;
}

interface StudyDbRow {
  id: string;
  objective_hash: string;
  spec: string;
  state: string | null;
  generation: number;
  evaluations: number;
  status: StudyStatus;
  created_at: string;
  updated_at: string;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function toEvaluation(r: EvaluationDbRow): StoredEvaluation {
  return {
    hash: r.hash,
    objectiveHash: r.objective_hash,
    params: JSON.parse(r.params) as Params,
    evaluation: decodeJson<Evaluation>(r.result),
    elapsedMs: r.elapsed_ms,
    worker: r.worker,
    attempts: r.attempts,
    createdAt: r.created_at,
  };
}

export class OptimizerStore {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    private readonly now: () => Date,
    private readonly lock: StoreLock | null,
  ) {}

  /**
   * Open (or create) the store; the folder is created when missing. The tables live in the one store module
   * (src/store), so one file can also hold simulator runs and live state.
   *
   * A file store takes the single-writer lock (src/store/lock.ts): two studies on one file would both
   * evaluate every candidate the other has not stored yet, so a second process is refused, naming the first.
   * `command` is written into the lock for that message. Queue workers never open the store (only the
   * coordinator does), so `--queue` is unaffected.
   */
  static open(
    path: string,
    now: () => Date = () => new Date(),
    command = 'worksteal optimize',
  ): OptimizerStore {
    const lock = path === ':memory:' || path === '' ? null : lockStoreFile(path, command, now(), '--db');
    try {
      return new OptimizerStore(path, openStoreDatabase(path, { option: '--db' }), now, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** Closes the database and removes the lock; a second call does nothing (every exit path calls it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } finally {
      this.lock?.release();
    }
  }

  putObjective(hash: string, spec: unknown): void {
    this.db
      .prepare('INSERT OR IGNORE INTO opt_objectives (hash, spec, created_at) VALUES (?, ?, ?)')
      .run(hash, JSON.stringify(spec), this.now().toISOString());
  }

  objective(hash: string): unknown {
    const row = this.db.prepare('SELECT spec FROM opt_objectives WHERE hash = ?').get(hash) as
      { spec: string } | undefined;
    return row ? (JSON.parse(row.spec) as unknown) : undefined;
  }

  /** Stores an evaluation once; returns false when its hash was already stored (nothing is changed). */
  putEvaluation(e: Omit<StoredEvaluation, 'createdAt'>): boolean {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO opt_evaluations
           (hash, objective_hash, params, oos, is_score, result, elapsed_ms, worker, attempts, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.hash,
        e.objectiveHash,
        JSON.stringify(e.params),
        finiteOrNull(e.evaluation.oos),
        finiteOrNull(e.evaluation.is),
        encodeJson(e.evaluation),
        e.elapsedMs,
        e.worker,
        e.attempts,
        this.now().toISOString(),
      );
    return info.changes === 1;
  }

  evaluation(hash: string): StoredEvaluation | undefined {
    const row = this.db.prepare('SELECT * FROM opt_evaluations WHERE hash = ?').get(hash) as
      EvaluationDbRow | undefined;
    return row ? toEvaluation(row) : undefined;
  }

  /** The stored evaluations among `hashes`, by hash. */
  evaluations(hashes: readonly string[]): Map<string, StoredEvaluation> {
    const out = new Map<string, StoredEvaluation>();
    const stmt = this.db.prepare('SELECT * FROM opt_evaluations WHERE hash = ?');
    for (const h of new Set(hashes)) {
      const row = stmt.get(h) as EvaluationDbRow | undefined;
      if (row) out.set(h, toEvaluation(row));
    }
    return out;
  }

  /** How many evaluations are stored for an objective (all of them when omitted). */
  countEvaluations(objectiveHash?: string): number {
    const row = (
      objectiveHash === undefined
        ? this.db.prepare('SELECT COUNT(*) AS n FROM opt_evaluations').get()
        : this.db
            .prepare('SELECT COUNT(*) AS n FROM opt_evaluations WHERE objective_hash = ?')
            .get(objectiveHash)
    ) as { n: number };
    return row.n;
  }

  study(id: string): StudyRow | undefined {
    const r = this.db.prepare('SELECT * FROM opt_studies WHERE id = ?').get(id) as StudyDbRow | undefined;
    if (!r) return undefined;
    return {
      id: r.id,
      objectiveHash: r.objective_hash,
      spec: JSON.parse(r.spec) as unknown,
      state: r.state === null ? null : (JSON.parse(r.state) as DEState),
      generation: r.generation,
      evaluations: r.evaluations,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  createStudy(id: string, objectiveHash: string, spec: unknown): void {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO opt_studies (id, objective_hash, spec, status, created_at, updated_at)
         VALUES (?, ?, ?, 'running', ?, ?)`,
      )
      .run(id, objectiveHash, JSON.stringify(spec), at, at);
  }

  /**
   * After a generation is told: the DE state and which evaluation each candidate slot got, in one
   * transaction, so a crash leaves either the generation before or this one, never half of it.
   */
  saveGeneration(id: string, state: DEState, trials: readonly TrialRow[]): void {
    const insertTrial = this.db.prepare(
      'INSERT OR REPLACE INTO opt_trials (study_id, generation, idx, hash) VALUES (?, ?, ?, ?)',
    );
    const update = this.db.prepare(
      `UPDATE opt_studies SET state = ?, generation = ?, evaluations = ?, status = 'running', updated_at = ?
       WHERE id = ?`,
    );
    this.db.transaction(() => {
      for (const t of trials) insertTrial.run(id, t.generation, t.index, t.hash);
      update.run(JSON.stringify(state), state.generation, state.evaluations, this.now().toISOString(), id);
    })();
  }

  setStatus(id: string, status: StudyStatus): void {
    this.db
      .prepare('UPDATE opt_studies SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, this.now().toISOString(), id);
  }

  /** The study's candidates in generation and slot order. */
  trials(id: string): TrialRow[] {
    return (
      this.db
        .prepare('SELECT generation, idx, hash FROM opt_trials WHERE study_id = ? ORDER BY generation, idx')
        .all(id) as { generation: number; idx: number; hash: string }[]
    ).map((r) => ({ generation: r.generation, index: r.idx, hash: r.hash }));
  }
}
