// Administration: labs (a fourth lab is data, not code), their machines, machine types, and accounts
// and roles.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Route, Routes } from 'react-router';
import { Empty, ErrorState, Loading } from '../../components/ui/states';
import { useLabs } from '../../features/labs/api/get-labs';
import { LabForm } from '../../features/labs/components/lab-form';
import { MachineTypesAdmin } from '../../features/machine-types/components/machine-types-admin';
import { UsersAdmin } from '../../features/users/components/users-admin';
import { RequireAuth, useUser } from '../../lib/auth';
import { useFormat } from '../../lib/datetime';
import { useNames } from '../../lib/names';
import { ForbiddenPage } from './not-found-page';

function LabsAdmin() {
  const { t } = useTranslation();
  const names = useNames();
  const format = useFormat();
  const labs = useLabs();
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="admin-labs-title">
      <div className="toolbar-row">
        <h2 id="admin-labs-title">{t('admin.labs')}</h2>
        <button
          type="button"
          className="button button-primary"
          aria-expanded={creating}
          onClick={() => setCreating((c) => !c)}
        >
          {t('admin.newLab')}
        </button>
      </div>
      {creating && (
        <div className="card section">
          <h3>{t('admin.newLab')}</h3>
          <LabForm onSaved={() => setCreating(false)} />
        </div>
      )}
      {labs.isPending && <Loading />}
      {labs.isError && <ErrorState error={labs.error} onRetry={() => void labs.refetch()} />}
      {labs.data && labs.data.length === 0 && <Empty>{t('labs.none')}</Empty>}
      <ul className="list">
        {labs.data?.map((lab) => (
          <li key={lab.id} className="list-item">
            <div className="list-item-main">
              <p>
                <strong>{names.lab(lab)}</strong> <span className="muted small">({lab.slug})</span>
              </p>
              <p className="muted small">
                {lab.host} · {format.zone(lab.timezone)}
              </p>
            </div>
            <div className="list-item-actions">
              <Link className="button button-small" to={`/manage/${lab.id}/settings`}>
                {t('admin.editLab')}
              </Link>
              <Link className="button button-small" to={`/manage/${lab.id}`}>
                {t('manage.open')}
              </Link>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function UsersTab() {
  const names = useNames();
  const labs = useLabs();
  const { data: user } = useUser();
  if (labs.isPending) return <Loading />;
  if (labs.isError) return <ErrorState error={labs.error} onRetry={() => void labs.refetch()} />;
  return <UsersAdmin labs={labs.data} labName={names.lab} currentUserId={user?.id ?? ''} />;
}

export default function AdminArea() {
  const { t } = useTranslation();
  return (
    <RequireAuth roles={['admin']} fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <div className="page-head">
        <h1>{t('admin.title')}</h1>
      </div>
      <nav className="tabs" aria-label={t('admin.sections')}>
        <NavLink to="/admin" end>
          {t('admin.labs')}
        </NavLink>
        <NavLink to="/admin/machine-types">{t('admin.machineTypes')}</NavLink>
        <NavLink to="/admin/users">{t('admin.users')}</NavLink>
        <NavLink to="/audit">{t('audit.link')}</NavLink>
      </nav>
      <Routes>
        <Route index element={<LabsAdmin />} />
        <Route path="machine-types" element={<MachineTypesAdmin />} />
        <Route path="users" element={<UsersTab />} />
      </Routes>
    </RequireAuth>
  );
}
