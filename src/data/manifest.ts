/**
 * `<data dir>/manifest.json`: what the store holds, one entry per canonical file, keyed by the file's path
 * under the data folder. The files are the truth; the manifest describes them (range, rows, gaps, quality,
 * sha256) and remembers what the files cannot say: where the bars came from and which range was asked for.
 * It is rewritten atomically after every change to a file, and an entry whose sha256 no longer matches its
 * file is recomputed from the file (store.ts), so a crash between the two writes cannot mislead anyone.
 * This file reads and writes it; its format is src/marketdata/store-manifest.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { StoreError } from './errors.js';
import {
  emptyManifest,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  manifestSchema,
  type Manifest,
} from '../marketdata/store-manifest.js';

export * from '../marketdata/store-manifest.js';

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw new StoreError(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StoreError(
      `${path} is not valid JSON. The bar files beside it are intact; move the manifest away and import them again with \`worksteal data import <file or folder> --dir ${dir}\`.`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(
      `${path} does not match manifest version ${MANIFEST_VERSION} (at ${issue?.path.join('.') || '(root)'}: ${issue?.message}). Move it away and import the files again, or use the worksteal version that wrote it.`,
    );
  }
  return parsed.data;
}

/** Writes the manifest with sorted keys, so diffs of the file stay readable. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const files = Object.fromEntries(
    Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify({ ...manifest, files }, null, 2)}\n`);
}
