// The maker's view of a lab: a day of every machine, a week of one, or the day as a list (the
// phone's default); booking by click, tap or drag over free time. Own bookings open their details
// (click, tap or Enter); dragging one is a desktop shortcut that asks before it saves, and can be
// undone.
import {
  SLOT_HOLDING_STATUSES,
  type Booking,
  type BusyInterval,
  type LabWithClosures,
  type Machine,
} from '@fablab/shared';
import { DateTime } from 'luxon';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { DateInput } from '../../../components/ui/date-input';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useErrorMessage } from '../../../lib/error-message';
import { useFormat } from '../../../lib/datetime';
import { useMediaQuery, PHONE_QUERY } from '../../../lib/use-media-query';
import { useNow } from '../../../lib/use-now';
import { useBookings } from '../api/get-bookings';
import { useLabAvailability } from '../api/get-lab-availability';
import { useLabEvents } from '../api/lab-events';
import { useUpdateBooking } from '../api/update-booking';
import { AgendaView, type AgendaMachine } from './agenda-view';
import { BookingDetailsDialog, type BookingContext } from './booking-details-dialog';
import { BookingDialog, type BookingDraft } from './booking-dialog';
import { LabCalendar, type CalendarEntry, type CalendarMachine, type SlotSelection } from './lab-calendar';
import { CalendarLegend } from './calendar-legend';
import { ClosedDaysNotice, closedDaysIn } from './closed-days';
import { weekSpan } from './time-grid';
import { collision, type Busy } from './time-range-fields';

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

export type CalendarView = 'day' | 'week' | 'agenda';

