import type Database from 'better-sqlite3';

/**
 * Group commit for a writer whose only way out of the process is an answer it can hold back: the writes made
 * during one turn of the event loop share one transaction, committed at the end of the turn, and each answer
 * waits for the commit of the writes before it (`durable`). Under concurrent clients, one commit (one WAL
 * append) then serves every request of the turn instead of one each; a single request waits for nothing more
 * than its own commit. A process killed before the commit loses only writes whose answers never left.
 *
 * Only for a writer with no other effect outside the process (the advisory service: the bots act on its
 * answers). A writer that calls a broker between writes must commit before the call; it does not use this.
 */
export class GroupCommit {
  private open = false;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(
    private readonly db: Database.Database,
    /** Told of a failed commit (the waiting answers fail with it; writes with no answer waiting are lost). */
    private readonly onFailure: (error: Error) => void,
    /** Runs the commit after the current turn's callbacks and their promise jobs (setImmediate). */
    private readonly atEndOfTurn: (commit: () => void) => void = (commit) => void setImmediate(commit),
  ) {}

  /** Writes from now until the end of this turn share one transaction (opened here if none is). */
  begin(): void {
    // A transaction someone else opened (a db.transaction() call in progress) is theirs to commit.
    if (this.open || this.db.inTransaction) return;
    this.db.exec('BEGIN');
    this.open = true;
    this.atEndOfTurn(() => this.commit());
  }

  /**
   * Commit now. A failed commit rolls the turn's writes back and fails every answer waiting for them (their
   * requests answer with an error: the bots are told nothing that is not on disk), and `onFailure` hears of it.
   */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection is failing as a whole: the answers still fail and the failure is still told.
      }
      for (const w of waiters) w.reject(error as Error);
      this.onFailure(error as Error);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  /** Settles once every write made so far is committed (at once when none is waiting). */
  durable(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}
