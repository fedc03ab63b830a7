import { useTranslation } from 'react-i18next';
import { CopyField } from '../../../components/ui/copy-field';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useCalendarFeed } from '../api/get-calendar-feed';
import { useRegenerateCalendarFeed } from '../api/regenerate-calendar-feed';

export function CalendarFeedCard() {
  const { t } = useTranslation();
  const feed = useCalendarFeed();
  const regenerate = useRegenerateCalendarFeed();
  return (
    <section className="card" aria-labelledby="feed-title">
      <h2 id="feed-title">{t('feed.title')}</h2>
      <p className="muted small">{t('feed.intro')}</p>
      {feed.isPending && <Loading />}
      {feed.isError && <ErrorState error={feed.error} onRetry={() => void feed.refetch()} />}
      {feed.data && (
        <div className="form">
          <CopyField label={t('feed.mine')} value={feed.data.url} copyLabel={t('feed.copy')} />
          {feed.data.labsUrl && (
            <CopyField label={t('feed.labs')} value={feed.data.labsUrl} copyLabel={t('feed.copy')} />
          )}
          <FormError error={regenerate.error} />
          <div className="list-item-actions">
            <button
              type="button"
              className="button button-small"
              disabled={regenerate.isPending}
              onClick={() => {
                if (window.confirm(t('feed.regenerateConfirm'))) regenerate.mutate('me');
              }}
            >
              {t('feed.regenerate')}
            </button>
            {feed.data.labsUrl && (
              <button
                type="button"
                className="button button-small"
                disabled={regenerate.isPending}
                onClick={() => {
                  if (window.confirm(t('feed.regenerateLabsConfirm'))) regenerate.mutate('labs');
                }}
              >
                {t('feed.regenerateLabs')}
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
