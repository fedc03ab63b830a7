// The member's own cards (assigned at a lab's desk); a lost one can be dropped at once.
import { DEFAULT_TIMEZONE } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useMyCards } from '../api/get-my-cards';
import { CardList } from './card-list';

export function MyCards() {
  const { t } = useTranslation();
  const format = useFormat();
  const cards = useMyCards();
  return (
    <section className="card" aria-labelledby="my-cards-title">
      <h2 id="my-cards-title">{t('devices.myCards.title')}</h2>
      <p className="muted small">{t('devices.myCards.hint')}</p>
      {cards.isPending && <Loading />}
      {cards.isError && <ErrorState error={cards.error} onRetry={() => void cards.refetch()} />}
      {cards.data && cards.data.items.length === 0 && <Empty>{t('devices.myCards.none')}</Empty>}
      {cards.data && cards.data.items.length > 0 && (
        <CardList
          cards={cards.data.items}
          label={t('devices.myCards.title')}
          removeLabel={t('devices.myCards.lost')}
          confirmRemove={(c) => t('devices.myCards.lostConfirm', { uid: c.uid })}
          detail={(c) => t('devices.myCards.since', { date: format.date(c.createdAt, DEFAULT_TIMEZONE) })}
        />
      )}
    </section>
  );
}
