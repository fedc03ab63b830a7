import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section className="narrow">
      <h1>{t('pages.notFound')}</h1>
      <Link to="/">{t('pages.backHome')}</Link>
    </section>
  );
}

export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <section className="narrow" role="alert">
      <h1>{t('pages.forbidden')}</h1>
      <Link to="/">{t('pages.backHome')}</Link>
    </section>
  );
}

export function RouteErrorPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  // A chunk that failed to load (a new deploy replaced it) is fixed by a reload.
  const isChunk =
    error instanceof Error && /dynamically imported module|Importing a module script/i.test(error.message);
  return (
    <section className="narrow" role="alert">
      <h1>{t('pages.error')}</h1>
      <p>{isChunk ? t('pages.chunkError') : t('pages.errorHint')}</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        {t('pages.reload')}
      </button>
    </section>
  );
}
