// The member's own account: what they tell about themselves, their password, and their data
// (download or delete, Decree 13/2023/ND-CP).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loading, StatusMessage } from '../../components/ui/states';
import { ChangePasswordForm } from '../../features/account/components/change-password-form';
import { MyDataCard } from '../../features/account/components/my-data-card';
import { ProfileForm } from '../../features/account/components/profile-form';
import { RequireAuth, useLogout, useUser } from '../../lib/auth';
import { ForbiddenPage } from './not-found-page';

function ProfileContent({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useTranslation();
  const { data: user } = useUser();
  if (!user) return null;
  return (
    <>
      <div className="page-head">
        <h1>{t('profile.title')}</h1>
        <p className="lead">{t('profile.intro')}</p>
      </div>
      <div className="grid-2 section">
        <section className="card">
          {/* Keyed by the account, so that a new session starts from its own values. */}
          <ProfileForm key={user.id} user={user} />
        </section>
        <section className="card">
          <ChangePasswordForm user={user} />
        </section>
        <MyDataCard onDeleted={onDeleted} />
      </div>
    </>
  );
}

/** Said once the account is gone (the session ends with it, so no guard stands here). */
function AccountDeleted() {
  const { t } = useTranslation();
  return (
    <section className="narrow card">
      <h1>{t('account.deletedTitle')}</h1>
      <StatusMessage message={t('account.deleted')} />
      <p>
        <Link to="/">{t('nav.labs')}</Link>
      </p>
    </section>
  );
}

export default function ProfilePage() {
  const logout = useLogout();
  const [deleted, setDeleted] = useState(false);
  if (deleted) return <AccountDeleted />;
  return (
    <RequireAuth fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <ProfileContent
        onDeleted={() => {
          setDeleted(true);
          logout();
        }}
      />
    </RequireAuth>
  );
}
