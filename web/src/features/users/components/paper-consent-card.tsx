// A lab's manager records the consent form that an under-16 member's parent or guardian signed
// on paper (the other way than the mailed link); the form is kept at this lab.
import { DEFAULT_TIMEZONE, type User } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, FormError, StatusMessage } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useRecordPaperConsent } from '../api/record-paper-consent';
import { UserSearch } from './user-search';

export function PaperConsentCard({ labId, zone = DEFAULT_TIMEZONE }: { labId: string; zone?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const record = useRecordPaperConsent();
  const [member, setMember] = useState<User | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const consent = member?.guardianConsent;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!member) return;
    record.mutate(
      { userId: member.id, body: { labId, ...(note.trim() ? { note: note.trim() } : {}) } },
      {
        onSuccess: (updated) => {
          setMember(updated);
          setNote('');
          setMessage(t('paperConsent.recorded', { name: updated.fullName }));
        },
      },
    );
  }

  return (
    <section className="card section" aria-labelledby="paper-consent-title">
      <h2 id="paper-consent-title">{t('paperConsent.title')}</h2>
      <p className="muted small">{t('paperConsent.intro')}</p>
      <UserSearch
        label={t('paperConsent.findMember')}
        selected={member}
        onSelect={(u) => {
          setMember(u);
          setMessage(null);
          record.reset();
        }}
      />
      <StatusMessage message={message} />
      {member && !member.under16 && <p className="notice">{t('paperConsent.notMinor')}</p>}
      {member && consent?.status === 'confirmed' && (
        <p className="notice notice-ok">
          <Badge tone="success">{t(`paperConsent.method.${consent.method ?? 'link'}`)}</Badge>{' '}
          {t('paperConsent.alreadyConfirmed', {
            when: consent.confirmedAt ? format.date(consent.confirmedAt, zone) : '',
          })}
        </p>
      )}
      {member && consent?.status === 'pending' && (
        <form className="form" onSubmit={submit}>
          <p className="notice notice-warning">
            {t('paperConsent.pending', { guardian: consent.guardianName ?? '—' })}
          </p>
          <label className="field">
            <span>{t('paperConsent.note')}</span>
            <textarea maxLength={2000} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <FormError error={record.error} />
          <div>
            <button type="submit" className="button button-primary" disabled={record.isPending}>
              {t('paperConsent.record')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
