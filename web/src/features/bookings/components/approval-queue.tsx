// The manager's queue of pending requests, each with the member's record in this lab and the
// bookings close to it on the same machine, so a decision takes one look and one click.
import { addDays, type Booking } from '@fablab/shared';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { localDayRange, todayIn, useFormat } from '../../../lib/datetime';
import { useNow } from '../../../lib/use-now';
import { useApproveBooking } from '../api/approve-booking';
import { useBookings } from '../api/get-bookings';
import { useRejectBooking } from '../api/reject-booking';
import type { MachineLookup } from './booking-lookup';
import { BookingStatusBadge } from './booking-status';

const HISTORY_DAYS = 180;
const NEAR_MINUTES = 60;

interface Props {
  labId: string;
  zone: string;
  lookup: MachineLookup;
}

function RejectForm({ booking, onDone }: { booking: Booking; onDone: () => void }) {
  const { t } = useTranslation();
  const reject = useRejectBooking();
  const [reason, setReason] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return;
    reject.mutate({ id: booking.id, reason: reason.trim() }, { onSuccess: onDone });
  }
  return (
    <form className="form reject-form" onSubmit={submit}>
      <label className="field">
        <span>{t('queue.rejectReason')}</span>
        <textarea required maxLength={500} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <FormError error={reject.error} />
      <div className="form-actions">
        <button type="button" className="button button-small" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="button button-small button-danger"
          disabled={reject.isPending || !reason.trim()}
        >
          {t('queue.confirmReject')}
        </button>
      </div>
    </form>
  );
}

export function ApprovalQueue({ labId, zone, lookup }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const since = useMemo(
    () =>
      localDayRange(addDays(todayIn(zone, new Date(now)), -HISTORY_DAYS), zone)
        .from.toUTC()
        .toISO() as string,
    [now, zone],
  );
  const pending = useBookings({ labId, status: 'pending', limit: 500 }, { refetchInterval: 30_000 });
  const history = useBookings({ labId, status: ['completed', 'no_show'], from: since, limit: 500 });
  const items = useMemo(
    () => [...(pending.data?.items ?? [])].sort((a, b) => a.start.localeCompare(b.start)),
    [pending.data],
  );
  const span = useMemo(() => {
    if (items.length === 0) return null;
    const from = Math.min(...items.map((b) => Date.parse(b.start))) - NEAR_MINUTES * 60_000;
    const to = Math.max(...items.map((b) => Date.parse(b.end))) + NEAR_MINUTES * 60_000;
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }, [items]);
  const around = useBookings(
    { labId, status: ['pending', 'approved', 'checked_in'], from: span?.from, to: span?.to, limit: 500 },
    { enabled: span !== null },
  );
  const approve = useApproveBooking();
  const [rejecting, setRejecting] = useState<string | null>(null);

  const record = useMemo(() => {
    const byUser = new Map<string, { noShows: number; completed: number }>();
    for (const b of history.data?.items ?? []) {
      if (!b.userId) continue;
      const r = byUser.get(b.userId) ?? { noShows: 0, completed: 0 };
      if (b.status === 'no_show') r.noShows += 1;
      else r.completed += 1;
      byUser.set(b.userId, r);
    }
    return byUser;
  }, [history.data]);

  if (pending.isPending) return <Loading label={t('queue.loading')} />;
  if (pending.isError) return <ErrorState error={pending.error} onRetry={() => void pending.refetch()} />;
  if (items.length === 0) return <Empty>{t('queue.empty')}</Empty>;

  return (
    <>
      <FormError error={approve.error} />
      <ul className="list" aria-label={t('queue.title')}>
        {items.map((b) => {
          const info = lookup(b.machineId);
          const near = (around.data?.items ?? []).filter(
            (o) =>
              o.id !== b.id &&
              o.machineId === b.machineId &&
              Date.parse(o.start) < Date.parse(b.end) + NEAR_MINUTES * 60_000 &&
              Date.parse(o.end) > Date.parse(b.start) - NEAR_MINUTES * 60_000,
          );
          const r = b.userId ? record.get(b.userId) : undefined;
          const who = b.userName ?? t('queue.member');
          return (
            <li
              key={b.id}
              className="list-item"
              aria-label={`${who}${b.under16 ? ` (${t('users.under16')})` : ''} — ${info?.machineName ?? ''} — ${format.range(b.start, b.end, zone)}`}
            >
              <div className="list-item-main">
                <p>
                  <strong>{who}</strong>
                  {b.under16 && (
                    <>
                      {' '}
                      <Badge tone="warning">{t('users.under16')}</Badge>
                    </>
                  )}
                  {b.userEmail && <span className="muted small"> · {b.userEmail}</span>}
                </p>
                <p>
                  <strong>{info?.machineName ?? t('myBookings.unknownMachine')}</strong> ·{' '}
                  {format.range(b.start, b.end, zone)}
                </p>
                <p className="muted small">
                  {t(`purposes.${b.purpose}`)}
                  {b.note ? ` · “${b.note}”` : ''} ·{' '}
                  {t('queue.requested', { when: format.dateTime(b.createdAt, zone) })}
                </p>
                <p className="small">
                  {history.isPending
                    ? t('common.loading')
                    : t('queue.history', {
                        noShows: r?.noShows ?? 0,
                        completed: r?.completed ?? 0,
                        days: HISTORY_DAYS,
                      })}
                </p>
                {near.length > 0 && (
                  <div className="small">
                    <p className="notice notice-warning">{t('queue.nearby', { minutes: NEAR_MINUTES })}</p>
                    <ul>
                      {near.map((o) => (
                        <li key={o.id}>
                          {format.range(o.start, o.end, zone)} · {o.userName ?? t('queue.member')}{' '}
                          <BookingStatusBadge status={o.status} />
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {rejecting === b.id && <RejectForm booking={b} onDone={() => setRejecting(null)} />}
              </div>
              <div className="list-item-actions">
                <button
                  type="button"
                  className="button button-primary button-small"
                  disabled={approve.isPending && approve.variables === b.id}
                  onClick={() => approve.mutate(b.id)}
                >
                  {t('queue.approve')}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  aria-expanded={rejecting === b.id}
                  onClick={() => setRejecting(rejecting === b.id ? null : b.id)}
                >
                  {t('queue.reject')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
