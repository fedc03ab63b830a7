// One of the member's own bookings, opened from the calendar or the list (click, tap or Enter):
// what it is, and what may be done with it now — reschedule, cancel, check in, add to calendar.
import type { Booking, Machine, OpeningHours } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { saveBlob } from '../../../lib/api-client';
import { useFormat } from '../../../lib/datetime';
import { useNow } from '../../../lib/use-now';
import { useCheckIn } from '../api/check-in';
import { useUpdateBooking } from '../api/update-booking';
import { BookingStatusBadge } from './booking-status';
import { fromLocal, localParts, toMinutes, weekSpan } from './time-grid';
import { CancelForm } from './cancel-dialog';
import { choices, TimeRangeFields, useDayBusy } from './time-range-fields';

export interface BookingContext {
  machine: Machine | undefined;
  machineName: string;
  labName?: string;
  zone: string;
  openingHours?: OpeningHours;
  checkInEarlyMinutes: number;
  /** How long before its start a member may still cancel (the lab's setting). */
  cancelCutoffMinutes?: number;
}

interface Props {
  booking: Booking | null;
  context: BookingContext | undefined;
  onClose: () => void;
  /** After a reschedule: the page says so and offers to undo it. */
  onRescheduled: (before: Booking, after: Booking) => void;
  onDone: (message: string) => void;
  /** Opened by a "Reschedule" button: straight to the new times. */
  initialMode?: 'view' | 'reschedule';
}

export function BookingDetailsDialog({ booking, context, onClose, onRescheduled, onDone, initialMode }: Props) {
  const { t } = useTranslation();
  return (
    <Dialog open={booking !== null && context !== undefined} title={t('details.title')} onClose={onClose}>
      {booking && context && (
        <Details
          key={booking.id}
          booking={booking}
          context={context}
          onClose={onClose}
          onRescheduled={onRescheduled}
          onDone={onDone}
          initialMode={initialMode}
        />
      )}
    </Dialog>
  );
}

/** What may be done now, by the same rules the server applies. */
export function allowedActions(
  booking: Booking,
  context: Pick<BookingContext, 'checkInEarlyMinutes' | 'cancelCutoffMinutes'>,
  now: number,
) {
  const start = Date.parse(booking.start);
  const end = Date.parse(booking.end);
  const open = booking.status === 'pending' || booking.status === 'approved';
  return {
    reschedule: open && start > now,
    cancel: open && start - (context.cancelCutoffMinutes ?? 0) * 60_000 > now,
    checkIn: booking.status === 'approved' && now >= start - context.checkInEarlyMinutes * 60_000 && now < end,
    addToCalendar: (open || booking.status === 'checked_in') && end > now,
  };
}

function icsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/[;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

function icsTime(iso: string): string {
  return DateTime.fromISO(iso).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** A one-event iCalendar file of the booking, for any calendar app. */
export function bookingIcs(booking: Booking, summary: string, location: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//FabLab Binh Duong//Booking//VI',
    'BEGIN:VEVENT',
    `UID:${booking.id}@fablab`,
    `DTSTAMP:${icsTime(new Date().toISOString())}`,
    `DTSTART:${icsTime(booking.start)}`,
    `DTEND:${icsTime(booking.end)}`,
    `SUMMARY:${icsText(summary)}`,
    `LOCATION:${icsText(location)}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

function Details({
  booking,
  context,
  onClose,
  onRescheduled,
  onDone,
  initialMode = 'view',
}: Omit<Props, 'booking' | 'context'> & { booking: Booking; context: BookingContext }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const [mode, setMode] = useState<'view' | 'reschedule' | 'cancel'>(initialMode);
  const checkIn = useCheckIn();
  const allowed = allowedActions(booking, context, now);
  const { zone } = context;

  function addToCalendar() {
    const summary = `${context.machineName} — ${t(`bookingStatus.${booking.status}`)}`;
    const ics = bookingIcs(booking, summary, context.labName ?? '');
    const day = DateTime.fromISO(booking.start, { zone }).toFormat('yyyy-MM-dd');
    saveBlob(new Blob([ics], { type: 'text/calendar;charset=utf-8' }), `fablab-${day}.ics`);
  }

  return (
    <div className="form">
      <dl className="details">
        <div>
          <dt>{t('booking.machine')}</dt>
          <dd>
            {context.machineName}
            {context.labName && <span className="muted"> · {context.labName}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('manage.time')}</dt>
          <dd>{format.range(booking.start, booking.end, zone)}</dd>
        </div>
        <div>
          <dt>{t('booking.purpose')}</dt>
          <dd>
            {t(`purposes.${booking.purpose}`)}
            {booking.note ? ` · ${booking.note}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('manage.status')}</dt>
          <dd>
            <BookingStatusBadge status={booking.status} />
          </dd>
        </div>
      </dl>
      {mode === 'reschedule' && context.machine && (
        <RescheduleForm
          booking={booking}
          machine={context.machine}
          zone={zone}
          openingHours={context.openingHours}
          onBack={() => setMode('view')}
          onSaved={(after) => {
            onClose();
            onRescheduled(booking, after);
          }}
        />
      )}
      {mode === 'cancel' && (
        <CancelForm
          booking={booking}
          heading={t('myBookings.cancelTitle')}
          onBack={() => setMode('view')}
          onCancelled={() => {
            onClose();
            onDone(t('details.cancelled', { when: format.range(booking.start, booking.end, zone) }));
          }}
        />
      )}
      {mode === 'view' && (
        <>
          <FormError error={checkIn.error} />
          {!allowed.reschedule && !allowed.cancel && !allowed.checkIn && !allowed.addToCalendar && (
            <p className="muted">{t('details.nothingNow')}</p>
          )}
          <div className="form-actions form-actions-start">
            {allowed.reschedule && context.machine && (
              <button type="button" className="button button-primary" onClick={() => setMode('reschedule')}>
                {t('myBookings.reschedule')}
              </button>
            )}
            {allowed.checkIn && (
              <button
                type="button"
                className="button button-primary"
                disabled={checkIn.isPending}
                onClick={() =>
                  checkIn.mutate(booking.id, {
                    onSuccess: () => {
                      onClose();
                      onDone(t('details.checkedIn', { machine: context.machineName }));
                    },
                  })
                }
              >
                {t('usage.checkIn')}
              </button>
            )}
            {allowed.addToCalendar && (
              <button type="button" className="button" onClick={addToCalendar}>
                {t('details.addToCalendar')}
              </button>
            )}
            {allowed.cancel && (
              <button type="button" className="button button-danger" onClick={() => setMode('cancel')}>
                {t('myBookings.cancel')}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function RescheduleForm({
  booking,
  machine,
  zone,
  openingHours,
  onBack,
  onSaved,
}: {
  booking: Booking;
  machine: Machine;
  zone: string;
  openingHours?: OpeningHours;
  onBack: () => void;
  onSaved: (after: Booking) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const update = useUpdateBooking();
  const from = localParts(new Date(booking.start), zone);
  const to = localParts(new Date(booking.end), zone);
  const [date, setDate] = useState(from.date);
  const [start, setStart] = useState(from.minutes);
  const length = to.date === from.date ? to.minutes - from.minutes : machine.minMinutes;
  const [chosenEnd, setEnd] = useState(from.minutes + length);
  const span = openingHours ? weekSpan(openingHours) : { min: '00:00', max: '23:59' };
  const { busy } = useDayBusy(machine.labId, machine.id, date, zone, Date.parse(booking.start));
  const offered = choices({ machine, date, zone, start, dayStart: span.min, dayEnd: span.max, busy, now });
  const step = machine.slotMinutes;
  const ruled = Math.min(
    Math.max(start + machine.minMinutes, Math.ceil(chosenEnd / step) * step),
    start + machine.maxMinutes,
  );
  const lastOffered = offered.ends.length > 0 ? toMinutes(offered.ends[offered.ends.length - 1]!) : null;
  const end = lastOffered !== null && ruled > lastOffered ? lastOffered : ruled;
  const startAt = fromLocal(date, start, zone);
  const endAt = fromLocal(date, end, zone);
  const unchanged = startAt.toMillis() === Date.parse(booking.start) && endAt.toMillis() === Date.parse(booking.end);

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { id: booking.id, body: { start: startAt.toUTC().toISO()!, end: endAt.toUTC().toISO()! } },
      { onSuccess: onSaved },
    );
  }

  return (
    <form className="form" onSubmit={submit} aria-label={t('details.rescheduleTitle')}>
      <h3>{t('details.rescheduleTitle')}</h3>
      <TimeRangeFields
        date={date}
        start={start}
        end={end}
        starts={offered.starts}
        ends={offered.ends}
        onDate={setDate}
        onStart={(minutes) => {
          // The length stays as it was, as far as the next busy period allows.
          setEnd(minutes + (end - start));
          setStart(minutes);
        }}
        onEnd={setEnd}
      />
      <p className="change-summary">
        <del>{format.range(booking.start, booking.end, zone)}</del> →{' '}
        <strong>{format.range(startAt, endAt, zone)}</strong>
      </p>
      <FormError error={update.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="button button-primary" disabled={update.isPending || unchanged}>
          {update.isPending ? t('common.saving') : t('details.saveNewTime')}
        </button>
      </div>
    </form>
  );
}

