import { EXIT } from './errors.js';

/**
 * SIGINT and SIGTERM stop the watchers cleanly (the runtime finishes its poll, optionally cancels entries,
 * and the store is flushed). A second signal exits at once; the store is consistent at every write anyway.
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
  return {
    received,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
