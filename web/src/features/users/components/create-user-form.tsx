// An administrator opens an account (a new lab manager, a teacher) and invites its owner to choose
// a password, instead of asking them to register and then promoting them.
import {
  LOCALES,
  ROLES,
  type CreateUserResponse,
  type Lab,
  type Locale,
  type MemberCategory,
  type Role,
} from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PersonFields } from '../../../components/ui/person-fields';
import { FormError } from '../../../components/ui/states';
import { LOCALE_NAMES } from '../../../lib/i18n';
import { useCreateUser } from '../api/create-user';
import { InviteResult } from './invite-result';

interface Props {
  labs: Lab[];
  labName: (lab: Lab) => string;
  onDone: () => void;
}

export function CreateUserForm({ labs, labName, onDone }: Props) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const [created, setCreated] = useState<CreateUserResponse | null>(null);
  const [form, setForm] = useState({
    email: '',
    fullName: '',
    category: 'teacher' as MemberCategory,
    role: 'member' as Role,
    managed: [] as string[],
    locale: 'vi' as Locale,
  });
  const set = (change: Partial<typeof form>) => setForm((f) => ({ ...f, ...change }));

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        email: form.email.trim(),
        fullName: form.fullName.trim(),
        category: form.category,
        role: form.role,
        locale: form.locale,
        ...(form.role === 'manager' ? { managedLabIds: form.managed } : {}),
      },
      { onSuccess: setCreated },
    );
  }

  if (created) {
    return (
      <div className="form">
        <InviteResult user={created.user} invite={created.invite} />
        <div className="form-actions">
          <button type="button" className="button button-primary" onClick={onDone}>
            {t('common.close')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      <p className="muted small">{t('users.createIntro')}</p>
      <label className="field">
        <span>{t('auth.email')}</span>
        <input
          type="email"
          autoComplete="off"
          required
          maxLength={254}
          value={form.email}
          onChange={(e) => set({ email: e.target.value })}
        />
      </label>
      <PersonFields value={form} onChange={set} someoneElse />
      <label className="field">
        <span>{t('users.role')}</span>
        <select value={form.role} onChange={(e) => set({ role: e.target.value as Role })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {form.role === 'manager' && (
        <fieldset className="fieldset">
          <legend>{t('users.managedLabs')}</legend>
          {labs.map((lab) => (
            <label key={lab.id} className="check">
              <input
                type="checkbox"
                checked={form.managed.includes(lab.id)}
                onChange={(e) =>
                  set({
                    managed: e.target.checked ? [...form.managed, lab.id] : form.managed.filter((id) => id !== lab.id),
                  })
                }
              />
              <span>{labName(lab)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <label className="field">
        <span>{t('users.language')}</span>
        <select value={form.locale} onChange={(e) => set({ locale: e.target.value as Locale })}>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <FormError error={create.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? t('common.saving') : t('users.createSubmit')}
        </button>
      </div>
    </form>
  );
}
