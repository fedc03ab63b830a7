import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorState, Loading, StatusMessage } from '../../components/ui/states';
import { MyBookingList } from '../../features/bookings/components/my-booking-list';
import { GuardianConsentCard } from '../../features/account/components/guardian-consent-card';
import { MyDataCard } from '../../features/account/components/my-data-card';
import { CalendarFeedCard } from '../../features/calendar-feed/components/calendar-feed-card';
import { MyCertifications } from '../../features/certifications/components/my-certifications';
import { MyCards } from '../../features/devices/components/my-cards';
import { RequireAuth, useLogout, useUser } from '../../lib/auth';
import { useNames } from '../../lib/names';
import { ForbiddenPage } from './not-found-page';
import { useMachineLookup } from './use-machine-lookup';

function MyBookingsContent({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useTranslation();
  const { data: user } = useUser();
  const names = useNames();
  const lookup = useMachineLookup();
  if (!user) return null;
  if (lookup.isPending) return <Loading />;
  if (lookup.error) return <ErrorState error={lookup.error} />;
  return (
    <>
      <div className="page-head">
        <h1>{t('myBookings.title')}</h1>
        <p className="lead">
          <Link to="/notifications">{t('myBookings.seeNotifications')}</Link>
        </p>
      </div>
      {user.guardianConsent?.status === 'pending' && (
        <div className="section">
          <GuardianConsentCard user={user} />
        </div>
      )}
      <MyBookingList lookup={lookup.lookup} />
      <div className="grid-2 section">
        <MyCertifications
          userId={user.id}
          labNameOf={lookup.labNameOf}
          zoneOf={lookup.zoneOf}
          machineTypeName={names.machineType}
        />
        {user.guardianConsent?.status === 'confirmed' && <GuardianConsentCard user={user} />}
        <MyCards />
        <CalendarFeedCard />
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

export default function MyBookingsPage() {
  const logout = useLogout();
  const [deleted, setDeleted] = useState(false);
  if (deleted) return <AccountDeleted />;
  return (
    <RequireAuth fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <MyBookingsContent
        onDeleted={() => {
          setDeleted(true);
          logout();
        }}
      />
    </RequireAuth>
  );
}
