// A member's cards, assigned at the desk: tap the new card at any of the lab's readers and pick its
// UID from the cards just tapped that belong to nobody (the server logs each), or type it.
import { normalizeUid, type User } from '@fablab/shared';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useAssignCard } from '../api/assign-card';
import { useUnknownCards } from '../api/get-unknown-cards';
import { useUserCards } from '../api/get-user-cards';
import { CardList } from './card-list';

const UID_PATTERN = /^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){3,9}$/;

function MemberCards({ member }: { member: User }) {
  const { t } = useTranslation();
  const cards = useUserCards(member.id);
  if (cards.isPending) return <Loading />;
  if (cards.isError) return <ErrorState error={cards.error} onRetry={() => void cards.refetch()} />;
  if (cards.data.items.length === 0)
    return <Empty>{t('devices.cards.memberHasNone', { name: member.fullName })}</Empty>;
  return (
    <CardList
      cards={cards.data.items}
      label={t('devices.cards.memberCards', { name: member.fullName })}
      removeLabel={t('devices.cards.remove')}
      confirmRemove={(c) => t('devices.cards.removeConfirm', { uid: c.uid })}
    />
  );
}

export function CardAssignment({
  labId,
  zone,
  machineName,
  renderMemberPicker,
}: {
  labId: string;
  zone: string;
  machineName: (machineId: string) => string;
  renderMemberPicker: (selected: User | null, onSelect: (user: User | null) => void) => ReactNode;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const unknown = useUnknownCards(labId);
  const assign = useAssignCard();
  const [member, setMember] = useState<User | null>(null);
  const [uid, setUid] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const valid = UID_PATTERN.test(uid.trim());
  // The same card tapped twice is offered once, its latest tap first.
  const seen = new Set<string>();
  const tapped = (unknown.data?.items ?? []).filter((e) => e.uid && !seen.has(e.uid) && seen.add(e.uid));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!member || !valid) return;
    const card = normalizeUid(uid.trim());
    assign.mutate(
      { userId: member.id, uid: card },
      {
        onSuccess: () => {
          setMessage(t('devices.cards.assigned', { uid: card, name: member.fullName }));
          setUid('');
        },
      },
    );
  }

  return (
    <section className="section" aria-labelledby="cards-title">
      <h2 id="cards-title">{t('devices.cards.title')}</h2>
      <div className="grid-2">
        <form className="form card" onSubmit={submit} aria-labelledby="cards-assign-title">
          <h3 id="cards-assign-title">{t('devices.cards.assignTitle')}</h3>
          {renderMemberPicker(member, (u) => {
            setMember(u);
            setMessage(null);
            assign.reset();
          })}
          <label className="field">
            <span>{t('devices.cards.uid')}</span>
            <input
              value={uid}
              maxLength={29}
              placeholder="04A1B2C3D4E5F6"
              aria-invalid={uid.trim() !== '' && !valid}
              onChange={(e) => setUid(e.target.value)}
            />
          </label>
          <p className="muted small">{t('devices.cards.uidHint')}</p>
          <FormError error={assign.error} />
          <StatusMessage message={message} />
          <div>
            <button type="submit" className="button button-primary" disabled={!member || !valid || assign.isPending}>
              {t('devices.cards.assign')}
            </button>
          </div>
          {member && (
            <>
              <h4>{t('devices.cards.memberCards', { name: member.fullName })}</h4>
              <MemberCards member={member} />
            </>
          )}
        </form>
        <div className="card">
          <h3 id="cards-unknown-title">{t('devices.cards.unknownTitle')}</h3>
          <p className="muted small">{t('devices.cards.unknownHint')}</p>
          {unknown.isPending && <Loading />}
          {unknown.isError && <ErrorState error={unknown.error} onRetry={() => void unknown.refetch()} />}
          {unknown.data && tapped.length === 0 && <Empty>{t('devices.cards.noUnknown')}</Empty>}
          {tapped.length > 0 && (
            <ul className="list" aria-labelledby="cards-unknown-title">
              {tapped.map((e) => (
                <li key={e.id} className="list-item">
                  <div className="list-item-main">
                    <p>
                      <code>{e.uid}</code>
                    </p>
                    <p className="muted small">
                      {t('devices.cards.tappedAt', {
                        when: format.dateTime(e.at, zone),
                        machine: e.machineId ? machineName(e.machineId) : (e.deviceId ?? ''),
                      })}
                    </p>
                  </div>
                  <div className="list-item-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={t('devices.cards.useUidLabel', { uid: e.uid })}
                      onClick={() => setUid(e.uid!)}
                    >
                      {t('devices.cards.useUid')}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
