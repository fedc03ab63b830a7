// A date typed and shown as dd/MM/yyyy, the app's own format in both languages. The browser's
// date input follows the browser's locale instead (12/02/2026 for 2 December in an American
// browser, beside the app's 02/12/2026), so dates are plain text here, read and written with luxon.
import { DateTime } from 'luxon';
import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { DATE_FORMAT } from '../../lib/datetime';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'min' | 'max' | 'type'> {
  /** YYYY-MM-DD, or '' for none. */
  value: string;
  /** Called with YYYY-MM-DD once the text is a whole date within min…max, or '' when emptied. */
  onChange: (date: string) => void;
  min?: string;
  max?: string;
}

const toText = (iso: string) => (iso ? DateTime.fromISO(iso, { zone: 'utc' }).toFormat(DATE_FORMAT) : '');

/** dd/MM/yyyy (single digits too), or a pasted YYYY-MM-DD. */
function parse(text: string): string | null {
  const trimmed = text.trim();
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
    ? DateTime.fromISO(trimmed, { zone: 'utc' })
    : DateTime.fromFormat(trimmed, 'd/M/yyyy', { zone: 'utc' });
  return dt.isValid ? (dt.toISODate() as string) : null;
}

export function DateInput({ value, onChange, min, max, required, onBlur, ...rest }: Props) {
  const { t } = useTranslation();
  const ref = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(() => toText(value));
  // A value set from outside (a reset, a calendar's navigation) replaces what is typed.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(toText(value));
  }

  const problem = (next: string): string => {
    if (!next.trim()) return required ? t('common.dateRequired') : '';
    const iso = parse(next);
    if (!iso) return t('common.dateInvalid');
    if (min && iso < min) return t('common.dateTooEarly', { date: toText(min) });
    if (max && iso > max) return t('common.dateTooLate', { date: toText(max) });
    return '';
  };
  const message = problem(text);
  useEffect(() => {
    ref.current?.setCustomValidity(message);
  }, [message]);

  return (
    <input
      {...rest}
      ref={ref}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      placeholder={t('common.datePlaceholder')}
      required={required}
      aria-invalid={message && text ? true : undefined}
      value={text}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        if (problem(next)) return;
        const iso = next.trim() ? (parse(next) as string) : '';
        setShown(iso);
        onChange(iso);
      }}
      onBlur={(e) => {
        // What was typed and is not a date gives way to the last date taken.
        if (problem(text) || text !== toText(value)) setText(toText(value));
        onBlur?.(e);
      }}
    />
  );
}
