import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD, NewPasswordFields } from '../../../components/ui/new-password-fields';
import { FormError } from '../../../components/ui/states';
import { useConfirmPasswordReset } from '../api/confirm-password-reset';

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
      <NewPasswordFields hintId="reset-password-hint" password={password} onPasswordChange={setPassword} />
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
