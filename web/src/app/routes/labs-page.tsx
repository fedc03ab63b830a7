import { useTranslation } from 'react-i18next';
import { LabList } from '../../features/labs/components/lab-list';

export function LabsPage() {
  const { t } = useTranslation();
  return (
    <>
      <div className="page-head">
        <h1>{t('labs.title')}</h1>
        <p className="lead">{t('labs.intro')}</p>
      </div>
      <LabList />
    </>
  );
}
