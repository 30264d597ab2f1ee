/**
 * What a run says about the zone of naive stock times: an exact tie for the zone chosen is named (a
 * summer-only file at a fixed UTC-5 fits America/Chicago and -05:00 alike), a zone given with --timezone
 * that fits the New York session far worse than another is a warning (the given zone is still used), and an
 * IANA zone is shown by the name people type (Asia/Kolkata, not ICU's Asia/Calcutta).
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { readLines } from '../../src/marketdata/read-notes.js';
import { localToUtc, parseZone } from '../../src/marketdata/timezone.js';
import { barFileWriter } from '../support/bar-files.js';

const write = barFileWriter('worksteal-zone-messages-');
const NY = parseZone('America/New_York')!;
const HOURS = ['09:30', '10:30', '11:30', '12:30', '13:30', '14:30', '15:30'];

function wall(zone: string, t: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }).format(
    t,
  );
}

/** Regular-session bars on every weekday in [from, to), written on the clocks of `zone`. */
function sessionFile(zone: string, from: string, to: string): string {
  const lines: string[] = [];
  for (let d = Date.parse(from); d < Date.parse(to); d += 86_400_000) {
    if ([0, 6].includes(new Date(d).getUTCDay())) continue;
    const day = new Date(d).toISOString().slice(0, 10);
    for (const hm of HOURS)
      lines.push(`${wall(zone, localToUtc(NY, Date.parse(`${day}T${hm}:00Z`)))},10,11,9,10.5,100`);
  }
  return write(`timestamp,open,high,low,close,volume\n${lines.join('\n')}\n`, 'TSLA_1h.csv');
}

describe('zone messages', () => {
  it('an exact tie with the zone chosen is named', async () => {
    const r = await loadBars(sessionFile('America/Lima', '2023-06-01', '2023-08-31'), { cacheDir: null });
    expect(r.read?.zone?.name).toBe('America/Chicago');
    expect(readLines([r]).notes[0]).toMatch(
      /read as America\/Chicago \(100% of bars in the New York regular session 09:30–16:00; -05:00 fits 100% too; next best /,
    );
  });

  it('a given zone that fits far worse than another is a warning naming both fits; the given zone is used', async () => {
    const path = sessionFile('America/Lima', '2023-01-02', '2023-12-30');
    const r = await loadBars(path, { cacheDir: null, layout: { timezone: 'UTC' } });
    expect(r.read?.zone).toMatchObject({ name: 'UTC', how: 'given' });
    expect(readLines([r]).warnings).toEqual([
      expect.stringMatching(
        /^warning: TSLA: the naive times of .* are read as UTC \(given\), which puts \d+% of bars in the New York regular session 09:30–16:00; -05:00 puts 100% there\. The run uses UTC as given; if the file was written in -05:00, pass --timezone -05:00\.$/,
      ),
    ]);
    // A zone that fits, or fits nearly as well, is not warned about.
    for (const timezone of ['-05:00', 'America/New_York']) {
      const ok = await loadBars(path, { cacheDir: null, layout: { timezone } });
      expect(readLines([ok]).warnings).toEqual([]);
    }
  });

  it('an IANA zone is shown under its current name', async () => {
    const path = sessionFile('Asia/Kolkata', '2023-01-02', '2023-02-28');
    for (const timezone of ['Asia/Kolkata', 'Asia/Calcutta']) {
      const r = await loadBars(path, { cacheDir: null, layout: { timezone } });
      expect(r.read?.zone?.name).toBe('Asia/Kolkata');
      expect(readLines([r]).notes[0]).toContain('naive times read as Asia/Kolkata (given)');
    }
  });
});
