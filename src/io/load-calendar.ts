import { calendarFromSessions, nyseCalendar, type ExchangeCalendar } from '../core/calendar/index.js';
import { readStructuredFile } from './read-structured.js';

/** The NYSE calendar, or the user's own sessions file (docs/cli.md "The sessions file") when one is given. */
export async function loadCalendar(file?: string): Promise<ExchangeCalendar> {
  if (!file) return nyseCalendar();
  return calendarFromSessions(await readStructuredFile(file, 'calendar file'), file);
}
