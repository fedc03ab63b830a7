// Records that a plan's work was carried out now: the plan starts counting again and the
// machine's log gets an entry (what was done, what it cost, which parts).
import type { MaintenancePlan, MaintenancePlanDone } from '@fablab/shared';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { useMarkPlanDone } from '../api/mark-plan-done';
import { useWorkDoneFields } from './work-done-fields';

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
  const fields = useWorkDoneFields(plan.title);
  const { work } = fields;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!work) return;
    done.mutate({ machineId: plan.machineId, planId: plan.id, body: work }, { onSuccess: onDone });
  }

  return (
    <form className="form" onSubmit={submit}>
      <p>
        <strong>{plan.machineName}</strong> · {plan.title}
      </p>
      {fields.description}
      {fields.costAndParts}
      <p className="muted small">{t('maintenancePlans.markDoneHint')}</p>
      <FormError error={done.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={work === null || done.isPending}>
          {t('maintenancePlans.markDone')}
        </button>
      </div>
    </form>
  );
}
