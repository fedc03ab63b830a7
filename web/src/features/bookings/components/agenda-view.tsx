// A day as a list, machine by machine: its free periods (a button each, to book) and its busy
// ones. The phone's default view: no grid to aim at with a finger, nothing to scroll sideways.
import type { Booking } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useTranslation } from 'react-i18next';
import { localDayRange, TIME_FORMAT } from '../../../lib/datetime';
import type { Busy } from './time-range-fields';

export interface AgendaMachine {
  id: string;
  name: string;
  detail?: string;
  warn?: boolean;
  bookable: boolean;
}

type Period =
  | { kind: 'free'; start: number; end: number }
  | { kind: 'booking' | 'maintenance'; start: number; end: number }
  | { kind: 'mine'; start: number; end: number; booking: Booking };

interface Props {
  date: string;
  zone: string;
  now: number;
  machines: AgendaMachine[];
  busyByMachine: Map<string, Busy[]>;
  mine: Booking[];
  onPickFree: (machineId: string, start: Date, end: Date) => void;
  onOpenBooking: (booking: Booking) => void;
  /** Why the lab is closed that day (a closure), said where a machine has no time left. */
  closedReason?: string;
}

/** The day's periods of one machine: closed time left out, the rest free or busy, in order. */
export function periodsOf(busy: Busy[], mine: Booking[], dayFrom: number, dayTo: number, now: number): Period[] {
  const clip = (a: number, b: number) => [Math.max(a, dayFrom), Math.min(b, dayTo)] as const;
  const closed = busy
    .filter((b) => b.kind === 'closed' && b.end > dayFrom && b.start < dayTo)
    .map((b) => clip(b.start, b.end));
  // Open time: the day less closed time.
  const open: Array<[number, number]> = [];
  let cursor = dayFrom;
  for (const [a, b] of [...closed].sort((x, y) => x[0] - y[0])) {
    if (a > cursor) open.push([cursor, a]);
    cursor = Math.max(cursor, b);
  }
  if (cursor < dayTo) open.push([cursor, dayTo]);
  const mineByStart = new Map(mine.map((b) => [Date.parse(b.start), b]));
  const taken: Period[] = busy
    .filter((b) => b.kind !== 'closed' && b.end > dayFrom && b.start < dayTo)
    .map((b) => {
      const [start, end] = clip(b.start, b.end);
      const own = b.kind === 'booking' ? mineByStart.get(b.start) : undefined;
      return own
        ? { kind: 'mine' as const, start, end: Math.min(end, Date.parse(own.end)), booking: own }
        : { kind: b.kind === 'maintenance' ? ('maintenance' as const) : ('booking' as const), start, end };
    })
    .sort((a, b) => a.start - b.start);
  const periods: Period[] = [];
  for (const [a, b] of open) {
    let at = a;
    for (const p of taken) {
      if (p.end <= a || p.start >= b) continue;
      if (p.start > at) periods.push({ kind: 'free', start: at, end: p.start });
      periods.push(p);
      at = Math.max(at, p.end);
    }
    if (at < b) periods.push({ kind: 'free', start: at, end: b });
  }
  // What is over is of no use to someone booking; a free period under way starts now.
  return periods
    .filter((p) => p.end > now)
    .map((p) => (p.kind === 'free' && p.start < now ? { ...p, start: now } : p))
    .filter((p) => p.end - p.start >= 60_000);
}

export function AgendaView({
  date,
  zone,
  now,
  machines,
  busyByMachine,
  mine,
  onPickFree,
  onOpenBooking,
  closedReason,
}: Props) {
  const { t } = useTranslation();
  const range = localDayRange(date, zone);
  const midnight = range.to.toMillis();
  const hhmm = (ms: number) => (ms >= midnight ? '24:00' : DateTime.fromMillis(ms, { zone }).toFormat(TIME_FORMAT));
  const span = (p: { start: number; end: number }) => `${hhmm(p.start)}–${hhmm(p.end)}`;
  return (
    <div className="agenda">
      {machines.map((machine) => {
        const periods = periodsOf(
          busyByMachine.get(machine.id) ?? [],
          mine.filter((b) => b.machineId === machine.id),
          range.from.toMillis(),
          range.to.toMillis(),
          now,
        );
        return (
          <section key={machine.id} className="agenda-machine" aria-labelledby={`agenda-${machine.id}`}>
            <h3 id={`agenda-${machine.id}`}>{machine.name}</h3>
            {machine.detail && <p className={machine.warn ? 'small warn-text' : 'muted small'}>{machine.detail}</p>}
            {periods.length === 0 ? (
              <p className="muted small">
                {closedReason ? t('calendar.closedFor', { reason: closedReason }) : t('agenda.nothingLeft')}
              </p>
            ) : (
              <ul className="agenda-periods">
                {periods.map((p) => (
                  <li
                    key={`${p.kind}-${p.start}`}
                    className={`agenda-period agenda-period-${p.kind === 'booking' ? 'busy' : p.kind}`}
                  >
                    <span>
                      <span className="agenda-time">{span(p)}</span>{' '}
                      {p.kind === 'free'
                        ? t('calendar.legendItems.free')
                        : p.kind === 'mine'
                          ? `${t('calendar.mine')} · ${t(`bookingStatus.${p.booking.status}`)}`
                          : p.kind === 'maintenance'
                            ? t('calendar.maintenance')
                            : t('calendar.booked')}
                    </span>
                    {p.kind === 'free' && machine.bookable && (
                      <button
                        type="button"
                        className="button button-small button-primary"
                        aria-label={t('agenda.bookFrom', { machine: machine.name, when: span(p) })}
                        onClick={() => onPickFree(machine.id, new Date(p.start), new Date(p.end))}
                      >
                        {t('agenda.book')}
                      </button>
                    )}
                    {p.kind === 'mine' && (
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={t('agenda.openMine', { machine: machine.name, when: span(p) })}
                        onClick={() => onOpenBooking(p.booking)}
                      >
                        {t('agenda.details')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
