// The maker's view of a lab: the week's calendar, booking by click or drag over free time,
// rescheduling their own bookings by dragging them.
import {
  SLOT_HOLDING_STATUSES,
  type Booking,
  type BusyInterval,
  type LabWithClosures,
  type Machine,
} from '@fablab/shared';
import { DateTime } from 'luxon';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { DateInput } from '../../../components/ui/date-input';
import { ErrorState } from '../../../components/ui/states';
import { useErrorMessage } from '../../../lib/error-message';
import { useFormat } from '../../../lib/datetime';
import { useNow } from '../../../lib/use-now';
import { useBookings } from '../api/get-bookings';
import { useLabAvailability } from '../api/get-lab-availability';
import { useLabEvents } from '../api/lab-events';
import { useUpdateBooking } from '../api/update-booking';
import { BookingDialog, type BookingDraft } from './booking-dialog';
import { LabCalendar, type CalendarEntry, type CalendarMachine, type SlotSelection } from './lab-calendar';
import { CalendarLegend } from './calendar-legend';
import { weekSpan } from './time-grid';

interface Props {
  lab: LabWithClosures;
  machines: Machine[];
  signedIn: boolean;
  certifiedTypes?: ReadonlySet<string>;
  machineTypeName: (type: string) => string;
}

const HOLDING = new Set<string>(SLOT_HOLDING_STATUSES);

