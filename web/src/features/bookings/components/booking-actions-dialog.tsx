// What a lab's manager may do with one booking from the day view: decide, check in or out, cancel.
import type { Booking } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { Badge, FormError } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useApproveBooking } from '../api/approve-booking';
import { useCancelBooking } from '../api/cancel-booking';
import { useCancelSeries } from '../api/cancel-series';
import { useCheckIn } from '../api/check-in';
import { useRejectBooking } from '../api/reject-booking';
import { BookingStatusBadge } from './booking-status';
import { CheckOutDialog } from './check-out-dialog';

interface Props {
  booking: Booking | null;
  machineName: string;
  zone: string;
  onClose: () => void;
}

export function BookingActionsDialog({ booking, machineName, zone, onClose }: Props) {
  const { t } = useTranslation();
  const [checkingOut, setCheckingOut] = useState<Booking | null>(null);
  return (
    <>
      <Dialog open={booking !== null && checkingOut === null} title={t('manage.bookingTitle')} onClose={onClose}>
        {booking && (
          <BookingActions
            booking={booking}
            machineName={machineName}
            zone={zone}
            onClose={onClose}
            onCheckOut={() => setCheckingOut(booking)}
          />
        )}
      </Dialog>
      <CheckOutDialog
        booking={checkingOut}
        description={checkingOut ? `${machineName} — ${checkingOut.userName ?? ''}` : ''}
        onClose={() => {
          setCheckingOut(null);
          onClose();
        }}
      />
    </>
  );
}

function BookingActions({
  booking,
  machineName,
  zone,
  onClose,
  onCheckOut,
}: Omit<Props, 'booking'> & { booking: Booking; onCheckOut: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const approve = useApproveBooking();
  const reject = useRejectBooking();
  const cancel = useCancelBooking();
  const checkIn = useCheckIn();
  const cancelSeries = useCancelSeries();
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState<'reject' | 'cancel' | null>(null);
  const error = approve.error ?? reject.error ?? cancel.error ?? checkIn.error ?? cancelSeries.error;

  function submitReason(event: FormEvent) {
    event.preventDefault();
    const text = reason.trim();
    if (asking === 'reject' && text) reject.mutate({ id: booking.id, reason: text }, { onSuccess: onClose });
    if (asking === 'cancel') cancel.mutate({ id: booking.id, reason: text || undefined }, { onSuccess: onClose });
  }

  return (
    <div className="form">
      <dl className="details">
        <div>
          <dt>{t('manage.member')}</dt>
          <dd>
            {booking.userName ?? '—'} {booking.userEmail && <span className="muted small">({booking.userEmail})</span>}
            {booking.under16 && (
              <>
                {' '}
                <Badge tone="warning">{t('users.under16')}</Badge>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('booking.machine')}</dt>
          <dd>{machineName}</dd>
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
      <FormError error={error} />
      {asking ? (
        <form className="form" onSubmit={submitReason}>
          <label className="field">
            <span>{asking === 'reject' ? t('queue.rejectReason') : t('myBookings.cancelReason')}</span>
            <textarea
              required={asking === 'reject'}
              maxLength={500}
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setAsking(null)}>
              {t('common.back')}
            </button>
            <button
              type="submit"
              className="button button-danger"
              disabled={(asking === 'reject' && !reason.trim()) || reject.isPending || cancel.isPending}
            >
              {asking === 'reject' ? t('queue.confirmReject') : t('myBookings.confirmCancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="form-actions">
          {booking.status === 'pending' && (
            <>
              <button
                type="button"
                className="button button-primary"
                onClick={() => approve.mutate(booking.id, { onSuccess: onClose })}
              >
                {t('queue.approve')}
              </button>
              <button type="button" className="button" onClick={() => setAsking('reject')}>
                {t('queue.reject')}
              </button>
            </>
          )}
          {booking.status === 'approved' && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => checkIn.mutate(booking.id, { onSuccess: onClose })}
            >
              {t('usage.checkIn')}
            </button>
          )}
          {booking.status === 'checked_in' && (
            <button type="button" className="button button-primary" onClick={onCheckOut}>
              {t('usage.checkOut')}
            </button>
          )}
          {(booking.status === 'pending' || booking.status === 'approved') && (
            <button type="button" className="button" onClick={() => setAsking('cancel')}>
              {t('myBookings.cancel')}
            </button>
          )}
          {booking.seriesId && (booking.status === 'pending' || booking.status === 'approved') && (
            <button
              type="button"
              className="button button-danger"
              disabled={cancelSeries.isPending}
              onClick={() => {
                if (!booking.seriesId || !window.confirm(t('groups.cancelSeriesConfirm'))) return;
                cancelSeries.mutate({ seriesId: booking.seriesId, from: booking.start }, { onSuccess: onClose });
              }}
            >
              {t('groups.cancelSeriesFromHere')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
