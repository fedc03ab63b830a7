import type { Booking } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { useCancelBooking } from '../api/cancel-booking';

export function CancelDialog({
  booking,
  description,
  onClose,
}: {
  booking: Booking | null;
  description: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog open={booking !== null} title={t('myBookings.cancelTitle')} onClose={onClose}>
      {booking && <CancelForm booking={booking} description={description} onBack={onClose} onCancelled={onClose} />}
    </Dialog>
  );
}

/**
 * Giving a booking up, with an optional reason: in its own dialog (a description above), or as a
 * step of the booking's details (a heading of its own).
 */
export function CancelForm({
  booking,
  heading,
  description,
  onBack,
  onCancelled,
}: {
  booking: Booking;
  heading?: string;
  description?: string;
  onBack: () => void;
  onCancelled: () => void;
}) {
  const { t } = useTranslation();
  const cancel = useCancelBooking();
  const [reason, setReason] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    cancel.mutate({ id: booking.id, reason: reason.trim() || undefined }, { onSuccess: onCancelled });
  }
  return (
    <form className="form" onSubmit={submit} aria-label={heading}>
      {heading && <h3>{heading}</h3>}
      {description && <p>{description}</p>}
      <label className="field">
        <span>{t('myBookings.cancelReason')}</span>
        <input maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <FormError error={cancel.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onBack}>
          {t('myBookings.keep')}
        </button>
        <button type="submit" className="button button-danger" disabled={cancel.isPending}>
          {t('myBookings.confirmCancel')}
        </button>
      </div>
    </form>
  );
}
