// The lab manager's screens (admins see every lab), loaded only by those who open them. The
// department may open any lab here too, but only its maintenance and incidents, read-only.
import type { Booking, MaintenanceCreated, User } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, Route, Routes, useLocation, useParams, useSearchParams, Link } from 'react-router';
import { Empty, ErrorState, Loading, StatusMessage } from '../../../components/ui/states';
import { ApprovalQueue } from '../../../features/bookings/components/approval-queue';
import { BookingDialog, type BookingDraft } from '../../../features/bookings/components/booking-dialog';
import type { MachineLookup } from '../../../features/bookings/components/booking-lookup';
import { ClassSessionForm, SeriesForm } from '../../../features/bookings/components/group-booking-forms';
import type { SlotSelection } from '../../../features/bookings/components/lab-calendar';
import { MachineStatusBoard } from '../../../features/bookings/components/machine-status-board';
import { MaintenanceDialog, type RangeDraft } from '../../../features/bookings/components/maintenance-dialog';
import { MaintenanceList } from '../../../features/bookings/components/maintenance-list';
import { ManagerDayCalendar } from '../../../features/bookings/components/manager-day-calendar';
import { weekSpan } from '../../../features/bookings/components/time-grid';
import { LabCertifications } from '../../../features/certifications/components/lab-certifications';
import { LabRecognitions } from '../../../features/certifications/components/lab-recognitions';
import { PowerOverride } from '../../../features/devices/components/power-override';
import { PowerReading } from '../../../features/devices/components/power-reading';
import { useLab } from '../../../features/labs/api/get-lab';
import { useLabMachines } from '../../../features/labs/api/get-lab-machines';
import { useLabs } from '../../../features/labs/api/get-labs';
import { ClosuresEditor } from '../../../features/labs/components/closures-editor';
import { LabForm } from '../../../features/labs/components/lab-form';
import { MachineManager } from '../../../features/labs/components/machine-manager';
import { MaterialsCatalogue } from '../../../features/labs/components/materials-catalogue';
import { MaintenanceDueBanner } from '../../../features/maintenance/components/maintenance-due';
import { UsageList } from '../../../features/usage/components/usage-list';
import { WalkInDialog, type WalkInDraft } from '../../../features/usage/components/walk-in-dialog';
import { PaperConsentCard } from '../../../features/users/components/paper-consent-card';
import { UserSearch } from '../../../features/users/components/user-search';
import { isLabManager, labEditRights, RequireAuth, useUser } from '../../../lib/auth';
import { useFormat } from '../../../lib/datetime';
import { useNames } from '../../../lib/names';
import { ForbiddenPage } from '../not-found-page';
import { DevicesTab } from './devices-tab';
import { IncidentsTab } from './incidents-tab';
import { useLabContext, type LabContext } from './lab-context';
import { MaintenanceTab } from './maintenance-tab';

function memberPicker(label: string) {
  return function Picker(selected: User | null, onSelect: (user: User | null) => void) {
    return <UserSearch label={label} selected={selected} onSelect={onSelect} />;
  };
}

/** The department reads every lab's upkeep and manages none. */
function readsOnly(user: User | null | undefined): boolean {
  return user?.role === 'department';
}

/** Where a lab opens: the department has only the maintenance and incidents tabs. */
function labHome(user: User | null | undefined, labId: string): string {
  return readsOnly(user) ? `/manage/${labId}/maintenance` : `/manage/${labId}`;
}

