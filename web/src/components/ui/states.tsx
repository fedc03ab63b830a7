import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api-client';
import { useErrorMessage } from '../../lib/error-message';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  return (
    <div className="state state-error" role="alert">
      <p>{message(error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/**
 * The refusal of a form's submit, read out when it appears. `codes` gives a form its own words
 * for a code that means something narrower there than the general words for it say.
 */
export function FormError({ error, codes }: { error: unknown; codes?: Partial<Record<string, string>> }) {
  const message = useErrorMessage();
  if (!error) return null;
  const own = error instanceof ApiError ? codes?.[error.code] : undefined;
  return (
    <p className="form-error" role="alert">
      {own ?? message(error)}
    </p>
  );
}

/**
 * What an action just did, read out by screen readers: the live region stays in the page, so a
 * message that appears in it is announced.
 */
export function StatusMessage({ message }: { message: string | null }) {
  return (
    <div aria-live="polite" className="feedback-region">
      {message && (
        <p className="feedback feedback-ok" role="status">
          {message}
        </p>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'info' | 'success' | 'warning' | 'danger';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
