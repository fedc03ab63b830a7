import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { GuardianConsentForm } from '../../features/auth/components/guardian-consent-form';

/** The page of the link mailed to an under-16 member's guardian: no account needed. */
export function GuardianConsentPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  return (
    <section className="narrow card">
      <h1>{t('consent.pageTitle')}</h1>
      <GuardianConsentForm key={token} token={token} />
      <p>
        <Link to="/">{t('consent.aboutLabs')}</Link>
      </p>
    </section>
  );
}
