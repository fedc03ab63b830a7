// What was done to a machine, at what cost, with which parts: the fields of a log entry, whether
// written by hand or by marking a plan done.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CostField, parseCost } from './cost-field';

export interface WorkDone {
  description: string;
  costVnd?: number;
  parts?: string;
}

/**
 * The fields' state; `work` is what to send, or null while the description is empty or the cost
 * is not an amount. `description` and `costAndParts` are the two parts of the form (a log entry
 * puts its date and time between them).
 */
export function useWorkDoneFields(initialDescription = '') {
  const { t } = useTranslation();
  const [description, setDescription] = useState(initialDescription);
  const [cost, setCost] = useState('');
  const [parts, setParts] = useState('');
  const costVnd = parseCost(cost);
  const work: WorkDone | null =
    description.trim().length > 0 && costVnd !== null
      ? {
          description: description.trim(),
          ...(costVnd ? { costVnd } : {}),
          ...(parts.trim() ? { parts: parts.trim() } : {}),
        }
      : null;
  return {
    work,
    description: (
      <label className="field">
        <span>{t('maintenanceLog.description')}</span>
        <textarea
          required
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
    ),
    costAndParts: (
      <div className="form-row">
        <CostField value={cost} onChange={setCost} />
        <label className="field">
          <span>
            {t('maintenanceLog.parts')} {t('common.optional')}
          </span>
          <input maxLength={2000} value={parts} onChange={(e) => setParts(e.target.value)} />
        </label>
      </div>
    ),
  };
}
