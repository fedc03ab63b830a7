// Records that a plan's work was carried out now: the plan starts counting again and the
// machine's log gets an entry (what was done, what it cost, which parts).
import type { MaintenancePlan, MaintenancePlanDone } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { useMarkPlanDone } from '../api/mark-plan-done';
import { CostField, parseCost } from './cost-field';

interface Props {
  plan: MaintenancePlan | null;
  onClose: () => void;
  onDone: (result: MaintenancePlanDone) => void;
}

export function MarkDoneDialog({ plan, onClose, onDone }: Props) {
  const { t } = useTranslation();
  return (
    <Dialog open={plan !== null} title={t('maintenancePlans.markDoneTitle')} onClose={onClose}>
      {plan && <MarkDoneForm plan={plan} onClose={onClose} onDone={onDone} />}
    </Dialog>
  );
}

function MarkDoneForm({ plan, onClose, onDone }: Props & { plan: MaintenancePlan }) {
  const { t } = useTranslation();
  const done = useMarkPlanDone();
  const [description, setDescription] = useState(plan.title);
  const [cost, setCost] = useState('');
  const [parts, setParts] = useState('');
  const costVnd = parseCost(cost);
  const valid = description.trim().length > 0 && costVnd !== null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    done.mutate(
      {
        machineId: plan.machineId,
        planId: plan.id,
        body: {
          description: description.trim(),
          ...(costVnd ? { costVnd } : {}),
          ...(parts.trim() ? { parts: parts.trim() } : {}),
        },
      },
      { onSuccess: onDone },
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      <p>
        <strong>{plan.machineName}</strong> · {plan.title}
      </p>
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
      <div className="form-row">
        <CostField value={cost} onChange={setCost} />
        <label className="field">
          <span>
            {t('maintenanceLog.parts')} {t('common.optional')}
          </span>
          <input maxLength={2000} value={parts} onChange={(e) => setParts(e.target.value)} />
        </label>
      </div>
      <p className="muted small">{t('maintenancePlans.markDoneHint')}</p>
      <FormError error={done.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={!valid || done.isPending}>
          {t('maintenancePlans.markDone')}
        </button>
      </div>
    </form>
  );
}
