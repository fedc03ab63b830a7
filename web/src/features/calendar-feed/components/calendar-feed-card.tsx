import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useCalendarFeed } from '../api/get-calendar-feed';
import { useRegenerateCalendarFeed } from '../api/regenerate-calendar-feed';

function CopyField({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 3000);
    } catch {
      // No clipboard permission (plain http, old browser): the field is selectable instead.
      setCopied(false);
    }
  }
  return (
    <div className="field">
      <label className="field">
        <span>{label}</span>
        <input className="feed-url" readOnly value={value} onFocus={(e) => e.target.select()} />
      </label>
      <div className="list-item-actions">
        <button type="button" className="button button-small" onClick={() => void copy()}>
          {t('feed.copy')}
        </button>
        <span role="status" className="muted small">
          {copied ? t('common.copied') : ''}
        </span>
      </div>
    </div>
  );
}

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
          <CopyField label={t('feed.mine')} value={feed.data.url} />
          {feed.data.labsUrl && <CopyField label={t('feed.labs')} value={feed.data.labsUrl} />}
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