export function useCalendarParams(zone: string, defaultView: CalendarView = 'day') {
  const [params, setParams] = useSearchParams();
  const today = DateTime.now().setZone(zone).toISODate() as string;
  const dateParam = params.get('date');
  const date = dateParam && DateTime.fromISO(dateParam, { zone }).isValid ? dateParam : today;
  const viewParam = params.get('view');
  const view: CalendarView =
    viewParam === 'week' || viewParam === 'agenda' || viewParam === 'day' ? viewParam : defaultView;
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

interface PendingMove {
  booking: Booking;
  start: Date;
  end: Date;
  /** Why the new time cannot be had, when the calendar already knows. */
  refusal: string | null;
}

interface Feedback {
  tone: 'ok' | 'error';
  text: string;
  /** The times a reschedule replaced: "Undo" puts them back. */
  undo?: { id: string; start: string; end: string };
}

export function LabBookingCalendar({ lab, machines, signedIn, certifiedTypes, machineTypeName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const errorMessage = useErrorMessage();
  const zone = lab.timezone;
  const phone = useMediaQuery(PHONE_QUERY);
  const { date, view, type, machine: machineParam, today, update } = useCalendarParams(zone, phone ? 'agenda' : 'day');
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [opened, setOpened] = useState<Booking | null>(null);
  const [pendingMove, setPendingMove] = useState<PendingMove | null>(null);
  const reschedule = useUpdateBooking();
  const undo = useUpdateBooking();
  const now = useNow();
  const feedbackRef = useRef<HTMLDivElement>(null);
  useLabEvents(lab.id);

  const day = DateTime.fromISO(date, { zone });
  const weekStart = day.startOf('week');
  const from = weekStart.toUTC().toISO() as string;
  const to = weekStart.plus({ weeks: 1 }).toUTC().toISO() as string;
  const availability = useLabAvailability(lab.id, from, to);
  const closedDays = closedDaysIn(
    lab.closures,
    view === 'week' ? (weekStart.toISODate() as string) : date,
    view === 'week' ? 7 : 1,
  );
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

  const detailOf = useCallback(
    (m: Machine) =>
      [
        machineTypeName(m.type),
        m.status === 'out_of_service' ? t('machineStatus.out_of_service') : null,
        m.requiresCertification ? t('machines.needsCertificationShort') : null,
        m.requiresApproval ? t('machines.needsApprovalShort') : null,
      ]
        .filter(Boolean)
        .join(' · '),
    [machineTypeName, t],
  );
  const resources = useMemo<CalendarMachine[]>(
    () =>
      shown.map((m) => ({
        id: m.id,
        title: m.name,
        detail: detailOf(m),
        warn: m.requiresCertification && !(certifiedTypes?.has(m.type) ?? false),
      })),
    [shown, detailOf, certifiedTypes],
  );

  const myBookings = useMemo(
    () => (mine.data?.items ?? []).filter((b) => shownIds.has(b.machineId)),
    [mine.data, shownIds],
  );

  const { entries, background, busyByMachine } = useMemo(() => {
    const entries: CalendarEntry[] = [];
    const background: CalendarEntry[] = [];
    const busyByMachine = new Map<string, Busy[]>();
    const ownKeys = new Set(
      myBookings.filter((b) => HOLDING.has(b.status)).map((b) => `${b.machineId}|${Date.parse(b.start)}`),
    );
    for (const row of availability.data?.machines ?? []) {
      if (!shownIds.has(row.machineId)) continue;
      const busy: Busy[] = [];
      row.busy.forEach((interval: BusyInterval, index: number) => {
        const start = new Date(interval.start);
        const end = new Date(interval.end);
        busy.push({ start: start.getTime(), end: end.getTime(), kind: interval.kind });
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
        // Dragging is the desktop's shortcut; a finger scrolls.
        draggable: !phone && (b.status === 'pending' || b.status === 'approved') && Date.parse(b.start) > now,
      });
    }
    return { entries, background, busyByMachine };
  }, [availability.data, myBookings, shownIds, t, now, phone]);

  const canSelect = useCallback(
    (machineId: string, start: Date, end: Date) => {
      if (start.getTime() < now) return false;
      const busy = busyByMachine.get(machineId) ?? [];
      if (busy.some((b) => b.start < end.getTime() && start.getTime() < b.end)) return false;
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

  const bookingById = useMemo(() => new Map((mine.data?.items ?? []).map((b) => [b.id, b])), [mine.data]);
  const onSelectEntry = useCallback(
    (entry: CalendarEntry) => {
      const booking = entry.bookingId ? bookingById.get(entry.bookingId) : undefined;
      if (booking) setOpened(booking);
    },
    [bookingById],
  );

  /** Why a booking cannot move there, from what the calendar knows (the server decides last). */
  const refusalOf = useCallback(
    (booking: Booking, start: Date, end: Date, machineId: string): string | null => {
      if (machineId !== booking.machineId) return t('booking.sameMachineOnly');
      if (start.getTime() < now) return t('move.inThePast');
      const machine = machines.find((m) => m.id === booking.machineId);
      const busy = (busyByMachine.get(booking.machineId) ?? []).filter(
        (b) => !(b.kind === 'booking' && b.start === Date.parse(booking.start)),
      );
      const hit = collision(busy, start.getTime(), end.getTime(), machine);
      if (!hit) return null;
      const when = `${format.time(new Date(hit.start), zone)}–${format.time(new Date(hit.end), zone)}`;
      return t(`move.collides.${hit.kind}`, { when });
    },
    [t, now, machines, busyByMachine, format, zone],
  );

  const onMoveEntry = useCallback(
    (entry: CalendarEntry, start: Date, end: Date, machineId: string) => {
      const booking = entry.bookingId ? bookingById.get(entry.bookingId) : undefined;
      if (!booking) return;
      if (start.getTime() === Date.parse(booking.start) && end.getTime() === Date.parse(booking.end)) return;
      setFeedback(null);
      reschedule.reset();
      setPendingMove({ booking, start, end, refusal: refusalOf(booking, start, end, machineId) });
    },
    [bookingById, refusalOf, reschedule],
  );

  const announceRescheduled = useCallback(
    (before: Booking, after: Booking) => {
      setFeedback({
        tone: 'ok',
        text: t('booking.rescheduled', { when: format.range(after.start, after.end, zone) }),
        undo: { id: after.id, start: before.start, end: before.end },
      });
    },
    [t, format, zone],
  );

  // A reschedule's message has an Undo button: focus lands on it once the dialog has closed (the
  // dialogs' own effects run first, being children).
  useEffect(() => {
    if (feedback?.undo) feedbackRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [feedback]);

  function saveMove() {
    if (!pendingMove) return;
    const { booking, start, end } = pendingMove;
    reschedule.mutate(
      { id: booking.id, body: { start: start.toISOString(), end: end.toISOString() } },
      {
        onSuccess: (after) => {
          setPendingMove(null);
          announceRescheduled(booking, after);
        },
      },
    );
  }

  function undoMove(previous: NonNullable<Feedback['undo']>) {
    undo.mutate(
      { id: previous.id, body: { start: previous.start, end: previous.end } },
      {
        onSuccess: (b) =>
          setFeedback({ tone: 'ok', text: t('move.undone', { when: format.range(b.start, b.end, zone) }) }),
        onError: (error) => setFeedback({ tone: 'error', text: errorMessage(error) }),
      },
    );
  }

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

  const openedMachine = opened ? machines.find((m) => m.id === opened.machineId) : undefined;
  const openedContext: BookingContext | undefined = opened
    ? {
        machine: openedMachine,
        machineName: openedMachine?.name ?? '',
        zone,
        openingHours: lab.openingHours,
        checkInEarlyMinutes: lab.settings.checkInEarlyMinutes,
        cancelCutoffMinutes: lab.settings.cancelCutoffMinutes,
      }
    : undefined;

  const agendaMachines = useMemo<AgendaMachine[]>(
    () =>
      shown.map((m) => ({
        id: m.id,
        name: m.name,
        detail: detailOf(m),
        warn: m.requiresCertification && !(certifiedTypes?.has(m.type) ?? false),
        bookable: signedIn && m.status === 'available',
      })),
    [shown, detailOf, certifiedTypes, signedIn],
  );

  const stepDays = view === 'week' ? 7 : 1;
  const go = (days: number) => update({ date: day.plus({ days }).toISODate() });
  const viewButton = (value: CalendarView, label: string) => (
    <button type="button" className="button" aria-pressed={view === value} onClick={() => update({ view: value })}>
      {label}
    </button>
  );

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
          {viewButton('agenda', t('calendar.agendaView'))}
          {viewButton('day', t('calendar.dayAllMachines'))}
          {viewButton('week', t('calendar.weekOneMachine'))}
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
        <span className="muted small"> · {format.zone(zone)}</span>
      </p>
      <ClosedDaysNotice days={closedDays} zone={zone} withDates={view === 'week'} />
      {view !== 'agenda' && <CalendarLegend />}
      {view !== 'agenda' && !phone && signedIn && <p className="muted small">{t('calendar.hint')}</p>}
      <div aria-live="polite" className="feedback-region" ref={feedbackRef}>
        {feedback && (
          <p
            className={feedback.tone === 'ok' ? 'feedback feedback-ok' : 'feedback feedback-error'}
            role={feedback.tone === 'error' ? 'alert' : 'status'}
          >
            {feedback.text}
            {feedback.undo && (
              <span className="feedback-actions">
                <button
                  type="button"
                  className="button button-small"
                  disabled={undo.isPending}
                  onClick={() => undoMove(feedback.undo!)}
                >
                  {t('move.undo')}
                </button>
              </span>
            )}
          </p>
        )}
      </div>
      {availability.isError && <ErrorState error={availability.error} onRetry={() => void availability.refetch()} />}
      <div
        className={availability.isFetching ? 'calendar-wrap is-loading' : 'calendar-wrap'}
        aria-busy={availability.isPending}
      >
        {view === 'agenda' && (availability.isPending || availability.isPlaceholderData) ? (
          <Loading label={t('calendar.loading')} />
        ) : view === 'agenda' ? (
          <AgendaView
            date={date}
            zone={zone}
            now={now}
            machines={agendaMachines}
            busyByMachine={busyByMachine}
            mine={myBookings.filter((b) => HOLDING.has(b.status))}
            onPickFree={(machineId, start, end) => {
              const m = machines.find((x) => x.id === machineId);
              const length = Math.max(m?.minMinutes ?? 60, 60) * 60_000;
              onSelectSlot({
                machineId,
                start,
                end: new Date(Math.min(end.getTime(), start.getTime() + length)),
                action: 'click',
              });
            }}
            onOpenBooking={setOpened}
            closedReason={closedDays[0]?.reason}
          />
        ) : (
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
            compact={phone}
            onSelectSlot={onSelectSlot}
            onSelectEntry={signedIn ? onSelectEntry : undefined}
            onMoveEntry={signedIn ? onMoveEntry : undefined}
            canSelect={canSelect}
          />
        )}
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
      <BookingDetailsDialog
        booking={opened}
        context={openedContext}
        onClose={() => setOpened(null)}
        onRescheduled={announceRescheduled}
        onDone={(text) => setFeedback({ tone: 'ok', text })}
      />
      <Dialog open={pendingMove !== null} title={t('move.title')} onClose={() => setPendingMove(null)}>
        {pendingMove && (
          <div className="form">
            <p className="change-summary">
              <del>{format.range(pendingMove.booking.start, pendingMove.booking.end, zone)}</del> →{' '}
              <strong>{format.range(pendingMove.start, pendingMove.end, zone)}</strong>
            </p>
            {pendingMove.refusal ? (
              <p className="form-error" role="alert">
                {pendingMove.refusal}
              </p>
            ) : (
              <FormError error={reschedule.error} />
            )}
            <div className="form-actions">
              <button type="button" className="button" onClick={() => setPendingMove(null)}>
                {pendingMove.refusal || reschedule.error ? t('common.close') : t('move.keep')}
              </button>
              {!pendingMove.refusal && !reschedule.error && (
                <button
                  type="button"
                  className="button button-primary"
                  disabled={reschedule.isPending}
                  onClick={saveMove}
                >
                  {reschedule.isPending ? t('common.saving') : t('details.saveNewTime')}
                </button>
              )}
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}
