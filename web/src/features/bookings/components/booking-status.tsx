import type { BookingStatus } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/ui/states';

const TONES: Record<BookingStatus, 'neutral' | 'info' | 'success' | 'warning' | 'danger'> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  expired: 'neutral',
  cancelled: 'neutral',
  checked_in: 'info',
  completed: 'neutral',
  no_show: 'danger',
};

export function BookingStatusBadge({ status }: { status: BookingStatus }) {
  const { t } = useTranslation();
  return <Badge tone={TONES[status]}>{t(`bookingStatus.${status}`)}</Badge>;
}
