import type { LiveStore } from '../live/store.js';
import type { Logger } from '../ports/log.js';
import { GroupCommit } from '../store/group-commit.js';
import { ServiceUnavailable } from './views.js';

/**
 * When the service's writes reach the disk.
 * - Advisory mode: the writes of one event-loop turn share one commit (src/store/group-commit.ts) and every
 *   answer waits for it. A failed commit leaves memory ahead of the store, so from then on the service answers
 *   nothing (503) until it is restarted and recovers from what is on disk.
 * - Executing mode: each write is its own commit, because a saga's row must be on disk before the broker call
 *   it leads to.
 */
export class ServiceWrites {
  private readonly group: GroupCommit | null;
  private failure: ServiceUnavailable | null = null;

  constructor(store: LiveStore, log: Logger, grouped: boolean) {
    this.group = grouped
      ? new GroupCommit(store.db, (error) => {
          log.error('store-commit-failed', { path: store.path, message: error.message });
          this.failure = new ServiceUnavailable(
            `the store ${store.path} failed to commit (${error.message}); what was answered before is on disk, ` +
              'what came after is not. Restart worksteal serve (after fixing the disk): it recovers from the store',
          );
        })
      : null;
  }

  /** Writes from here to the end of the turn share a commit; refused once a commit has failed. */
  begin(): void {
    if (this.failure) throw this.failure;
    this.group?.begin();
  }

  /** Settles when everything written so far is on disk; fails as the service does once a commit failed. */
  durable(): Promise<void> {
    if (!this.group) return Promise.resolve();
    return this.group.durable().catch(() => {
      throw this.failure!;
    });
  }

  /** Commit what the turn wrote so far, now (the service is closing). */
  commitNow(): void {
    this.group?.commit();
  }
}
