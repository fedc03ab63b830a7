import type { Booking } from '@fablab/shared';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useNow } from '../../../lib/use-now';
import { useCheckIn } from '../api/check-in';
import { useBookings } from '../api/get-bookings';
import { BookingDetailsDialog, type BookingContext } from './booking-details-dialog';
import type { MachineLookup } from './booking-lookup';
import { BookingStatusBadge } from './booking-status';
import { CancelDialog } from './cancel-dialog';
import { CheckOutDialog } from './check-out-dialog';

const PAST_DAYS = 180;
const FALLBACK_ZONE = 'Asia/Ho_Chi_Minh';

export function MyBookingList({ lookup }: { lookup: MachineLookup }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  // Rounded to the minute so that the query key stays put between renders.
  const nowIso = useMemo(() => new Date(Math.floor(now / 60_000) * 60_000).toISOString(), [now]);
  // Bookings are in several labs' zones: an instant, on the hour so the query key stays put.
  const pastFrom = useMemo(
    () => new Date(Math.floor((now - PAST_DAYS * 86_400_000) / 3_600_000) * 3_600_000).toISOString(),
    [now],
  );
  const upcoming = useBookings({ mine: true, from: nowIso, limit: 500 });
  const past = useBookings({ mine: true, from: pastFrom, to: nowIso, limit: 500 });
  const checkIn = useCheckIn();
  const [cancelling, setCancelling] = useState<Booking | null>(null);
  const [checkingOut, setCheckingOut] = useState<Booking | null>(null);
  const [opened, setOpened] = useState<{ booking: Booking; mode: 'view' | 'reschedule' } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const describe = (b: Booking) => {
    const info = lookup(b.machineId);
    const zone = info?.zone ?? FALLBACK_ZONE;
    return `${info?.machineName ?? t('myBookings.unknownMachine')} — ${format.range(b.start, b.end, zone)}`;
  };

  const contextOf = (b: Booking): BookingContext => {
    const info = lookup(b.machineId);
    return {
      machine: info?.machine,
      machineName: info?.machineName ?? t('myBookings.unknownMachine'),
      labName: info?.labName,
      zone: info?.zone ?? FALLBACK_ZONE,
      openingHours: info?.openingHours,
      checkInEarlyMinutes: info?.checkInEarlyMinutes ?? 0,
      cancelCutoffMinutes: info?.cancelCutoffMinutes,
    };
  };

  const upcomingItems = useMemo(
    () =>
      (upcoming.data?.items ?? [])
        .filter((b) => Date.parse(b.end) > now)
        .sort((a, b) => a.start.localeCompare(b.start)),
    [upcoming.data, now],
  );
  const upcomingIds = useMemo(() => new Set(upcomingItems.map((b) => b.id)), [upcomingItems]);
  const pastItems = useMemo(
    () => (past.data?.items ?? []).filter((b) => !upcomingIds.has(b.id)).sort((a, b) => b.start.localeCompare(a.start)),
    [past.data, upcomingIds],
  );

  function item(b: Booking, isUpcoming: boolean) {
    const info = lookup(b.machineId);
    const zone = info?.zone ?? FALLBACK_ZONE;
    const start = Date.parse(b.start);
    const movable = isUpcoming && (b.status === 'pending' || b.status === 'approved') && start > now;
    const canCheckIn =
      b.status === 'approved' && !!info && now >= start - info.checkInEarlyMinutes * 60_000 && now < Date.parse(b.end);
    return (
      <li key={b.id} className="list-item" aria-label={describe(b)}>
        <button
          type="button"
          className="list-item-main list-item-button"
          aria-haspopup="dialog"
          onClick={() => setOpened({ booking: b, mode: 'view' })}
        >
          <span className="list-line">
            <strong>{info?.machineName ?? t('myBookings.unknownMachine')}</strong>
            {info && <span className="muted"> · {info.labName}</span>}
          </span>
          <span className="list-line">{format.range(b.start, b.end, zone)}</span>
          <span className="list-line muted small">
            {t(`purposes.${b.purpose}`)}
            {b.note ? ` · ${b.note}` : ''}
          </span>
          {b.reason && (b.status === 'rejected' || b.status === 'cancelled') && (
            <span className="list-line small">
              <strong>{t('myBookings.reason')}</strong> {b.reason}
            </span>
          )}
        </button>
        <div className="list-item-actions">
          <BookingStatusBadge status={b.status} />
          {movable && info?.machine && (
            <button
              type="button"
              className="button button-small"
              onClick={() => setOpened({ booking: b, mode: 'reschedule' })}
            >
              {t('myBookings.reschedule')}
            </button>
          )}
          {canCheckIn && (
            <button
              type="button"
              className="button button-small"
              disabled={checkIn.isPending}
              onClick={() => checkIn.mutate(b.id)}
            >
              {t('usage.checkIn')}
            </button>
          )}
          {b.status === 'checked_in' && (
            <button type="button" className="button button-small" onClick={() => setCheckingOut(b)}>
              {t('usage.checkOut')}
            </button>
          )}
          {movable && (
            <button type="button" className="button button-small" onClick={() => setCancelling(b)}>
              {t('myBookings.cancel')}
            </button>
          )}
        </div>
      </li>
    );
  }

  return (
    <>
      <StatusMessage message={message} />
      <section className="section" aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t('myBookings.upcoming')}</h2>
        <FormError error={checkIn.error} />
        {upcoming.isPending && <Loading />}
        {upcoming.isError && <ErrorState error={upcoming.error} onRetry={() => void upcoming.refetch()} />}
        {upcoming.data && upcomingItems.length === 0 && (
          <Empty>
            {t('myBookings.noneUpcoming')} <Link to="/">{t('myBookings.bookNow')}</Link>
          </Empty>
        )}
        {upcomingItems.length > 0 && <ul className="list">{upcomingItems.map((b) => item(b, true))}</ul>}
      </section>
      <section className="section" aria-labelledby="past-title">
        <h2 id="past-title">{t('myBookings.past')}</h2>
        {past.isPending && <Loading />}
        {past.isError && <ErrorState error={past.error} onRetry={() => void past.refetch()} />}
        {past.data && pastItems.length === 0 && <Empty>{t('myBookings.nonePast')}</Empty>}
        {pastItems.length > 0 && <ul className="list">{pastItems.map((b) => item(b, false))}</ul>}
      </section>
      <CancelDialog
        booking={cancelling}
        description={cancelling ? describe(cancelling) : ''}
        onClose={() => setCancelling(null)}
      />
      <CheckOutDialog
        booking={checkingOut}
        description={checkingOut ? describe(checkingOut) : ''}
        onClose={() => setCheckingOut(null)}
      />
      <BookingDetailsDialog
        booking={opened?.booking ?? null}
        context={opened ? contextOf(opened.booking) : undefined}
        initialMode={opened?.mode}
        onClose={() => setOpened(null)}
        onRescheduled={(_before, after) => {
          const info = lookup(after.machineId);
          setMessage(
            t('booking.rescheduled', { when: format.range(after.start, after.end, info?.zone ?? FALLBACK_ZONE) }),
          );
        }}
        onDone={setMessage}
      />
    </>
  );
}
