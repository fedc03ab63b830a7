// Accounts and roles, for administrators: new accounts with an invite to choose a password, who
// manages which lab, who is disabled, and a new invite or a temporary password for someone locked out.
import { ROLES, type Lab, type Role, type User } from '@fablab/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { PagedTable } from '../../../components/ui/paged-table';
import { Badge, FormError } from '../../../components/ui/states';
import { useUsers } from '../api/get-users';
import { useInviteUser } from '../api/invite-user';
import { useUpdateUser } from '../api/update-user';
import { CreateUserForm } from './create-user-form';
import { InviteResult } from './invite-result';

const PAGE = 50;

interface Props {
  labs: Lab[];
  labName: (lab: Lab) => string;
  currentUserId: string;
}

function EditUserForm({ user, labs, labName, currentUserId, onDone }: Props & { user: User; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const invite = useInviteUser();
  const [role, setRole] = useState<Role>(user.role);
  const [managed, setManaged] = useState<string[]>(user.managedLabIds);
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const self = user.id === currentUserId;
  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      {
        id: user.id,
        body: {
          role,
          managedLabIds: role === 'manager' ? managed : [],
          disabled,
          ...(password ? { password } : {}),
        },
      },
      { onSuccess: onDone },
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <p>
        <strong>{user.fullName}</strong> · {user.email}
      </p>
      <label className="field">
        <span>{t('users.role')}</span>
        <select value={role} disabled={self} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {role === 'manager' && (
        <fieldset className="fieldset">
          <legend>{t('users.managedLabs')}</legend>
          {labs.map((lab) => (
            <label key={lab.id} className="check">
              <input
                type="checkbox"
                checked={managed.includes(lab.id)}
                onChange={(e) =>
                  setManaged(e.target.checked ? [...managed, lab.id] : managed.filter((id) => id !== lab.id))
                }
              />
              <span>{labName(lab)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <label className="check">
        <input type="checkbox" checked={disabled} disabled={self} onChange={(e) => setDisabled(e.target.checked)} />
        <span>{t('users.disabled')}</span>
      </label>
      <div className="field">
        <div className="list-item-actions">
          <button
            type="button"
            className="button button-small"
            disabled={invite.isPending}
            onClick={() => invite.mutate(user.id)}
          >
            {t('users.sendInvite')}
          </button>
        </div>
        <small className="muted">{t('users.sendInviteHint')}</small>
        <FormError error={invite.error} />
        {invite.data && <InviteResult user={invite.data.user} invite={invite.data.invite} />}
      </div>
      <label className="field">
        <span>{t('users.tempPassword')}</span>
        <input
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={200}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <small className="muted">{t('users.tempPasswordHint')}</small>
      </label>
      <FormError error={update.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

export function UsersAdmin(props: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<User | null>(null);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(text.trim());
      setOffset(0);
    }, 250);
    return () => clearTimeout(timer);
  }, [text]);
  const users = useUsers({ q: q || undefined, role: role || undefined, limit: PAGE, offset });
  const labById = new Map(props.labs.map((l) => [l.id, l]));

  return (
    <section aria-labelledby="users-title">
      <div className="toolbar-row">
        <h2 id="users-title">{t('users.title')}</h2>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          {t('users.create')}
        </button>
      </div>
      <div className="toolbar-row">
        <label className="field">
          <span>{t('common.search')}</span>
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('users.searchPlaceholder')}
          />
        </label>
        <label className="field">
          <span>{t('users.role')}</span>
          <select
            value={role}
            onChange={(e) => {
              setRole(e.target.value as Role | '');
              setOffset(0);
            }}
          >
            <option value="">{t('calendar.allTypes')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PagedTable
        query={users}
        page={{ offset, size: PAGE, onChange: setOffset }}
        labels={{ previous: t('users.previous'), next: t('users.next'), range: (r) => t('users.range', r) }}
        empty={t('users.noResults')}
        caption={t('admin.users')}
        head={
          <tr>
            <th scope="col">{t('auth.fullName')}</th>
            <th scope="col">{t('auth.email')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('auth.category')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        }
        row={(u) => (
          <tr key={u.id}>
            <th scope="row">
              {u.fullName} {u.disabled && <Badge tone="danger">{t('users.disabledBadge')}</Badge>}
              {u.under16 && <Badge tone="warning">{t('users.under16')}</Badge>}
              {u.guardianConsent?.status === 'pending' && <Badge tone="danger">{t('users.consentPending')}</Badge>}
            </th>
            <td>{u.email}</td>
            <td>
              {t(`roles.${u.role}`)}
              {u.role === 'manager' && u.managedLabIds.length > 0 && (
                <div className="muted small">
                  {u.managedLabIds.map((id) => (labById.get(id) ? props.labName(labById.get(id)!) : id)).join(', ')}
                </div>
              )}
            </td>
            <td>{t(`categories.${u.category}`)}</td>
            <td>
              <button
                type="button"
                className="button button-small"
                onClick={() => setEditing(u)}
                aria-label={t('users.editNamed', { name: u.fullName })}
              >
                {t('common.edit')}
              </button>
            </td>
          </tr>
        )}
      />
      <Dialog open={editing !== null} title={t('users.editTitle')} onClose={() => setEditing(null)}>
        {editing && <EditUserForm {...props} user={editing} onDone={() => setEditing(null)} />}
      </Dialog>
      <Dialog open={creating} title={t('users.createTitle')} onClose={() => setCreating(false)}>
        {creating && <CreateUserForm labs={props.labs} labName={props.labName} onDone={() => setCreating(false)} />}
      </Dialog>
    </section>
  );
}
