import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { SignInForm } from '../../features/auth/components/sign-in-form';
import { useUser } from '../../lib/auth';

/** Only same-site paths: an attacker's link must not bounce a user elsewhere after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { data: user } = useUser();
  const next = safeNext(params.get('next'));
  if (user) return <Navigate to={next} replace />;
  return (
    <section className="narrow card">
      <h1>{t('auth.signInTitle')}</h1>
      {params.get('reset') === 'done' && (
        <p className="feedback feedback-ok" role="status">
          {t('passwordReset.done')}
        </p>
      )}
      {params.get('password') === 'set' && (
        <p className="feedback feedback-ok" role="status">
          {t('invite.done')}
        </p>
      )}
      <SignInForm onSignedIn={() => void navigate(next, { replace: true })} />
      <p>
        <Link to="/forgot-password">{t('passwordReset.forgotLink')}</Link>
      </p>
      <p>
        {t('auth.noAccount')} <Link to="/register">{t('auth.register')}</Link>
      </p>
    </section>
  );
}
