import { EXIT } from './errors.js';

/** The stop of the long-running command in this process (run, serve), while one waits for it. */
let activeStop: ((reason: string) => void) | null = null;

/** The stop reason a closed stdout or stderr gives (runs.stop_reason). */
export const CLOSED_PIPE = 'closed-pipe';

/**
 * SIGINT and SIGTERM stop the watchers cleanly (the runtime finishes its poll, optionally cancels entries,
 * and the store is flushed). A second signal exits at once; the store is consistent at every write anyway.
 * A closed stdout or stderr stops them the same way (stopOnClosedPipe).
 */
export function stopSignal(): { received: Promise<string>; dispose(): void } {
  let resolve!: (reason: string) => void;
  const received = new Promise<string>((r) => (resolve = r));
  let count = 0;
  const handler = (name: NodeJS.Signals): void => {
    if (++count > 1) process.exit(EXIT.interrupted);
    resolve(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  activeStop = resolve;
  return {
    received,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      if (activeStop === resolve) activeStop = null;
    },
  };
}

/**
 * A closed output pipe (a `| tee` or a terminal that went away) under a long-running command: it stops as on
 * SIGTERM (the poll finished, the store flushed and its lock removed) rather than ending mid-poll; its further
 * lines to that stream are lost. False when no such command runs: the caller ends the process.
 */
export function stopOnClosedPipe(): boolean {
  if (!activeStop) return false;
  activeStop(CLOSED_PIPE);
  return true;
}
