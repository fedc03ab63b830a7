import type { Machine } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useDeleteMaintenance } from '../api/delete-maintenance';
import { useMaintenance } from '../api/get-maintenance';

const DAYS_AHEAD = 90;

/** The lab's maintenance windows from today on, each removable by a manager. */
export function MaintenanceList({ labId, zone, machines }: { labId: string; zone: string; machines: Machine[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  // Fixed once per mount so the query key does not change on every render.
  const [range] = useState(() => {
    const from = DateTime.now().setZone(zone).startOf('day');
    return { from: from.toUTC().toISO() as string, to: from.plus({ days: DAYS_AHEAD }).toUTC().toISO() as string };
  });
  const windows = useMaintenance({ labId, from: range.from, to: range.to, limit: 100 });
  const remove = useDeleteMaintenance();
  const name = (id: string) => machines.find((m) => m.id === id)?.name ?? '';

  if (windows.isPending) return <Loading />;
  if (windows.isError) return <ErrorState error={windows.error} onRetry={() => void windows.refetch()} />;
  if (windows.data.length === 0) return <Empty>{t('maintenance.noneUpcoming')}</Empty>;
  return (
    <>
      <FormError error={remove.error} />
      <ul className="list" aria-label={t('maintenance.upcoming')}>
        {windows.data.map((w) => (
          <li key={w.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{name(w.machineId)}</strong> · {format.range(w.start, w.end, zone)}
              </p>
              <p className="muted small">{w.reason}</p>
            </div>
            <div className="list-item-actions">
              <button
                type="button"
                className="button button-small"
                disabled={remove.isPending}
                aria-label={t('maintenance.deleteNamed', { machine: name(w.machineId) })}
                onClick={() => {
                  if (window.confirm(t('maintenance.deleteConfirm'))) remove.mutate(w.id);
                }}
              >
                {t('common.delete')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
