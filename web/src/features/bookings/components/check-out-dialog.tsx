import type { Booking } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { MaterialsEditor, materialUses, type MaterialDraft } from '../../../components/ui/materials-editor';
import { FormError } from '../../../components/ui/states';
import { useCheckOut } from '../api/check-out';

export function CheckOutDialog({
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
    <Dialog open={booking !== null} title={t('usage.checkOutTitle')} onClose={onClose}>
      {booking && <CheckOutForm booking={booking} description={description} onClose={onClose} />}
    </Dialog>
  );
}

function CheckOutForm({
  booking,
  description,
  onClose,
}: {
  booking: Booking;
  description: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const checkOut = useCheckOut();
  const [materials, setMaterials] = useState<MaterialDraft[]>([]);
  const [note, setNote] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    checkOut.mutate(
      {
        id: booking.id,
        body: {
          materials: materialUses(materials),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      },
      { onSuccess: onClose },
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <p>{description}</p>
      <MaterialsEditor labId={booking.labId} rows={materials} onChange={setMaterials} />
      <label className="field">
        <span>{t('usage.noteOptional')}</span>
        <textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <FormError error={checkOut.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={checkOut.isPending}>
          {t('usage.checkOut')}
        </button>
      </div>
    </form>
  );
}
