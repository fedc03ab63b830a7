// What a guardian reads from the link mailed to them: whose account, what it keeps and why, and
// one button to consent (Decree 13/2023, art. 20). A used or expired link says so.
import { DEFAULT_TIMEZONE } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../lib/api-client';
import { useFormat } from '../../../lib/datetime';
import { ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { useConfirmGuardianConsent, useGuardianConsent } from '../api/guardian-consent';

export function GuardianConsentForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const request = useGuardianConsent(token);
  const confirm = useConfirmGuardianConsent(token);

  if (confirm.isSuccess) {
    return <StatusMessage message={t('consent.thanks', { member: confirm.data.memberName })} />;
  }
  if (request.isPending) return <Loading />;
  if (request.isError) {
    if (request.error instanceof ApiError && request.error.code === 'INVALID_TOKEN') {
      return (
        <p className="form-error" role="alert">
          {t('consent.invalidLink')}
        </p>
      );
    }
    return <ErrorState error={request.error} onRetry={() => void request.refetch()} />;
  }
  const { memberName, guardianName, collected, expiresAt } = request.data;
  return (
    <div className="form">
      <p className="lead">
        {guardianName
          ? t('consent.lead', { member: memberName, guardian: guardianName })
          : t('consent.leadNoName', { member: memberName })}
      </p>
      <section aria-labelledby="collected-title">
        <h2 id="collected-title">{t('consent.collectedTitle', { member: memberName })}</h2>
        <ul>
          {collected.map((field) => (
            <li key={field}>{t(`consent.collected.${field}`)}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="purpose-title">
        <h2 id="purpose-title">{t('consent.purposeTitle')}</h2>
        <p>{t('consent.purpose')}</p>
        <p>{t('consent.rights')}</p>
      </section>
      <p className="muted small">{t('consent.expires', { when: format.dateTime(expiresAt, DEFAULT_TIMEZONE) })}</p>
      <FormError error={confirm.error} codes={{ INVALID_TOKEN: t('consent.invalidLink') }} />
      <div>
        <button
          type="button"
          className="button button-primary"
          disabled={confirm.isPending}
          onClick={() => confirm.mutate()}
        >
          {t('consent.agree', { member: memberName })}
        </button>
      </div>
    </div>
  );
}
