import { useTranslation } from 'react-i18next';
import { ApiError } from './api-client';

/** Words for a refusal, translated from the server's machine-readable code. */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      const fallback = t('errors.unknown', { status: error.status });
      return t(`errors.${error.code}`, { defaultValue: fallback });
    }
    return t('errors.unknown', { status: 0 });
  };
}
