// A new password, chosen when registering, when it is reset, when an invite is taken up and when
// it is changed: the same bounds and hint everywhere (the server's `Password` schema holds the
// same bounds).
import { useTranslation } from 'react-i18next';

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

export function NewPasswordFields({
  label,
  hintId,
  password,
  onPasswordChange,
  repeat,
}: {
  /** Where the password is not replacing one (registering), it is not called new. */
  label?: string;
  /** Unique on the page: the hint describes the field through it. */
  hintId: string;
  password: string;
  onPasswordChange: (password: string) => void;
  /** Given where the form asks for the new password twice. */
  repeat?: { value: string; onChange: (repeat: string) => void };
}) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        <span>{label ?? t('passwordReset.newPassword')}</span>
        <input
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          maxLength={MAX_PASSWORD}
          value={password}
          onChange={(e) => onPasswordChange(e.target.value)}
          aria-describedby={hintId}
        />
        <small id={hintId} className="muted small">
          {t('auth.passwordHint', { min: MIN_PASSWORD })}
        </small>
      </label>
      {repeat && (
        <label className="field">
          <span>{t('profile.repeatPassword')}</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            maxLength={MAX_PASSWORD}
            value={repeat.value}
            onChange={(e) => repeat.onChange(e.target.value)}
          />
        </label>
      )}
    </>
  );
}
