// What the QR code on a machine opens (/m/<machineId>): the machine, what it is doing, the member's
// booking on it today, and Start / Stop — the same decision as a card tap at its reader.
import type { Machine } from '@fablab/shared';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Badge, ErrorState, Loading } from '../../components/ui/states';
import { useBookings } from '../../features/bookings/api/get-bookings';
import { useLabStatus } from '../../features/bookings/api/get-lab-status';
import { BookingStatusBadge } from '../../features/bookings/components/booking-status';
import { useMachine } from '../../features/devices/api/get-machine';
import { MachineControls } from '../../features/devices/components/machine-controls';
import { PowerReading } from '../../features/devices/components/power-reading';
import { useLab } from '../../features/labs/api/get-lab';
import { RequireAuth } from '../../lib/auth';
import { localDayRange, todayIn, useFormat } from '../../lib/datetime';
import { useNames } from '../../lib/names';
import { useNow } from '../../lib/use-now';
import { ForbiddenPage } from './not-found-page';

function MachineView({ machine }: { machine: Machine }) {
  const { t } = useTranslation();
  const names = useNames();
  const format = useFormat();
  const lab = useLab(machine.labId);
  const status = useLabStatus(machine.labId);
  const now = useNow(30_000);
  const zone = lab.data?.timezone;
  // Today on the lab's clock: the member's booking now, or later today.
  const day = useMemo(() => (zone ? localDayRange(todayIn(zone, new Date(now)), zone) : null), [zone, now]);
  const bookings = useBookings(
    {
      machineId: machine.id,
      mine: true,
      from: day?.from.toUTC().toISO() ?? undefined,
      to: day?.to.toUTC().toISO() ?? undefined,
      status: ['pending', 'approved', 'checked_in'],
    },
    { enabled: Boolean(day) },
  );
  if (lab.isPending || status.isPending) return <Loading />;
  if (lab.isError) return <ErrorState error={lab.error} onRetry={() => void lab.refetch()} />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  const live = status.data.machines.find((m) => m.machineId === machine.id);
  const state = live?.state ?? (machine.status === 'available' ? 'free' : 'out_of_service');
  const mine = (bookings.data?.items ?? [])
    .filter((b) => new Date(b.end).getTime() > now)
    .sort((a, b) => a.start.localeCompare(b.start))[0];
  const labZone = lab.data.timezone;
  return (
    <>
      <div className="page-head">
        <p className="breadcrumb">
          <Link to={`/labs/${lab.data.id}`}>{names.lab(lab.data)}</Link>
        </p>
        <h1>{machine.name}</h1>
        <p className="lead">{names.machineType(machine.type)}</p>
      </div>
      <section className={`card status-card status-${state}`} aria-labelledby="machine-state-title">
        <h2 id="machine-state-title">{t('devices.machinePage.now')}</h2>
        <p>
          <strong>{t(`status.states.${state}`)}</strong>
          {live?.until ? ` · ${t('status.until', { time: format.dateTime(live.until, labZone) })}` : ''}
        </p>
        {live?.power && (
          <p>
            {t('devices.machinePage.power')} <PowerReading power={live.power} />
          </p>
        )}
      </section>
      <section className="card section" aria-labelledby="machine-booking-title">
        <h2 id="machine-booking-title">{t('devices.machinePage.yourBooking')}</h2>
        {bookings.isPending && <Loading />}
        {bookings.isError && <ErrorState error={bookings.error} onRetry={() => void bookings.refetch()} />}
        {bookings.data &&
          (mine ? (
            <p>
              {format.range(mine.start, mine.end, labZone)} <BookingStatusBadge status={mine.status} />
            </p>
          ) : (
            <p className="muted">
              {t('devices.machinePage.noBooking')}{' '}
              {machine.walkIns ? t('devices.machinePage.walkIns') : t('devices.machinePage.noWalkIns')}
            </p>
          ))}
        <MachineControls machineId={machine.id} inUse={state === 'in_use'} />
        <p className="muted small">
          <Link to={`/labs/${lab.data.id}`}>{t('devices.machinePage.book')}</Link>
        </p>
      </section>
      {machine.status !== 'available' && <Badge tone="warning">{t(`machineStatus.${machine.status}`)}</Badge>}
    </>
  );
}

function MachineContent() {
  const { machineId = '' } = useParams();
  const machine = useMachine(machineId);
  if (machine.isPending) return <Loading />;
  if (machine.isError) return <ErrorState error={machine.error} onRetry={() => void machine.refetch()} />;
  return <MachineView machine={machine.data} />;
}

export default function MachinePage() {
  return (
    <RequireAuth fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <MachineContent />
    </RequireAuth>
  );
}
