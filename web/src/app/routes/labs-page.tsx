import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { StatusMessage } from '../../components/ui/states';
import { LabList } from '../../features/labs/components/lab-list';
import { useUser } from '../../lib/auth';

/** What the page that sent a person here has to tell them (a new account). */
type Notice = 'welcome';

export function LabsPage() {
  const { t } = useTranslation();
  const { state } = useLocation() as { state: { notice?: Notice } | null };
  const { data: user } = useUser();
  const notice = state?.notice;
  return (
    <>
      <div className="page-head">
        <h1>{t('labs.title')}</h1>
        <p className="lead">{t('labs.intro')}</p>
      </div>
      <StatusMessage message={notice === 'welcome' && user ? t('auth.welcome', { name: user.fullName }) : null} />
      <LabList />
    </>
  );
}
