import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/ui/states';
import { useRequestPasswordReset } from '../api/request-password-reset';

/** Asks for a reset link; the answer is the same whether or not the email has an account. */
export function ForgotPasswordForm() {
  const { t } = useTranslation();
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate({ email: email.trim() });
  }

  if (request.isSuccess) {
    return (
      <p className="feedback feedback-ok" role="status">
        {t('passwordReset.sent')}
      </p>
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <p className="muted">{t('passwordReset.requestIntro')}</p>
      <label className="field">
        <span>{t('auth.email')}</span>
        <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <FormError error={request.error} />
      <button type="submit" className="button button-primary" disabled={request.isPending}>
        {request.isPending ? t('passwordReset.sending') : t('passwordReset.send')}
      </button>
    </form>
  );
}
