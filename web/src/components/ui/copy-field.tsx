// A secret link to pass on (a calendar feed, an invite): selectable, with a button that copies it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function CopyField({ label, value, copyLabel }: { label: string; value: string; copyLabel?: string }) {
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
          {copyLabel ?? t('common.copy')}
        </button>
        <span role="status" className="muted small">
          {copied ? t('common.copied') : ''}
        </span>
      </div>
    </div>
  );
}
