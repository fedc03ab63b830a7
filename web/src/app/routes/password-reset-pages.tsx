import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ForgotPasswordForm } from '../../features/auth/components/forgot-password-form';
import { ResetPasswordForm } from '../../features/auth/components/reset-password-form';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  return (
    <section className="narrow card">
      <h1>{t('passwordReset.requestTitle')}</h1>
      <ForgotPasswordForm />
      <p>
        <Link to="/sign-in">{t('passwordReset.backToSignIn')}</Link>
      </p>
    </section>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  return (
    <section className="narrow card">
      <h1>{t('passwordReset.confirmTitle')}</h1>
      {token ? (
        <ResetPasswordForm token={token} onDone={() => void navigate('/sign-in?reset=done', { replace: true })} />
      ) : (
        <p className="form-error" role="alert">
          {t('errors.INVALID_TOKEN')}
        </p>
      )}
      <p>
        <Link to="/forgot-password">{t('passwordReset.requestAgain')}</Link>
      </p>
    </section>
  );
}

/** Where an administrator's invite leads: the new account's owner chooses its password. */
export function SetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  return (
    <section className="narrow card">
      <h1>{t('invite.title')}</h1>
      <p>{t('invite.intro')}</p>
      {token ? (
        <ResetPasswordForm
          token={token}
          saveLabel={t('invite.save')}
          onDone={() => void navigate('/sign-in?password=set', { replace: true })}
        />
      ) : (
        <p className="form-error" role="alert">
          {t('errors.INVALID_TOKEN')}
        </p>
      )}
      <p className="muted small">{t('invite.expired')}</p>
    </section>
  );
}