function overlaps(a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean {
  return a.start < b.end && b.start < a.end;
}

export function useCalendarParams(zone: string) {
  const [params, setParams] = useSearchParams();
  const today = DateTime.now().setZone(zone).toISODate() as string;
  const dateParam = params.get('date');
  const date = dateParam && DateTime.fromISO(dateParam, { zone }).isValid ? dateParam : today;
  const view = params.get('view') === 'week' ? 'week' : 'day';
  const type = params.get('type') ?? '';
  const machine = params.get('machine') ?? '';
  const update = useCallback(
    (changes: Record<string, string | null>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return { date, view, type, machine, today, update } as const;
}

export function LabBookingCalendar({ lab, machines, signedIn, certifiedTypes, machineTypeName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const errorMessage = useErrorMessage();
  const zone = lab.timezone;
  const { date, view, type, machine: machineParam, today, update } = useCalendarParams(zone);
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [feedback, setFeedback] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const reschedule = useUpdateBooking();
  const now = useNow();
  useLabEvents(lab.id);

  const day = DateTime.fromISO(date, { zone });
  const weekStart = day.startOf('week');
  const from = weekStart.toUTC().toISO() as string;
  const to = weekStart.plus({ weeks: 1 }).toUTC().toISO() as string;
  const availability = useLabAvailability(lab.id, from, to);
  const mine = useBookings({ mine: true, labId: lab.id, from, to, limit: 500 }, { enabled: signedIn });

  const visibleMachines = useMemo(() => machines.filter((m) => m.status !== 'retired'), [machines]);
  const types = useMemo(() => [...new Set(visibleMachines.map((m) => m.type))].sort(), [visibleMachines]);
  const filtered = useMemo(() => visibleMachines.filter((m) => !type || m.type === type), [visibleMachines, type]);
  const weekMachine = filtered.find((m) => m.id === machineParam) ?? filtered[0];
  const shown = useMemo(
    () => (view === 'week' ? (weekMachine ? [weekMachine] : []) : filtered),
    [view, weekMachine, filtered],
  );
  const shownIds = useMemo(() => new Set(shown.map((m) => m.id)), [shown]);

  const resources = useMemo<CalendarMachine[]>(
    () =>
      shown.map((m) => ({
        id: m.id,
        title: m.name,
        detail: [
          machineTypeName(m.type),
          m.status === 'out_of_service' ? t('machineStatus.out_of_service') : null,
          m.requiresCertification ? t('machines.needsCertificationShort') : null,
          m.requiresApproval ? t('machines.needsApprovalShort') : null,
        ]
          .filter(Boolean)
          .join(' · '),
        warn: m.requiresCertification && !(certifiedTypes?.has(m.type) ?? false),
      })),
    [shown, machineTypeName, t, certifiedTypes],
  );

  const myBookings = useMemo(
    () => (mine.data?.items ?? []).filter((b) => shownIds.has(b.machineId)),
    [mine.data, shownIds],
  );

  const { entries, background, busyByMachine } = useMemo(() => {
    const entries: CalendarEntry[] = [];
    const background: CalendarEntry[] = [];
    const busyByMachine = new Map<string, Array<{ start: Date; end: Date }>>();
    const ownKeys = new Set(
      myBookings.filter((b) => HOLDING.has(b.status)).map((b) => `${b.machineId}|${Date.parse(b.start)}`),
    );
    for (const row of availability.data?.machines ?? []) {
      if (!shownIds.has(row.machineId)) continue;
      const busy: Array<{ start: Date; end: Date }> = [];
      row.busy.forEach((interval: BusyInterval, index: number) => {
        const start = new Date(interval.start);
        const end = new Date(interval.end);
        busy.push({ start, end });
        if (interval.kind === 'closed') {
          background.push({
            id: `c-${row.machineId}-${index}`,
            machineId: row.machineId,
            start,
            end,
            title: t('calendar.closed'),
            kind: 'closed',
          });
          return;
        }
        if (interval.kind === 'booking' && ownKeys.has(`${row.machineId}|${start.getTime()}`)) return;
        entries.push({
          id: `b-${row.machineId}-${index}`,
          machineId: row.machineId,
          start,
          end,
          kind: interval.kind === 'maintenance' ? 'maintenance' : 'booking',
          title: interval.kind === 'maintenance' ? t('calendar.maintenance') : t('calendar.booked'),
        });
      });
      busyByMachine.set(row.machineId, busy);
    }
    for (const b of myBookings) {
      if (!HOLDING.has(b.status) && b.status !== 'completed' && b.status !== 'no_show') continue;
      entries.push({
        id: b.id,
        bookingId: b.id,
        machineId: b.machineId,
        start: new Date(b.start),
        end: new Date(b.end),
        kind: 'mine',
        status: b.status,
        title: `${t('calendar.mine')} · ${t(`bookingStatus.${b.status}`)}`,
        draggable: (b.status === 'pending' || b.status === 'approved') && Date.parse(b.start) > now,
      });
    }
    return { entries, background, busyByMachine };
  }, [availability.data, myBookings, shownIds, t, now]);

  const canSelect = useCallback(
    (machineId: string, start: Date, end: Date) => {
      if (start.getTime() < now) return false;
      const busy = busyByMachine.get(machineId) ?? [];
      if (busy.some((b) => overlaps(b, { start, end }))) return false;
      return !myBookings.some(
        (b) =>
          b.machineId === machineId &&
          HOLDING.has(b.status) &&
          overlaps({ start: new Date(b.start), end: new Date(b.end) }, { start, end }),
      );
    },
    [busyByMachine, myBookings, now],
  );

  const span = weekSpan(lab.openingHours);
  const step = Math.max(15, Math.min(60, ...shown.map((m) => m.slotMinutes).filter((s) => 60 % s === 0), 60));

  const onSelectSlot = useCallback(
    (slot: SlotSelection) => {
      setFeedback(null);
      if (!signedIn) {
        setFeedback({ tone: 'error', text: t('booking.signInFirst') });
        return;
      }
      if (!canSelect(slot.machineId, slot.start, slot.end)) {
        setFeedback({ tone: 'error', text: t('booking.slotNotFree') });
        return;
      }
      setDraft({ machineId: slot.machineId, start: slot.start, end: slot.end });
    },
    [signedIn, canSelect, t],
  );

  const onMoveEntry = useCallback(
    (entry: CalendarEntry, start: Date, end: Date, machineId: string) => {
      if (!entry.bookingId) return;
      if (machineId !== entry.machineId) {
        setFeedback({ tone: 'error', text: t('booking.sameMachineOnly') });
        return;
      }
      setFeedback(null);
      reschedule.mutate(
        { id: entry.bookingId, body: { start: start.toISOString(), end: end.toISOString() } },
        {
          onSuccess: (booking) =>
            setFeedback({
              tone: 'ok',
              text: t('booking.rescheduled', { when: format.range(booking.start, booking.end, zone) }),
            }),
          onError: (error) => setFeedback({ tone: 'error', text: errorMessage(error) }),
        },
      );
    },
    [reschedule, t, format, zone, errorMessage],
  );

  function onBooked(booking: Booking) {
    setDraft(null);
    const machineName = machines.find((m) => m.id === booking.machineId)?.name ?? '';
    setFeedback({
      tone: 'ok',
      text: t(booking.status === 'pending' ? 'booking.sentPending' : 'booking.sentApproved', {
        machine: machineName,
        when: format.range(booking.start, booking.end, zone),
      }),
    });
  }

  function openBlankDraft() {
    const first = shown[0];
    if (!first) return;
    setFeedback(null);
    const base =
      date === today
        ? DateTime.now().setZone(zone).plus({ hours: 1 }).startOf('hour')
        : day.set({ hour: Number(span.min.slice(0, 2)) + 1 });
    setDraft({ machineId: first.id, start: base.toJSDate(), end: base.plus({ minutes: first.minMinutes }).toJSDate() });
  }

  const stepDays = view === 'week' ? 7 : 1;
  const go = (days: number) => update({ date: day.plus({ days }).toISODate() });

  return (
    <div className="lab-calendar">
      <div className="calendar-toolbar" role="toolbar" aria-label={t('calendar.toolbar')}>
        <div className="button-group">
          <button type="button" className="button" onClick={() => go(-stepDays)}>
            <span aria-hidden="true">‹ </span>
            {view === 'week' ? t('calendar.previousWeek') : t('calendar.previousDay')}
          </button>
          <button type="button" className="button" onClick={() => update({ date: null })} disabled={date === today}>
            {t('calendar.today')}
          </button>
          <button type="button" className="button" onClick={() => go(stepDays)}>
            {view === 'week' ? t('calendar.nextWeek') : t('calendar.nextDay')}
            <span aria-hidden="true"> ›</span>
          </button>
        </div>
        <label className="field field-inline">
          <span>{t('calendar.date')}</span>
          <DateInput required value={date} onChange={(d) => d && update({ date: d })} />
        </label>
        <div className="button-group" role="group" aria-label={t('calendar.view')}>
          <button type="button" className="button" aria-pressed={view === 'day'} onClick={() => update({ view: null })}>
            {t('calendar.dayAllMachines')}
          </button>
          <button
            type="button"
            className="button"
            aria-pressed={view === 'week'}
            onClick={() => update({ view: 'week' })}
          >
            {t('calendar.weekOneMachine')}
          </button>
        </div>
        <label className="field field-inline">
          <span>{t('calendar.machineType')}</span>
          <select value={type} onChange={(e) => update({ type: e.target.value, machine: null })}>
            <option value="">{t('calendar.allTypes')}</option>
            {types.map((ty) => (
              <option key={ty} value={ty}>
                {machineTypeName(ty)}
              </option>
            ))}
          </select>
        </label>
        {view === 'week' && (
          <label className="field field-inline">
            <span>{t('calendar.machine')}</span>
            <select value={weekMachine?.id ?? ''} onChange={(e) => update({ machine: e.target.value })}>
              {filtered.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {signedIn ? (
          <button
            type="button"
            className="button button-primary"
            onClick={openBlankDraft}
            disabled={shown.length === 0}
          >
            {t('booking.newBooking')}
          </button>
        ) : (
          <Link className="button button-primary" to={`/sign-in?next=${encodeURIComponent(`/labs/${lab.id}`)}`}>
            {t('booking.signInToBook')}
          </Link>
        )}
      </div>
      <p className="calendar-heading" aria-live="polite">
        {view === 'week'
          ? t('calendar.weekOf', {
              from: format.date(weekStart, zone),
              to: format.date(weekStart.plus({ days: 6 }), zone),
            })
          : `${day.setLocale(format.locale).toFormat('cccc')}, ${format.date(day, zone)}`}
        <span className="muted small"> · {t('calendar.zoneNote', { zone })}</span>
      </p>
      <CalendarLegend />
      <div aria-live="polite" className="feedback-region">
        {feedback && (
          <p
            className={feedback.tone === 'ok' ? 'feedback feedback-ok' : 'feedback feedback-error'}
            role={feedback.tone === 'error' ? 'alert' : 'status'}
          >
            {feedback.text}
          </p>
        )}
      </div>
      {availability.isError && <ErrorState error={availability.error} onRetry={() => void availability.refetch()} />}
      <div
        className={availability.isFetching ? 'calendar-wrap is-loading' : 'calendar-wrap'}
        aria-busy={availability.isPending}
      >
        <LabCalendar
          zone={zone}
          view={view}
          date={day.toJSDate()}
          onNavigate={(d) => update({ date: DateTime.fromJSDate(d, { zone }).toISODate() })}
          machines={resources}
          entries={entries}
          background={background}
          minTime={span.min}
          maxTime={span.max}
          step={step}
          onSelectSlot={onSelectSlot}
          onMoveEntry={signedIn ? onMoveEntry : undefined}
          canSelect={canSelect}
        />
      </div>
      <BookingDialog
        draft={draft}
        onClose={() => setDraft(null)}
        onBooked={onBooked}
        machines={machines}
        zone={zone}
        dayStart={span.min}
        dayEnd={span.max}
        certifiedTypes={certifiedTypes}
        machineTypeName={machineTypeName}
      />
    </div>
  );
}
