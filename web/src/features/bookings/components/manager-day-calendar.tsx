// The manager's day: every machine of the lab, every booking with the member's name, maintenance
// and closed time; dragging over free time hands the range to the page (maintenance, walk-in).
import type { Booking, Closure, Machine, OpeningHours } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../../components/ui/date-input';
import { ErrorState } from '../../../components/ui/states';
import { useErrorMessage } from '../../../lib/error-message';
import { localDayRange, useFormat } from '../../../lib/datetime';
import { useBookings } from '../api/get-bookings';
import { useLabAvailability } from '../api/get-lab-availability';
import { useLabEvents } from '../api/lab-events';
import { useUpdateBooking } from '../api/update-booking';
import { BookingActionsDialog } from './booking-actions-dialog';
import { CalendarLegend } from './calendar-legend';
import { ClosedDaysNotice, closedDaysIn } from './closed-days';
import { LabCalendar, type CalendarEntry, type CalendarMachine, type SlotSelection } from './lab-calendar';
import { useCalendarParams } from './lab-booking-calendar';
import { weekSpan } from './time-grid';

const SHOWN = ['pending', 'approved', 'checked_in', 'completed', 'no_show'] as const;

interface Props {
  labId: string;
  zone: string;
  openingHours: OpeningHours;
  /** The lab's closures: a closed day says why. */
  closures: Closure[];
  machines: Machine[];
  onSelectRange: (slot: SlotSelection) => void;
}

export function ManagerDayCalendar({ labId, zone, openingHours, closures, machines, onSelectRange }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const errorMessage = useErrorMessage();
  const { date, today, update } = useCalendarParams(zone);
  const [selected, setSelected] = useState<Booking | null>(null);
  const [feedback, setFeedback] = useState<{ ok: boolean; text: string } | null>(null);
  const reschedule = useUpdateBooking();
  useLabEvents(labId);

  const day = DateTime.fromISO(date, { zone });
  const range = localDayRange(date, zone);
  const from = range.from.toUTC().toISO() as string;
  const to = range.to.toUTC().toISO() as string;
  const availability = useLabAvailability(labId, from, to);
  const bookings = useBookings({ labId, from, to, status: [...SHOWN], limit: 500 });
  const shown = useMemo(() => machines.filter((m) => m.status !== 'retired'), [machines]);
  const machineName = (id: string) => machines.find((m) => m.id === id)?.name ?? '';

  const resources = useMemo<CalendarMachine[]>(
    () =>
      shown.map((m) => ({
        id: m.id,
        title: m.name,
        detail: m.status === 'out_of_service' ? t('machineStatus.out_of_service') : undefined,
        warn: m.status === 'out_of_service',
      })),
    [shown, t],
  );
  const { entries, background } = useMemo(() => {
    const entries: CalendarEntry[] = [];
    const background: CalendarEntry[] = [];
    for (const row of availability.data?.machines ?? []) {
      row.busy.forEach((b, i) => {
        if (b.kind === 'booking') return;
        const entry: CalendarEntry = {
          id: `${b.kind}-${row.machineId}-${i}`,
          machineId: row.machineId,
          start: new Date(b.start),
          end: new Date(b.end),
          kind: b.kind,
          title: b.kind === 'closed' ? t('calendar.closed') : t('calendar.maintenance'),
        };
        (b.kind === 'closed' ? background : entries).push(entry);
      });
    }
    for (const b of bookings.data?.items ?? []) {
      entries.push({
        id: b.id,
        bookingId: b.id,
        machineId: b.machineId,
        start: new Date(b.start),
        end: new Date(b.end),
        kind: 'managed',
        status: b.status,
        title: `${b.userName ?? t('queue.member')} · ${t(`bookingStatus.${b.status}`)}`,
        draggable: b.status === 'pending' || b.status === 'approved',
      });
    }
    return { entries, background };
  }, [availability.data, bookings.data, t]);

  const onSelectEntry = useCallback(
    (entry: CalendarEntry) => {
      const booking = bookings.data?.items.find((b) => b.id === entry.bookingId);
      if (booking) setSelected(booking);
    },
    [bookings.data],
  );

  const onMoveEntry = useCallback(
    (entry: CalendarEntry, start: Date, end: Date, machineId: string) => {
      if (!entry.bookingId) return;
      if (machineId !== entry.machineId) {
        setFeedback({ ok: false, text: t('booking.sameMachineOnly') });
        return;
      }
      reschedule.mutate(
        { id: entry.bookingId, body: { start: start.toISOString(), end: end.toISOString() } },
        {
          onSuccess: (b) =>
            setFeedback({ ok: true, text: t('booking.rescheduled', { when: format.range(b.start, b.end, zone) }) }),
          onError: (err) => setFeedback({ ok: false, text: errorMessage(err) }),
        },
      );
    },
    [reschedule, t, format, zone, errorMessage],
  );

  const span = weekSpan(openingHours);
  const error = availability.error ?? bookings.error;
  return (
    <div className="lab-calendar">
      <div className="calendar-toolbar" role="toolbar" aria-label={t('calendar.toolbar')}>
        <div className="button-group">
          <button type="button" className="button" onClick={() => update({ date: day.minus({ days: 1 }).toISODate() })}>
            <span aria-hidden="true">‹ </span>
            {t('calendar.previousDay')}
          </button>
          <button type="button" className="button" onClick={() => update({ date: null })} disabled={date === today}>
            {t('calendar.today')}
          </button>
          <button type="button" className="button" onClick={() => update({ date: day.plus({ days: 1 }).toISODate() })}>
            {t('calendar.nextDay')}
            <span aria-hidden="true"> ›</span>
          </button>
        </div>
        <label className="field field-inline">
          <span>{t('calendar.date')}</span>
          <DateInput required value={date} onChange={(d) => d && update({ date: d })} />
        </label>
        <p className="calendar-heading">
          {day.setLocale(format.locale).toFormat('cccc')}, {format.date(day, zone)}
        </p>
      </div>
      <ClosedDaysNotice days={closedDaysIn(closures, date, 1)} zone={zone} withDates={false} />
      <CalendarLegend variant="manager" />
      <div className="feedback-region" aria-live="polite">
        {feedback && (
          <p
            className={feedback.ok ? 'feedback feedback-ok' : 'feedback feedback-error'}
            role={feedback.ok ? 'status' : 'alert'}
          >
            {feedback.text}
          </p>
        )}
      </div>
      {error && <ErrorState error={error} onRetry={() => void availability.refetch().then(() => bookings.refetch())} />}
      <LabCalendar
        zone={zone}
        view="day"
        date={day.toJSDate()}
        onNavigate={(d) => update({ date: DateTime.fromJSDate(d, { zone }).toISODate() })}
        machines={resources}
        entries={entries}
        background={background}
        minTime={span.min}
        maxTime={span.max}
        step={30}
        onSelectSlot={onSelectRange}
        onSelectEntry={onSelectEntry}
        onMoveEntry={onMoveEntry}
      />
      <BookingActionsDialog
        booking={selected}
        machineName={selected ? machineName(selected.machineId) : ''}
        zone={zone}
        onClose={() => setSelected(null)}
      />
    </div>
  );
}
