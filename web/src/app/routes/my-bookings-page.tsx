import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState, Loading } from '../../components/ui/states';
import { MyBookingList } from '../../features/bookings/components/my-booking-list';
import { GuardianConsentCard } from '../../features/account/components/guardian-consent-card';
import { CalendarFeedCard } from '../../features/calendar-feed/components/calendar-feed-card';
import { MyCertifications } from '../../features/certifications/components/my-certifications';
import { MyCards } from '../../features/devices/components/my-cards';
import { RequireAuth, useUser } from '../../lib/auth';
import { useNames } from '../../lib/names';
import { ForbiddenPage } from './not-found-page';
import { useMachineLookup } from './use-machine-lookup';

function MyBookingsContent() {
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
          {' · '}
          <Link to="/profile">{t('myBookings.seeProfile')}</Link>
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
      </div>
    </>
  );
}

export default function MyBookingsPage() {
  return (
    <RequireAuth fallback={<Loading />} forbidden={<ForbiddenPage />}>
      <MyBookingsContent />
    </RequireAuth>
  );
}
