import type { Gender, MemberCategory, RegisterBody, User } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD, NewPasswordFields } from '../../../components/ui/new-password-fields';
import { PersonFields } from '../../../components/ui/person-fields';
import { FormError } from '../../../components/ui/states';
import { useRegister } from '../../../lib/auth';
import { currentLocale } from '../../../lib/i18n';

export function RegisterForm({ onRegistered }: { onRegistered: (user: User) => void }) {
  const { t } = useTranslation();
  const register = useRegister();
  const [form, setForm] = useState({
    email: '',
    password: '',
    fullName: '',
    category: 'student' as MemberCategory,
    gender: 'undisclosed' as Gender,
    organization: '',
    phone: '',
    under16: false,
    guardianName: '',
    guardianContact: '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  const set = (change: Partial<typeof form>) => setForm((f) => ({ ...f, ...change }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (form.password.length < MIN_PASSWORD) return setProblem(t('auth.passwordTooShort', { min: MIN_PASSWORD }));
    if (form.under16 && (!form.guardianName.trim() || !form.guardianContact.trim())) {
      return setProblem(t('auth.guardianNeeded'));
    }
    setProblem(null);
    const body: RegisterBody = {
      email: form.email.trim(),
      password: form.password,
      fullName: form.fullName.trim(),
      category: form.category,
      gender: form.gender,
      locale: currentLocale(),
      ...(form.organization.trim() ? { organization: form.organization.trim() } : {}),
      ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      ...(form.under16
        ? {
            under16: true,
            // The guardian consents through the link sent to this contact (or on a paper form).
            guardian: { name: form.guardianName.trim(), contact: form.guardianContact.trim() },
          }
        : {}),
    };
    register.mutate(body, { onSuccess: ({ user }) => onRegistered(user) });
  }

  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('auth.email')}</span>
        <input
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          value={form.email}
          onChange={(e) => set({ email: e.target.value })}
        />
      </label>
      <NewPasswordFields
        label={t('auth.newPassword')}
        hintId="password-hint"
        password={form.password}
        onPasswordChange={(password) => set({ password })}
      />
      <PersonFields value={form} onChange={set} />
      <label className="check">
        <input type="checkbox" checked={form.under16} onChange={(e) => set({ under16: e.target.checked })} />
        <span>{t('auth.under16')}</span>
      </label>
      {form.under16 && (
        <fieldset className="fieldset">
          <legend>{t('auth.guardian')}</legend>
          <label className="field">
            <span>{t('auth.guardianName')}</span>
            <input
              required
              maxLength={200}
              value={form.guardianName}
              onChange={(e) => set({ guardianName: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('auth.guardianContact')}</span>
            <input
              required
              maxLength={254}
              value={form.guardianContact}
              onChange={(e) => set({ guardianContact: e.target.value })}
              aria-describedby="guardian-hint"
            />
            <small id="guardian-hint" className="muted">
              {t('auth.guardianConsent')}
            </small>
          </label>
        </fieldset>
      )}
      <p className="muted small">{t('auth.privacy')}</p>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <FormError error={register.error} />
      <button type="submit" className="button button-primary" disabled={register.isPending}>
        {register.isPending ? t('auth.registering') : t('auth.register')}
      </button>
    </form>
  );
}
