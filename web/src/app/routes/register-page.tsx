import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { RegisterForm } from '../../features/auth/components/register-form';

export function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <section className="narrow card">
      <h1>{t('auth.registerTitle')}</h1>
      <RegisterForm
        onRegistered={(user) =>
          // Someone under 16 lands where the guardian's link is explained; everyone else on the labs.
          user.guardianConsent?.status === 'pending'
            ? void navigate('/my', { replace: true })
            : void navigate('/', { replace: true, state: { notice: 'welcome' } })
        }
      />
      <p>
        {t('auth.haveAccount')} <Link to="/sign-in">{t('auth.signIn')}</Link>
      </p>
    </section>
  );
}
