/**
 * One writer per data folder. Two downloads appending to the same file would each copy it, append, and
 * rename, and the second rename would drop the first one's bars; the lock file turns that into a clear
 * message. A lock left by a process that no longer runs (killed, crashed) is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../store/lock.js';
import { StoreError } from './errors.js';

const LOCK = '.lock';

/** Takes the folder's lock and returns its release function. */
export async function lockStore(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new StoreError(
          `another worksteal data command (pid ${pid}) is writing to ${dir}; wait for it to finish, or remove ${path} if that process is not worksteal.`,
        );
      }
      // Stale: its owner is gone. Remove and retry once (another process may win the race; then we report it).
      await unlink(path).catch(() => undefined);
    }
  }
  throw new StoreError(`could not lock ${dir}: another process keeps taking ${join(dir, LOCK)}; try again.`);
}
