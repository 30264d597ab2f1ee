/**
 * The asset class a data store records for one of its files. `data import --asset-class crypto` (or the
 * config's symbols map at import) decides how a file's symbol is read, and the manifest keeps that choice;
 * a command that reads the store folder as plain files (`simulate --data ./data`) must not infer it again
 * from the symbol, or SOL imported as crypto trades as a stock. The loader asks here for every file it
 * reads, so simulate, compare, optimize, the replay venue and explain see the class `start` and `data list`
 * see.
 *
 * A store file lies at `<store>/<folder>/<name>.csv` beside `<store>/manifest.json`; any other file, and a
 * manifest.json that is not a worksteal manifest (another tool's file of that name), records nothing.
 * Synchronous and memoised by the manifest's size and modification time: a folder of many store files reads
 * its manifest once.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AssetClass } from '../core/types.js';
import { MANIFEST_FILE, parseManifest, type Manifest } from './store-manifest.js';

export interface RecordedClass {
  assetClass: AssetClass;
  /** The symbol the manifest records for the file. */
  symbol: string;
  /** The manifest that records it, for messages. */
  manifest: string;
}

const memo = new Map<string, { stamp: string; manifest: Manifest | null }>();

function manifestAt(path: string): Manifest | null {
  let stamp: string;
  try {
    const s = statSync(path);
    if (!s.isFile()) return null;
    stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return null; // no manifest: not a store
  }
  const known = memo.get(path);
  if (known?.stamp === stamp) return known.manifest;
  let manifest: Manifest | null = null;
  try {
    manifest = parseManifest(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    manifest = null; // unreadable or not JSON: `data list` names the problem; the loader infers
  }
  memo.set(path, { stamp, manifest });
  return manifest;
}

/** What the store around `file` records for it, or null when `file` is not a file of a store's manifest. */
export function recordedClass(file: string): RecordedClass | null {
  const abs = resolve(file);
  const folder = dirname(abs);
  const manifestPath = join(dirname(folder), MANIFEST_FILE);
  const entry = manifestAt(manifestPath)?.files[`${basename(folder)}/${basename(abs)}`];
  return entry ? { assetClass: entry.assetClass, symbol: entry.symbol, manifest: manifestPath } : null;
}
