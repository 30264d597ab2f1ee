/**
 * New York wall time from the platform's time zone database (Intl): an independent reference for tests of
 * the calendar's own DST arithmetic (src/core/calendar/dst.ts), which must not use Intl itself.
 */
const NEW_YORK = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** `YYYY-MM-DD HH:MM` in New York at epoch ms `t`. */
export function newYorkWall(t: number): string {
  const p = Object.fromEntries(NEW_YORK.formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
