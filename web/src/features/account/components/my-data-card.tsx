// Decree 13/2023/ND-CP: a member downloads their data, or deletes the account (statistics keep
// only anonymous counts).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { useDeleteMyAccount } from '../api/delete-my-account';
import { useExportMyData } from '../api/export-my-data';

export function MyDataCard({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useTranslation();
  const exportData = useExportMyData();
  const remove = useDeleteMyAccount();
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    remove.mutate(password, { onSuccess: onDeleted });
  }
  return (
    <section className="card" aria-labelledby="my-data-title">
      <h2 id="my-data-title">{t('account.title')}</h2>
      <p className="muted small">{t('account.intro')}</p>
      <FormError error={exportData.error} />
      {exportData.data && (
        <p className="feedback-ok" role="status">
          {t('stats.downloaded', { name: exportData.data })}
        </p>
      )}
      <div className="button-group">
        <button type="button" className="button" disabled={exportData.isPending} onClick={() => exportData.mutate()}>
          {t('account.export')}
        </button>
        <button type="button" className="button button-danger" onClick={() => setAsking(true)}>
          {t('account.delete')}
        </button>
      </div>
      <Dialog open={asking} title={t('account.deleteTitle')} onClose={() => setAsking(false)}>
        <form className="form" onSubmit={submit}>
          <p>{t('account.deleteWarning')}</p>
          <label className="field">
            <span>{t('account.currentPassword')}</span>
            <input
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <FormError error={remove.error} />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setAsking(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button-danger" disabled={remove.isPending || !password}>
              {t('account.confirmDelete')}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
