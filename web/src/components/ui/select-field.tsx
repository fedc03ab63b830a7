/** A labelled select over a fixed list of values (an enum of `shared`), each shown by its label. */
export function SelectField<T extends string>({
  label,
  value,
  options,
  optionLabel,
  onChange,
  hint,
}: {
  label: string;
  value: T;
  options: readonly T[];
  optionLabel: (option: T) => string;
  onChange: (value: T) => void;
  hint?: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      {/* The select offers only `options`, so what it reports is one of them. */}
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
      {hint && <small className="muted">{hint}</small>}
    </label>
  );
}
