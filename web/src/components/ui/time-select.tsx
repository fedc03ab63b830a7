// A 24-hour time of day as a select: native time inputs follow the browser's locale (AM/PM in
// many), while the labs work in 24-hour time; a select is also quick with the keyboard.
import type { SelectHTMLAttributes } from 'react';

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

interface Props extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> {
  value: string;
  onChange: (value: string) => void;
  /** Minutes between choices. */
  step?: number;
  /** Offer 24:00 (the end of a day) as a choice. */
  allowMidnightEnd?: boolean;
  /** Text of an empty choice ("no time"), when the field is optional. */
  emptyLabel?: string;
}

export function TimeSelect({ value, onChange, step = 15, allowMidnightEnd, emptyLabel, ...rest }: Props) {
  const options: string[] = [];
  for (let m = 0; m < 24 * 60; m += step) options.push(hhmm(m));
  if (allowMidnightEnd) options.push('24:00');
  if (value && !options.includes(value)) options.push(value);
  options.sort();
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}
