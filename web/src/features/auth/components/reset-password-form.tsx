import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/ui/states';
import { useConfirmPasswordReset } from '../api/confirm-password-reset';

const MIN_PASSWORD = 10;
const MAX_PASSWORD = 200;

export function ResetPasswordForm({
  token,
  onDone,
  saveLabel,
}: {
  token: string;
  onDone: () => void;
  saveLabel?: string;
}) {
  const { t } = useTranslation();
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD) return setProblem(t('auth.passwordTooShort', { min: MIN_PASSWORD }));
    setProblem(null);
    confirm.mutate({ token, password }, { onSuccess: onDone });
  }

  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('passwordReset.newPassword')}</span>
        <input
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          maxLength={MAX_PASSWORD}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby="reset-password-hint"
        />
        <small id="reset-password-hint" className="muted small">
          {t('auth.passwordHint', { min: MIN_PASSWORD })}
        </small>
      </label>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <FormError error={confirm.error} />
      <button type="submit" className="button button-primary" disabled={confirm.isPending}>
        {confirm.isPending ? t('common.saving') : (saveLabel ?? t('passwordReset.save'))}
      </button>
    </form>
  );
}
