// What an administrator is told of an invite: mailed to the person, or (without email) the
// one-time link to pass on, with when it expires.
import { DEFAULT_TIMEZONE, type Invite, type User } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../../components/ui/copy-field';
import { useFormat } from '../../../lib/datetime';

export function InviteResult({ user, invite }: { user: User; invite: Invite }) {
  const { t } = useTranslation();
  const format = useFormat();
  const expires = `${format.dateTime(invite.expiresAt, DEFAULT_TIMEZONE)} (${format.zone(DEFAULT_TIMEZONE)})`;
  return (
    <div className="form">
      {invite.mailed || !invite.url ? (
        <p className="feedback feedback-ok" role="status">
          {t('users.inviteMailed', { email: user.email, expires })}
        </p>
      ) : (
        <>
          <p className="feedback feedback-ok" role="status">
            {t('users.inviteNotMailed', { name: user.fullName })}
          </p>
          <CopyField label={t('users.inviteLink')} value={invite.url} copyLabel={t('users.copyInvite')} />
          <p className="muted small">{t('users.inviteOnce', { expires })}</p>
        </>
      )}
    </div>
  );
}
