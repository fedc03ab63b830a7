// What a change is about to cancel (a maintenance window, a closure, shorter opening hours), read
// from the server's dry run before the manager confirms: each booking with its member (where the
// server shows the name), its machine and its time in the lab's zone; or that nothing is cancelled.
import type { Booking } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/datetime';

interface Props {
  bookings: Booking[];
  zone: string;
  machineName: (machineId: string) => string;
}

export function CancellationPreview({ bookings, zone, machineName }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  if (bookings.length === 0) {
    return (
      <p className="notice" role="status">
        {t('cancellationPreview.none')}
      </p>
    );
  }
  const sorted = [...bookings].sort((a, b) => a.start.localeCompare(b.start));
  return (
    <div className="cancellation-preview" role="status">
      <p className="notice notice-warning">{t('cancellationPreview.some', { count: bookings.length })}</p>
      <ul className="list cancellation-list" aria-label={t('cancellationPreview.listLabel')}>
        {sorted.map((b) => (
          <li key={b.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{b.userName ?? t('cancellationPreview.member')}</strong>
                {' · '}
                {machineName(b.machineId) || t('myBookings.unknownMachine')}
              </p>
              <p className="muted small">
                {format.range(b.start, b.end, zone)} · {t(`bookingStatus.${b.status}`)}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
