// Who a person is, asked alike when they register, when they edit their profile and when an
// administrator opens an account for them: the statistics count by category and gender.
import { GENDERS, MEMBER_CATEGORIES, type Gender, type MemberCategory } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { SelectField } from './select-field';

/** A field is asked only when the form holds a value for it: an administrator leaves gender,
 * organisation and phone to the account's owner. */
export interface Person {
  fullName: string;
  category: MemberCategory;
  gender?: Gender;
  organization?: string;
  phone?: string;
}

export function PersonFields({
  value,
  onChange,
  someoneElse = false,
}: {
  value: Person;
  onChange: (change: Partial<Person>) => void;
  /** Filled in by someone other than the person: the browser must not offer the signed-in
   * administrator's own name, and the category is not asked as "you are". */
  someoneElse?: boolean;
}) {
  const { t } = useTranslation();
  const autoComplete = (own: string) => (someoneElse ? 'off' : own);
  return (
    <>
      <label className="field">
        <span>{t('auth.fullName')}</span>
        <input
          autoComplete={autoComplete('name')}
          required
          maxLength={200}
          value={value.fullName}
          onChange={(e) => onChange({ fullName: e.target.value })}
        />
      </label>
      <SelectField
        label={someoneElse ? t('users.category') : t('auth.category')}
        value={value.category}
        options={MEMBER_CATEGORIES}
        optionLabel={(c) => t(`categories.${c}`)}
        onChange={(category) => onChange({ category })}
      />
      {value.gender !== undefined && (
        <SelectField
          label={t('auth.genderOptional')}
          value={value.gender}
          options={GENDERS}
          optionLabel={(g) => t(`genders.${g}`)}
          onChange={(gender) => onChange({ gender })}
          hint={t('auth.genderHint')}
        />
      )}
      {value.organization !== undefined && (
        <label className="field">
          <span>{t('auth.organization')}</span>
          <input
            autoComplete={autoComplete('organization')}
            maxLength={200}
            value={value.organization}
            onChange={(e) => onChange({ organization: e.target.value })}
          />
        </label>
      )}
      {value.phone !== undefined && (
        <label className="field">
          <span>{t('auth.phoneOptional')}</span>
          <input
            type="tel"
            autoComplete={autoComplete('tel')}
            maxLength={40}
            value={value.phone}
            onChange={(e) => onChange({ phone: e.target.value })}
          />
        </label>
      )}
    </>
  );
}
