import type { User } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PASSWORD, MIN_PASSWORD, NewPasswordFields } from '../../../components/ui/new-password-fields';
import { FormError, StatusMessage } from '../../../components/ui/states';
import { useChangePassword } from '../api/change-password';

export function ChangePasswordForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    if (password.length < MIN_PASSWORD) return setProblem(t('auth.passwordTooShort', { min: MIN_PASSWORD }));
    if (password !== repeat) return setProblem(t('profile.passwordsDiffer'));
    setProblem(null);
    change.mutate(
      { email: user.email, currentPassword: current, password },
      {
        onSuccess: () => {
          setCurrent('');
          setPassword('');
          setRepeat('');
          setDone(true);
        },
      },
    );
  }

  return (
    <form className="form" onSubmit={submit} aria-labelledby="password-form-title">
      <h2 id="password-form-title">{t('profile.passwordTitle')}</h2>
      <p className="muted small">{t('profile.passwordIntro')}</p>
      {/* For password managers: whose password this is. */}
      <input type="email" hidden readOnly autoComplete="username" value={user.email} />
      <label className="field">
        <span>{t('account.currentPassword')}</span>
        <input
          type="password"
          autoComplete="current-password"
          required
          maxLength={MAX_PASSWORD}
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <NewPasswordFields
        hintId="new-password-hint"
        password={password}
        onPasswordChange={setPassword}
        repeat={{ value: repeat, onChange: setRepeat }}
      />
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <FormError error={change.error} />
      <StatusMessage message={done ? t('profile.passwordChanged') : null} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={change.isPending}>
          {change.isPending ? t('common.saving') : t('profile.changePassword')}
        </button>
      </div>
    </form>
  );
}
