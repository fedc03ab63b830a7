// A lab manager certifies members on machine types after training, and revokes when needed.
import type { User } from '@fablab/shared';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../../components/ui/date-input';
import { Badge, Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { localDayRange, useFormat } from '../../../lib/datetime';
import { useCertifications } from '../api/get-certifications';
import { useGrantCertification } from '../api/grant-certification';
import { useRevokeCertification } from '../api/revoke-certification';

interface Props {
  labId: string;
  zone: string;
  machineTypes: string[];
  machineTypeName: (type: string) => string;
  renderMemberPicker: (selected: User | null, onSelect: (user: User | null) => void) => ReactNode;
}

function GrantForm({ labId, zone, machineTypes, machineTypeName, renderMemberPicker }: Props) {
  const { t } = useTranslation();
  const grant = useGrantCertification(labId);
  const [member, setMember] = useState<User | null>(null);
  const [type, setType] = useState(machineTypes[0] ?? '');
  const [expires, setExpires] = useState('');
  const [done, setDone] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!member || !type) return;
    const expiresAt = expires
      ? (localDayRange(expires, zone).to.minus({ milliseconds: 1 }).toUTC().toISO() as string)
      : undefined;
    grant.mutate(
      { userId: member.id, machineType: type, ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: () => {
          setDone(t('certifications.grantedTo', { name: member.fullName, type: machineTypeName(type) }));
          setMember(null);
        },
      },
    );
  }
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="grant-title">
      <h2 id="grant-title">{t('certifications.grantTitle')}</h2>
      {renderMemberPicker(member, (u) => {
        setMember(u);
        setDone(null);
      })}
      <div className="form-row">
        <label className="field">
          <span>{t('calendar.machineType')}</span>
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {machineTypes.map((ty) => (
              <option key={ty} value={ty}>
                {machineTypeName(ty)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('certifications.expiresOptional')}</span>
          <DateInput value={expires} onChange={setExpires} />
        </label>
      </div>
      <FormError error={grant.error} />
      {done && (
        <p className="feedback-ok" role="status">
          {done}
        </p>
      )}
      <div>
        <button type="submit" className="button button-primary" disabled={!member || !type || grant.isPending}>
          {t('certifications.grant')}
        </button>
      </div>
    </form>
  );
}

export function LabCertifications(props: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useCertifications({ labId: props.labId, limit: 500 });
  const revoke = useRevokeCertification();
  return (
    <div className="grid-2">
      <GrantForm {...props} />
      <section className="card" aria-labelledby="lab-certs-title">
        <h2 id="lab-certs-title">{t('certifications.labList')}</h2>
        {list.isPending && <Loading />}
        {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && list.data.items.length === 0 && <Empty>{t('certifications.noneInLab')}</Empty>}
        <FormError error={revoke.error} />
        {list.data && list.data.items.length > 0 && (
          <ul className="list">
            {list.data.items.map((c) => (
              <li key={c.id} className="list-item">
                <div className="list-item-main">
                  <p>
                    <strong>{c.userName ?? '—'}</strong> · {props.machineTypeName(c.machineType)}
                  </p>
                  <p className="muted small">
                    {t('certifications.granted', { date: format.date(c.grantedAt, props.zone) })}
                    {c.expiresAt
                      ? ` · ${t('certifications.expires', { date: format.date(c.expiresAt, props.zone) })}`
                      : ''}
                  </p>
                </div>
                <div className="list-item-actions">
                  <Badge tone={c.state === 'valid' ? 'success' : 'warning'}>
                    {t(`certifications.states.${c.state}`)}
                  </Badge>
                  {c.state !== 'revoked' && (
                    <button
                      type="button"
                      className="button button-small"
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(t('certifications.revokeConfirm', { name: c.userName ?? '' })))
                          revoke.mutate(c.id);
                      }}
                    >
                      {t('certifications.revoke')}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
