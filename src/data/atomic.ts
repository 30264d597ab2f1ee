/**
 * Crash-safe file replacement: the new content is written to a temp file beside the target, flushed to disk,
 * and renamed over it. A rename within one folder is atomic, so a reader (or a process killed at any point)
 * sees either the old file or the new one, never a mix. Temp names carry the pid, so two processes never
 * share one; leftovers of a killed process are ignored by everything that reads the store.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; not supported everywhere (e.g. Windows), where it is skipped.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

async function finish(tmp: string, target: string): Promise<void> {
  try {
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(target));
}

/** Replaces `target` with `data`. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await viaTempFile(target, 'w', data);
}

/**
 * Replaces `target` with its current content followed by `data`: a copy (done by the kernel, cheap next to
 * the download it saves) plus an append, then the rename. The old file stays whole until the new one is.
 */
export async function appendFileAtomic(target: string, data: string): Promise<void> {
  await viaTempFile(target, 'a', data, (tmp) => copyFile(target, tmp));
}

/** Prepare a temp file, write `data` (synced), then move it over `target`; the temp file never lingers. */
async function viaTempFile(
  target: string,
  flags: 'w' | 'a',
  data: string | Uint8Array,
  prepare?: (tmp: string) => Promise<void>,
): Promise<void> {
  const tmp = tempPath(target);
  try {
    await prepare?.(tmp);
    const handle = await open(tmp, flags);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await finish(tmp, target);
}
