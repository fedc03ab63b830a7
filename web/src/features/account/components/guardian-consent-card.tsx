// A member under 16 books once a parent or guardian consented (Decree 13/2023, art. 20): where
// that stands, where the link went, and a way to send it again or to another address. The paper
// form, signed and brought to a lab, is the other way.
import { DEFAULT_TIMEZONE, type User } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, StatusMessage } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useRequestConsentLink } from '../api/request-consent-link';

/** The member belongs to no lab: times are read on the province's clock. */
const ZONE = DEFAULT_TIMEZONE;

export function GuardianConsentCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const format = useFormat();
  const request = useRequestConsentLink();
  const consent = user.guardianConsent;
  const [name, setName] = useState(consent?.guardianName ?? '');
  const [contact, setContact] = useState(consent?.linkSentTo ?? '');
  const [message, setMessage] = useState<string | null>(null);
  if (!user.under16 || !consent) return null;

  if (consent.status === 'confirmed') {
    return (
      <section className="card" aria-labelledby="consent-title">
        <h2 id="consent-title">{t('consent.cardTitle')}</h2>
        <p className="notice notice-ok">
          {t(consent.method === 'paper' ? 'consent.confirmedPaper' : 'consent.confirmedLink', {
            when: consent.confirmedAt ? format.date(consent.confirmedAt, ZONE) : '',
          })}
        </p>
      </section>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    request.mutate(
      { ...(name.trim() ? { name: name.trim() } : {}), ...(contact.trim() ? { contact: contact.trim() } : {}) },
      {
        onSuccess: (updated) =>
          setMessage(
            updated.guardianConsent?.linkSentTo
              ? t('consent.sentAgain', { email: updated.guardianConsent.linkSentTo })
              : t('consent.notSent'),
          ),
      },
    );
  }

  return (
    <section className="card" aria-labelledby="consent-title">
      <h2 id="consent-title">{t('consent.cardTitle')}</h2>
      <p className="notice notice-warning">{t('consent.pendingLead')}</p>
      <p>
        {consent.linkSentTo && consent.linkSentAt
          ? t('consent.linkSent', { email: consent.linkSentTo, when: format.dateTime(consent.linkSentAt, ZONE) })
          : t('consent.noLinkYet')}
      </p>
      <p className="muted small">{t('consent.paperHint')}</p>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('auth.guardianName')}</span>
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('consent.guardianEmail')}</span>
          <input type="email" required maxLength={254} value={contact} onChange={(e) => setContact(e.target.value)} />
        </label>
        <StatusMessage message={message} />
        <FormError error={request.error} />
        <div>
          <button type="submit" className="button" disabled={request.isPending}>
            {consent.linkSentTo ? t('consent.sendAgain') : t('consent.send')}
          </button>
        </div>
      </form>
    </section>
  );
}