function ManageHome() {
  const { t } = useTranslation();
  const names = useNames();
  const { data: user } = useUser();
  const labs = useLabs();
  if (labs.isPending) return <Loading />;
  if (labs.isError) return <ErrorState error={labs.error} onRetry={() => void labs.refetch()} />;
  const department = readsOnly(user);
  const mine = department ? labs.data : labs.data.filter((l) => isLabManager(user, l.id));
  if (mine.length === 1) return <Navigate to={labHome(user, mine[0]!.id)} replace />;
  return (
    <>
      <h1>{department ? t('manage.upkeepTitle') : t('manage.title')}</h1>
      {department && <p className="lead">{t('manage.readOnly')}</p>}
      {mine.length === 0 && <Empty>{t('manage.noLabs')}</Empty>}
      <ul className="list">
        {mine.map((lab) => (
          <li key={lab.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{names.lab(lab)}</strong>
              </p>
              <p className="muted small">{lab.host}</p>
            </div>
            <Link className="button button-primary" to={labHome(user, lab.id)}>
              {t('manage.open')}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

function ManageLabLayout() {
  const { labId = '' } = useParams();
  const { t } = useTranslation();
  const names = useNames();
  const { data: user } = useUser();
  const lab = useLab(labId);
  const machines = useLabMachines(labId);
  const { pathname } = useLocation();
  const readOnly = !isLabManager(user, labId) && readsOnly(user);
  if (!isLabManager(user, labId) && !readOnly) return <ForbiddenPage />;
  if (readOnly) {
    const section = pathname.slice(`/manage/${labId}`.length).replace(/\/$/, '');
    if (section === '') return <Navigate to={labHome(user, labId)} replace />;
    if (section !== '/maintenance' && section !== '/incidents') return <ForbiddenPage />;
  }
  if (lab.isPending || machines.isPending) return <Loading />;
  if (lab.isError) return <ErrorState error={lab.error} onRetry={() => void lab.refetch()} />;
  if (machines.isError) return <ErrorState error={machines.error} onRetry={() => void machines.refetch()} />;
  const byId = new Map(machines.data.map((m) => [m.id, m]));
  const lookup: MachineLookup = (machineId) => {
    const m = byId.get(machineId);
    return m
      ? {
          machineName: m.name,
          machineType: m.type,
          labId: lab.data.id,
          labName: names.lab(lab.data),
          zone: lab.data.timezone,
          checkInEarlyMinutes: lab.data.settings.checkInEarlyMinutes,
        }
      : undefined;
  };
  const tab = (to: string, label: string, end = false) => (
    <NavLink to={to} end={end}>
      {label}
    </NavLink>
  );
  return (
    <>
      <div className="page-head">
        <p className="breadcrumb">
          <Link to="/manage">{readOnly ? t('manage.upkeepTitle') : t('manage.title')}</Link>
        </p>
        <h1>{names.lab(lab.data)}</h1>
        {readOnly && <p className="lead">{t('manage.readOnly')}</p>}
      </div>
      {readOnly ? (
        <nav className="tabs" aria-label={t('manage.sections')}>
          {tab(`/manage/${labId}/maintenance`, t('manage.tabs.maintenance'))}
          {tab(`/manage/${labId}/incidents`, t('manage.tabs.incidents'))}
        </nav>
      ) : (
        <nav className="tabs" aria-label={t('manage.sections')}>
          {tab(`/manage/${labId}`, t('manage.tabs.queue'), true)}
          {tab(`/manage/${labId}/today`, t('manage.tabs.today'))}
          {tab(`/manage/${labId}/certifications`, t('manage.tabs.certifications'))}
          {tab(`/manage/${labId}/maintenance`, t('manage.tabs.maintenance'))}
          {tab(`/manage/${labId}/incidents`, t('manage.tabs.incidents'))}
          {tab(`/manage/${labId}/groups`, t('manage.tabs.groups'))}
          {tab(`/manage/${labId}/devices`, t('manage.tabs.devices'))}
          {tab(`/manage/${labId}/settings`, t('manage.tabs.settings'))}
          {tab(`/audit?labId=${labId}`, t('audit.link'))}
        </nav>
      )}
      {!pathname.startsWith(`/manage/${labId}/maintenance`) && (
        <MaintenanceDueBanner labId={labId} href={`/manage/${labId}/maintenance`} />
      )}
      <Outlet context={{ lab: lab.data, machines: machines.data, lookup, readOnly } satisfies LabContext} />
    </>
  );
}

function QueueTab() {
  const { t } = useTranslation();
  const { lab, lookup } = useLabContext();
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <ApprovalQueue labId={lab.id} zone={lab.timezone} lookup={lookup} />
    </section>
  );
}

function TodayTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const { lab, machines } = useLabContext();
  const [params] = useSearchParams();
  const date = params.get('date') ?? (DateTime.now().setZone(lab.timezone).toISODate() as string);
  const names = useNames();
  const [mode, setMode] = useState<'maintenance' | 'walk-in' | 'book'>('maintenance');
  const [booking, setBooking] = useState<BookingDraft | null>(null);
  const [maintenance, setMaintenance] = useState<RangeDraft | null>(null);
  const [walkIn, setWalkIn] = useState<WalkInDraft | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [powerMessage, setPowerMessage] = useState<string | null>(null);
  const active = machines.filter((m) => m.status !== 'retired');
  const name = (id: string) => machines.find((m) => m.id === id)?.name ?? '';

  function onSelectRange(slot: SlotSelection) {
    setMessage(null);
    if (mode === 'maintenance') setMaintenance({ machineId: slot.machineId, start: slot.start, end: slot.end });
    else if (mode === 'book') setBooking({ machineId: slot.machineId, start: slot.start, end: slot.end });
    else setWalkIn({ machineId: slot.machineId, start: slot.start, end: slot.end });
  }
  function maintenanceDone(result: MaintenanceCreated) {
    setMaintenance(null);
    const cancelled = result.cancelledBookings;
    setMessage(
      cancelled.length === 0
        ? t('maintenance.scheduled', {
            machine: name(result.maintenance.machineId),
            when: format.range(result.maintenance.start, result.maintenance.end, lab.timezone),
          })
        : t('maintenance.scheduledCancelled', {
            machine: name(result.maintenance.machineId),
            when: format.range(result.maintenance.start, result.maintenance.end, lab.timezone),
            count: cancelled.length,
            list: cancelled
              .map((b) => `${b.userName ?? t('queue.member')} (${format.range(b.start, b.end, lab.timezone)})`)
              .join('; '),
          }),
    );
  }

  return (
    <>
      <section className="section" aria-labelledby="status-title">
        <h2 id="status-title">{t('status.title')}</h2>
        <MachineStatusBoard
          labId={lab.id}
          machines={machines}
          zone={lab.timezone}
          renderPower={(machine, power) => (
            <>
              <PowerReading power={power} />{' '}
              <PowerOverride
                labId={lab.id}
                machineId={machine.id}
                machineName={machine.name}
                power={power}
                onDone={setPowerMessage}
              />
            </>
          )}
        />
        <StatusMessage message={powerMessage} />
      </section>
      <section className="section" aria-labelledby="day-title">
        <h2 id="day-title">{t('manage.dayTitle')}</h2>
        <div className="toolbar-row">
          <div className="button-group" role="group" aria-label={t('manage.dragMode')}>
            <button
              type="button"
              className="button"
              aria-pressed={mode === 'maintenance'}
              onClick={() => setMode('maintenance')}
            >
              {t('manage.dragMaintenance')}
            </button>
            <button
              type="button"
              className="button"
              aria-pressed={mode === 'walk-in'}
              onClick={() => setMode('walk-in')}
            >
              {t('manage.dragWalkIn')}
            </button>
            <button type="button" className="button" aria-pressed={mode === 'book'} onClick={() => setMode('book')}>
              {t('manage.dragBook')}
            </button>
          </div>
          <button
            type="button"
            className="button"
            onClick={() => {
              const now = DateTime.now().setZone(lab.timezone).startOf('minute');
              if (active[0]) setWalkIn({ machineId: active[0].id, start: now.toJSDate(), end: null });
            }}
          >
            {t('walkIn.recordNow')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              const start = DateTime.fromISO(date, { zone: lab.timezone }).set({ hour: 12 });
              if (active[0])
                setMaintenance({
                  machineId: active[0].id,
                  start: start.toJSDate(),
                  end: start.plus({ hours: 1 }).toJSDate(),
                });
            }}
          >
            {t('maintenance.dialogTitle')}
          </button>
        </div>
        <p className="muted small">
          {mode === 'maintenance'
            ? t('manage.dragMaintenanceHint')
            : mode === 'book'
              ? t('manage.dragBookHint')
              : t('manage.dragWalkInHint')}
        </p>
        <StatusMessage message={message} />
        <ManagerDayCalendar
          labId={lab.id}
          zone={lab.timezone}
          openingHours={lab.openingHours}
          closures={lab.closures}
          machines={machines}
          onSelectRange={onSelectRange}
        />
      </section>
      <section className="section" aria-labelledby="maintenance-upcoming-title">
        <h2 id="maintenance-upcoming-title">{t('maintenance.upcoming')}</h2>
        <MaintenanceList labId={lab.id} zone={lab.timezone} machines={machines} />
      </section>
      <section className="section" aria-labelledby="usage-title">
        <h2 id="usage-title">{t('usageList.title')}</h2>
        <UsageList labId={lab.id} zone={lab.timezone} date={date} machineName={name} />
      </section>
      <BookingDialog
        draft={booking}
        onClose={() => setBooking(null)}
        onBooked={(b: Booking) => {
          setBooking(null);
          setMessage(
            t('manage.bookedFor', {
              name: b.userName ?? '',
              machine: name(b.machineId),
              when: format.range(b.start, b.end, lab.timezone),
            }),
          );
        }}
        machines={active}
        zone={lab.timezone}
        dayStart={weekSpan(lab.openingHours).min}
        dayEnd={weekSpan(lab.openingHours).max}
        machineTypeName={names.machineType}
        memberPicker={memberPicker(t('walkIn.findMember'))}
      />
      <MaintenanceDialog
        draft={maintenance}
        machines={active}
        zone={lab.timezone}
        onClose={() => setMaintenance(null)}
        onDone={maintenanceDone}
      />
      <WalkInDialog
        draft={walkIn}
        machines={active}
        zone={lab.timezone}
        onClose={() => setWalkIn(null)}
        onDone={() => {
          setWalkIn(null);
          setMessage(t('walkIn.saved'));
        }}
        renderMemberPicker={memberPicker(t('walkIn.findMember'))}
      />
    </>
  );
}

function CertificationsTab() {
  const { t } = useTranslation();
  const names = useNames();
  const { lab, machines } = useLabContext();
  const certifiable = [...new Set(machines.filter((m) => m.requiresCertification).map((m) => m.type))];
  const types = certifiable.length > 0 ? certifiable : [...new Set(machines.map((m) => m.type))];
  const labs = useLabs();
  return (
    <>
      <LabCertifications
        labId={lab.id}
        zone={lab.timezone}
        machineTypes={types.sort()}
        machineTypeName={names.machineType}
        renderMemberPicker={memberPicker(t('certifications.findMember'))}
      />
      {labs.data && (
        <LabRecognitions
          labId={lab.id}
          labs={labs.data}
          machineTypes={types}
          machineTypeName={names.machineType}
          labName={names.lab}
        />
      )}
      <PaperConsentCard labId={lab.id} zone={lab.timezone} />
    </>
  );
}

function GroupsTab() {
  const { lab, machines } = useLabContext();
  return (
    <div className="grid-2">
      <ClassSessionForm labId={lab.id} zone={lab.timezone} machines={machines} />
      <SeriesForm labId={lab.id} zone={lab.timezone} machines={machines} />
    </div>
  );
}

function SettingsTab() {
  const { t } = useTranslation();
  const { lab } = useLabContext();
  const { data: user } = useUser();
  const rights = labEditRights(user, lab.id);
  return (
    <>
      <section className="card section" aria-labelledby="lab-settings-title">
        <h2 id="lab-settings-title">{t('labSettings.title')}</h2>
        <LabForm key={lab.id} lab={lab} rights={rights} />
      </section>
      <div className="section">
        <ClosuresEditor lab={lab} />
      </div>
      <div className="section">
        <MachineManager labId={lab.id} />
      </div>
      <div className="section">
        <MaterialsCatalogue labId={lab.id} />
      </div>
    </>
  );
}

export default function ManageArea() {
  return (
    <RequireAuth roles={['manager', 'admin', 'department']} fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <Routes>
        <Route index element={<ManageHome />} />
        <Route path=":labId" element={<ManageLabLayout />}>
          <Route index element={<QueueTab />} />
          <Route path="today" element={<TodayTab />} />
          <Route path="certifications" element={<CertificationsTab />} />
          <Route path="maintenance" element={<MaintenanceTab />} />
          <Route path="incidents" element={<IncidentsTab />} />
          <Route path="groups" element={<GroupsTab />} />
          <Route path="devices" element={<DevicesTab />} />
          <Route path="settings" element={<SettingsTab />} />
        </Route>
      </Routes>
    </RequireAuth>
  );
}
