/**
 * `worksteal data list`: every manifest entry after checking it against the files, the missing and broken
 * ones flagged with what to do (exit 2 then), untracked CSV files, one market stored twice; and a folder of
 * plain bar files (no manifest) told apart from a store.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataStore,
  MANIFEST_FILE,
  StoreError,
  sameMarket,
  sameMarketWarning,
  type ManifestEntry,
  type Reconciled,
} from '../../data/index.js';
import { table, tableWidth } from '../../report/text.js';
import { changedSince, writtenBy } from '../data-summary.js';
import { CliError, EXIT } from '../errors.js';
import { dataDir } from '../data-dir.js';
import { checkOutputPath, humanStream, writeJsonOutput } from '../output.js';

export async function listData(opts: { dir?: string; json?: string }): Promise<void> {
  await checkOutputPath('--json', opts.json);
  // A --dir that is not a folder is a typo, not an empty store (the default folder may not exist yet).
  const dir = await dataDir(opts.dir);
  const store = new DataStore(dir);
  if (!existsSync(join(dir, MANIFEST_FILE))) await refuseNonStore(store);
  const found = await store.reconcile().catch((err: unknown) => {
    if (err instanceof StoreError) throw new CliError(err.message, err.exitCode);
    throw err;
  });
  const { manifest, missing, untracked, broken, misfiled } = found;
  const entries = Object.values(manifest.files);
  if (opts.json) {
    await writeJsonOutput(opts.json, { dir, files: entries, missing, untracked, broken, misfiled });
  }
  // Under `--json -` the table goes to stderr with the notes (docs/cli.md "Output"); the errors about
  // missing or broken files behind the exit code 2 are printed either way.
  listText(dir, found, humanStream(opts.json));
  if (missing.length + broken.length + misfiled.length > 0) process.exitCode = EXIT.badInput;
}

/**
 * `data list` of a folder without a manifest: if it holds CSV files it is a folder of bar files, not a store
 * (nothing to list), and the user wants simulate --data or data import; if it holds none it is a store yet to be
 * filled (the default ./data before the first download).
 */
async function refuseNonStore(store: DataStore): Promise<void> {
  const csv = await store.csvFiles({ top: true });
  if (csv.length === 0) return;
  const dir = store.dir;
  const shown = csv.slice(0, 3).join(', ') + (csv.length > 3 ? `, … (${csv.length} in all)` : '');
  throw new CliError(
    `${dir} is not a worksteal data store (it has no ${MANIFEST_FILE}); it holds CSV files (${shown}). Simulate them as they are with \`worksteal simulate --data ${dir}\`, or copy them into a store with \`worksteal data import ${dir}\` (--dir chooses the store, default ./data) and list that.`,
  );
}

/**
 * The table of every entry (missing and broken ones flagged) on `out`, then what to do about each flagged
 * file on stderr.
 */
function listText(dir: string, found: Reconciled, out: NodeJS.WritableStream): void {
  const { manifest, missing, untracked, refreshed, broken, misfiled } = found;
  const entries = Object.entries(manifest.files);
  if (entries.length === 0 && untracked.length === 0) {
    out.write(
      `${dir} holds no market data. Get some with:\n  worksteal data download --source ccxt:binance --symbols BTC/USDT,ETH/USDT --timeframe 1h --from 2023-01-01\n  worksteal data import <files…>\n`,
    );
    return;
  }
  const flag = (key: string): string =>
    missing.includes(key)
      ? ' (MISSING)'
      : broken.some((b) => b.key === key)
        ? ' (DOES NOT LOAD)'
        : misfiled.some((m) => m.key === key)
          ? ' (ENTRY NAMES ANOTHER FILE)'
          : '';
  out.write(`${dir}\n`);
  out.write(
    `${table(
      ['file', 'symbol', 'class', 'tf', 'first', 'last', 'bars', 'gaps', 'bad rows / dups', 'updated'],
      entries.map(([key, e]) => [
        `${key}${flag(key)}`,
        e.symbol,
        e.assetClass,
        e.timeframe,
        e.first ?? '—',
        e.last ?? '—',
        e.rows,
        e.gaps,
        `${e.badRows} / ${e.duplicates}`,
        e.updatedAt.slice(0, 16).replace('T', ' '),
      ]),
      { width: tableWidth(out), cells: false },
    )}\n`,
  );
  for (const k of refreshed) {
    const was = found.before[k];
    const now = manifest.files[k];
    if (was && now) out.write(`note: ${changedNote(k, was, now)}\n`);
  }
  for (const [k, e] of entries) {
    if (!e.editedAfterWrite || refreshed.includes(k)) continue;
    const { by, undo } = writtenBy(e.origin?.path ?? null);
    const { writtenAt, noticedAt } = e.editedAfterWrite;
    out.write(
      `note: ${k} was changed outside worksteal after ${by} wrote it (${writtenAt}; noticed ${noticedAt}): its row describes the edited file, not the bars ${by} recorded. To go back, ${undo}.\n`,
    );
  }
  for (const k of untracked) out.write(`untracked (not in the manifest): ${k}; import it to track it\n`);
  for (const group of sameMarket(manifest))
    process.stderr.write(`warning: ${sameMarketWarning(group, dir)}\n`);
  for (const b of broken)
    process.stderr.write(
      `error: ${b.key} was changed outside worksteal and no longer loads (${b.problem}); its row above describes the file as it was. Fix that row, import the original again with --replace, or delete the file and run \`worksteal data list\`.\n`,
    );
  for (const m of misfiled)
    process.stderr.write(
      `error: the entry ${m.key} in ${join(dir, MANIFEST_FILE)} says its file is ${m.file}: nothing reads through it (its row above describes a file that was not checked). Set its "file" back to "${m.key}", or delete the entry and import the file again.\n`,
    );
  for (const k of missing)
    process.stderr.write(
      `error: ${k} is missing: its row above describes a file that is gone. Restore it, or download or import it again; to forget it, delete its entry from ${join(dir, MANIFEST_FILE)}.\n`,
    );
}

/**
 * What `data list` knows about a store file that changed after data import or download wrote it (or since it last took in an edit): the entry as
 * it was against the file now, when it was written and how to go back; its entry then describes the file.
 */
export function changedNote(key: string, was: ManifestEntry, now: ManifestEntry): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const range =
    was.first === now.first && was.last === now.last
      ? 'range unchanged'
      : `range ${was.first ?? '—'} → ${was.last ?? '—'} now ${now.first ?? '—'} → ${now.last ?? '—'}`;
  const { by, undo } = writtenBy(was.origin?.path ?? null);
  return `${key} ${changedSince(by, was.updatedAt, was.editedAfterWrite)}: rows ${n(was.rows)} → ${n(now.rows)}, ${range}, content differs (sha256 ${was.sha256.slice(0, 12)}… → ${now.sha256.slice(0, 12)}…). Its entry now describes the file as it is; to go back, ${undo}.`;
}
