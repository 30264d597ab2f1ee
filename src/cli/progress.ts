import { createRequire } from 'node:module';

type CliProgress = typeof import('cli-progress');

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/** A progress bar on a terminal; silence when stderr is a pipe or a file (logs stay clean). */
export function progressBar(title: string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  // Loaded only for a terminal: runs piped to a file or a test never draw a bar.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | {value}/{total} {label} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else bar.update(done, { label });
      bar.setTotal(total);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
