import { calendarFromSessions, nyseCalendar, type ExchangeCalendar } from '../core/calendar/index.js';
import { ValidationError } from '../core/errors.js';
import { readStructuredFile } from './read-structured.js';

/** The NYSE calendar, or the user's own sessions file (docs/cli.md "The sessions file") when one is given. */
export async function loadCalendar(file?: string): Promise<ExchangeCalendar> {
  if (file !== undefined && typeof file !== 'string')
    throw new ValidationError('Invalid loadCalendar() input', [
      {
        where: 'file',
        message: 'must be the path of a sessions file (JSON or YAML), or absent for the NYSE calendar',
        value: file,
      },
    ]);
  if (!file) return nyseCalendar();
  return calendarFromSessions(await readStructuredFile(file, 'calendar file'), file);
}
