import type { OrderEventBody, SagaReportBody } from './reports.js';

/**
 * The times a bot sends (an event's or a saga report's `asOf`, a placed order's `placedAt`) against the service's
 * clock: one rule for every kind (docs/service.md "Times after the service's clock"). A time after the clock is
 * taken as the clock's time. The bot's clock runs ahead of the service's, and nothing it reports can have
 * happened after it arrived; taken as sent, a snapshot dated a year ahead outranked every correctly dated one
 * until that year came (the position stayed frozen, across restarts too, since the stored reports are replayed),
 * a quote outranked every later quote, and an order placed "in the future" stayed younger than `minOrderAgeSec`.
 *
 * What the bot sent is stored as sent; the rule is applied where a report is taken (the book, with the time it
 * arrived), so a restart's replay of the stored reports takes each one as it was taken live.
 */

/** A time a bot sent, taken on the service's clock (`now`: when the report arrived). */
export function onServiceClock(time: number | undefined, now: number): number | undefined {
  return time === undefined || time <= now ? time : now;
}

type Dated = OrderEventBody | SagaReportBody;

/** The times a report sent that the rule changes (onServiceClock), by field. */
function timesAhead(report: Dated, now: number): { field: 'asOf' | 'order.placedAt'; sent: number }[] {
  const sent: ['asOf' | 'order.placedAt', number | undefined][] = [
    ['asOf', 'asOf' in report ? report.asOf : undefined],
    ['order.placedAt', report.kind === 'placed' && 'order' in report ? report.order.placedAt : undefined],
  ];
  return sent.flatMap(([field, time]) =>
    time === undefined || onServiceClock(time, now) === time ? [] : [{ field, sent: time }],
  );
}

/** The report with its times on the service's clock; the same object when none was after it. */
export function reportOnClock<R extends Dated>(report: R, now: number): R {
  const ahead = timesAhead(report, now);
  if (ahead.length === 0) return report;
  if (report.kind === 'placed' && 'order' in report)
    return Object.assign({}, report, { order: Object.assign({}, report.order, { placedAt: now }) });
  return Object.assign({}, report, { asOf: now });
}

/**
 * What an answer adds when a time was after the service's clock: the field, the time sent, the clock's time it
 * was taken as, and what to do (the bot's clock runs ahead). Empty when none was.
 */
export function clockNote(report: Dated, now: number): string {
  return timesAhead(report, now)
    .map(
      ({ field, sent }) =>
        `; ${field} ${sent} (${iso(sent)}) is after the service's clock (${iso(now)}): taken as ${iso(now)}. ` +
        `The bot's clock runs ${span(sent - now)} ahead of the service's (or the service's runs behind): ` +
        "set both from NTP and send the venue's own timestamp",
    )
    .join('');
}

const iso = (t: number): string => new Date(t).toISOString();

/** A clock's lead in the largest unit that keeps it readable. */
function span(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'days'],
    [3_600_000, 'hours'],
    [60_000, 'minutes'],
    [1_000, 's'],
  ];
  for (const [size, name] of units) if (ms >= size) return `${round(ms / size)} ${name}`;
  return `${ms} ms`;
}

const round = (x: number): string => (Math.round(x * 10) / 10).toLocaleString('en-US');
