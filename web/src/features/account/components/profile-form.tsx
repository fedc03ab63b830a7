// What the member tells about themselves: name, who they are (statistics count by category and
// gender), organisation, phone and the language of the interface and of their emails.
import { LOCALES, type Locale, type UpdateMeBody, type User } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PersonFields } from '../../../components/ui/person-fields';
import { FormError, StatusMessage } from '../../../components/ui/states';
import { useUpdateMe } from '../../../lib/auth';
import { LOCALE_NAMES, setLocale } from '../../../lib/i18n';

export function ProfileForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const update = useUpdateMe();
  const [form, setForm] = useState({
    fullName: user.fullName,
    category: user.category,
    gender: user.gender,
    organization: user.organization ?? '',
    phone: user.phone ?? '',
    locale: user.locale,
  });
  // A flag, not the words: the words are those of the language the save may just have switched to.
  const [saved, setSaved] = useState(false);
  const set = (change: Partial<typeof form>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...change }));
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: UpdateMeBody = {
      fullName: form.fullName.trim(),
      category: form.category,
      gender: form.gender,
      organization: form.organization.trim(),
      phone: form.phone.trim(),
      locale: form.locale,
    };
    update.mutate(body, {
      onSuccess: async (updated) => {
        // The language chosen here is the interface's too, at once.
        await setLocale(updated.locale);
        setSaved(true);
      },
    });
  }

  return (
    <form className="form" onSubmit={submit} aria-labelledby="profile-form-title">
      <h2 id="profile-form-title">{t('profile.details')}</h2>
      <p className="muted small">
        {t('auth.email')}: {user.email}
      </p>
      <PersonFields value={form} onChange={set} />
      <label className="field">
        <span>{t('profile.language')}</span>
        <select value={form.locale} onChange={(e) => set({ locale: e.target.value as Locale })}>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
        <small className="muted">{t('profile.languageHint')}</small>
      </label>
      <FormError error={update.error} />
      <StatusMessage message={saved ? t('profile.saved') : null} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? t('common.saving') : t('profile.save')}
        </button>
      </div>
    </form>
  );
}
