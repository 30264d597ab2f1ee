import { describe, it, expect } from 'vitest';
import { calendarFromSessions } from '../../src/core/calendar/index.js';
import { ValidationError, type Issue } from '../../src/core/errors.js';

const ms = (iso: string): number => Date.parse(iso);

function issuesOf(json: unknown, source = 'my-cal.json'): readonly Issue[] {
  try {
    calendarFromSessions(json, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

const ok = (day: string, open = '09:30', close = '16:00') => ({ day, open, close });

describe('calendarFromSessions', () => {
  it('builds a calendar from New York wall times; unlisted days are closed', () => {
    const cal = calendarFromSessions({
      sessions: [ok('2025-01-03'), ok('2025-01-02'), ok('2025-07-03', '09:30', '13:00')],
    });
    expect(cal.name).toBe('calendar');
    expect(cal.firstDay).toBe('2025-01-02');
    expect(cal.lastDay).toBe('2025-07-03');
    expect(cal.sessionFor('2025-01-02')).toEqual({
      day: '2025-01-02',
      open: ms('2025-01-02T14:30:00Z'),
      close: ms('2025-01-02T21:00:00Z'),
      early: false,
    });
    expect(cal.sessionFor('2025-07-03')).toMatchObject({ close: ms('2025-07-03T17:00:00Z'), early: true });
    expect(cal.sessionFor('2025-01-06')).toBeNull();
    expect(cal.isRegularSession(ms('2025-01-02T14:30:00Z'))).toBe(true);
    expect(cal.isRegularSession(ms('2025-01-02T21:00:00Z'))).toBe(false);
    expect(cal.nextClose(ms('2025-01-02T22:00:00Z'))).toBe(ms('2025-01-03T21:00:00Z'));
    expect(cal.nextOpen(ms('2025-01-03T22:00:00Z'))).toBe(ms('2025-07-03T13:30:00Z'));
    expect(cal.nextClose(ms('2025-07-03T17:00:00Z'))).toBeNull();
  });

  it('accepts ISO instants (any zone), an explicit early flag and a name', () => {
    const cal = calendarFromSessions(
      {
        name: 'half days',
        sessions: [
          { open: '2025-01-02T14:30:00Z', close: '2025-01-02T12:00:00-05:00', early: false },
          { day: '2025-01-03', open: '2025-01-03T09:30:00-05:00', close: '2025-01-03T21:00:00.000Z' },
        ],
      },
      'x.json',
    );
    expect(cal.name).toBe('half days');
    expect(cal.sessionFor('2025-01-02')).toMatchObject({ close: ms('2025-01-02T17:00:00Z'), early: false });
    expect(cal.sessionFor('2025-01-03')).toMatchObject({ open: ms('2025-01-03T14:30:00Z'), early: false });
  });

  it('names the source when the document is not an object', () => {
    expect(issuesOf([1, 2])).toEqual([expect.objectContaining({ where: 'my-cal.json', value: [1, 2] })]);
  });

  it('requires a non-empty sessions array and flags unknown top-level keys', () => {
    expect(issuesOf({})[0]).toMatchObject({ where: 'my-cal.json sessions', value: undefined });
    expect(issuesOf({ sessions: [] })[0]).toMatchObject({ where: 'my-cal.json sessions', value: [] });
    expect(issuesOf({ sessions: [ok('2025-01-02')], sesions: 1 })[0]).toMatchObject({
      where: 'my-cal.json sesions',
      message: expect.stringContaining('allowed keys are sessions, name'),
    });
    expect(issuesOf({ sessions: [ok('2025-01-02')], name: '' })[0]).toMatchObject({
      where: 'my-cal.json name',
    });
  });

  // prettier-ignore
  it.each([
    ['a non-object session', 'oops', 'my-cal.json sessions[1]', 'oops', /must be an object/],
    ['an impossible day', ok('2025-02-30'), 'my-cal.json sessions[1].day', '2025-02-30', /real New York date/],
    ['a malformed day', ok('2025/01/03'), 'my-cal.json sessions[1].day', '2025/01/03', /YYYY-MM-DD/],
    ['a one-digit hour', ok('2025-01-03', '9:30'), 'my-cal.json sessions[1].open', '9:30', /"HH:MM"/],
    ['hour 24', ok('2025-01-03', '09:30', '24:00'), 'my-cal.json sessions[1].close', '24:00', /"HH:MM"/],
    ['a number', { day: '2025-01-03', open: 930, close: '16:00' }, 'my-cal.json sessions[1].open', 930, /valid time/],
    ['an ISO instant without a zone', { open: '2025-01-03T14:30:00', close: '2025-01-03T21:00:00Z' }, 'my-cal.json sessions[1].open', '2025-01-03T14:30:00', /ISO instant with a zone/],
    ['close before open', ok('2025-01-03', '16:00', '09:30'), 'my-cal.json sessions[1].close', '09:30', /must be after open/],
    ['close equal to open', ok('2025-01-03', '09:30', '09:30'), 'my-cal.json sessions[1].close', '09:30', /close > open/],
    ['a wall time without a day', { open: '09:30', close: '16:00' }, 'my-cal.json sessions[1].day', undefined, /required/],
    ['an unknown key', { ...ok('2025-01-03'), clsoe: '16:00' }, 'my-cal.json sessions[1].clsoe', '16:00', /not a known key/],
    ['a non-boolean early', { ...ok('2025-01-03'), early: 'yes' }, 'my-cal.json sessions[1].early', 'yes', /true or false/],
    ['an instant on another day', { day: '2025-01-03', open: '2025-01-04T14:30:00Z', close: '2025-01-04T21:00:00Z' }, 'my-cal.json sessions[1].open', '2025-01-04T14:30:00Z', /falls on 2025-01-04/],
    ['a duplicate day', ok('2025-01-02', '10:00', '11:00'), 'my-cal.json sessions[1].day', '2025-01-02', /duplicates sessions\[0\]/],
  ])('reports %s with its path and value', (_what, bad, where, value, message) => {
    const issues = issuesOf({ sessions: [ok('2025-01-02'), bad] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ where, value });
    expect(issues[0]!.message).toMatch(message);
  });

  it('reports every problem at once, and the error message shows path and value', () => {
    let error: unknown;
    try {
      calendarFromSessions(
        { sessions: [ok('2025-01-02', '16:00', '09:30'), ok('2025-13-01'), ok('2025-01-06', 'x')] },
        'cal.json',
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const { issues, message } = error as ValidationError;
    expect(issues.map((i) => i.where)).toEqual([
      'cal.json sessions[0].close',
      'cal.json sessions[1].day',
      'cal.json sessions[2].open',
    ]);
    expect(message).toContain('cal.json sessions[0].close: must be after open');
    expect(message).toContain('(got "09:30")');
    expect(message).toContain('cal.json sessions[1].day');
    expect(message).toContain('"2025-13-01"');
  });

  it('reports an overlap with its path and the open as written', () => {
    const issues = issuesOf({
      sessions: [{ open: '2025-01-02T20:00:00Z', close: '2025-01-03T15:00:00Z' }, ok('2025-01-03')],
    });
    expect(issues).toEqual([
      {
        where: 'my-cal.json sessions[1].open',
        value: '09:30',
        message: expect.stringMatching(
          /opens at 2025-01-03T14:30:00.000Z, before sessions\[0\].*closes at 2025-01-03T15:00:00.000Z.*must not overlap/,
        ),
      },
    ]);
  });

  it('sorts unsorted input and keeps original indices in overlap reports', () => {
    const issues = issuesOf({
      sessions: [
        { open: '2025-01-03T14:30:00Z', close: '2025-01-03T21:00:00Z' },
        { open: '2025-01-02T20:00:00Z', close: '2025-01-03T15:00:00Z' },
      ],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.where).toBe('my-cal.json sessions[0].open');
    expect(issues[0]!.message).toMatch(/before sessions\[1\]/);
  });
});
