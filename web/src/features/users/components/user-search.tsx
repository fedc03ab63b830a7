// Find a member by name or email (GET /api/users?q): managers use it to certify or book for someone.
import type { User } from '@fablab/shared';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, ErrorState } from '../../../components/ui/states';
import { useUsers } from '../api/get-users';

export function UserSearch({
  label,
  selected,
  onSelect,
}: {
  label: string;
  selected: User | null;
  onSelect: (user: User | null) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const users = useUsers({ q, limit: 10 }, q.length >= 2);

  if (selected) {
    return (
      <div className="field">
        <span>{label}</span>
        <p className="selected-user">
          <strong>{selected.fullName}</strong> <span className="muted small">{selected.email}</span>{' '}
          {selected.under16 && (
            <>
              <Badge tone="warning">{t('users.under16')}</Badge>{' '}
            </>
          )}
          <button type="button" className="button button-small" onClick={() => onSelect(null)}>
            {t('users.change')}
          </button>
        </p>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder={t('users.searchPlaceholder')}
        onChange={(e) => setText(e.target.value)}
      />
      {q.length >= 2 && users.isError && <ErrorState error={users.error} />}
      {q.length >= 2 && users.data && (
        <ul className="list user-results" aria-label={t('users.results')}>
          {users.data.items.length === 0 && <li className="muted small">{t('users.noResults')}</li>}
          {users.data.items.map((u) => (
            <li key={u.id}>
              <button type="button" className="button button-small" onClick={() => onSelect(u)}>
                {u.fullName} · {u.email}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
