// Creates or edits a preventive maintenance plan: a title and a rule by calendar days, by hours
// of use, or both (whichever comes first).
import type { MaintenancePlan, MaintenancePlanPatchBody } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../../components/ui/date-input';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { atLocal, todayIn, toZoned } from '../../../lib/datetime';
import { useCreatePlan } from '../api/create-plan';
import { useUpdatePlan } from '../api/update-plan';

interface Props {
  /** 'new' to add a plan to the machine, a plan to edit it, null when closed. */
  editing: MaintenancePlan | 'new' | null;
  machineId: string;
  zone: string;
  onClose: () => void;
  onSaved: (plan: MaintenancePlan) => void;
}

export function PlanDialog(props: Props) {
  const { t } = useTranslation();
  const title = props.editing === 'new' ? t('maintenancePlans.add') : t('maintenancePlans.edit');
  return (
    <Dialog open={props.editing !== null} title={title} onClose={props.onClose}>
      {props.editing !== null && <PlanForm {...props} plan={props.editing === 'new' ? null : props.editing} />}
    </Dialog>
  );
}

/** A whole number in [min, max], null when empty, undefined when not acceptable. */
function parseCount(text: string, max: number): number | null | undefined {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
}

function PlanForm({
  plan,
  machineId,
  zone,
  onClose,
  onSaved,
}: Omit<Props, 'editing'> & { plan: MaintenancePlan | null }) {
  const { t } = useTranslation();
  const create = useCreatePlan();
  const update = useUpdatePlan();
  const mutation = plan ? update : create;
  const today = todayIn(zone);
  const initialDate = plan ? (toZoned(plan.lastDoneAt, zone).toISODate() as string) : today;
  const [title, setTitle] = useState(plan?.title ?? '');
  const [days, setDays] = useState(plan?.everyDays ? String(plan.everyDays) : '');
  const [hours, setHours] = useState(plan?.everyUsageHours ? String(plan.everyUsageHours) : '');
  const [lastDone, setLastDone] = useState(initialDate);
  const everyDays = parseCount(days, 3650);
  const everyUsageHours = parseCount(hours, 100_000);
  const numbersOk = everyDays !== undefined && everyUsageHours !== undefined;
  const hasRule = Boolean(everyDays) || Boolean(everyUsageHours);
  const dateOk = lastDone !== '' && lastDone <= today;
  const valid = title.trim().length > 0 && numbersOk && hasRule && dateOk;

  /** Today means now (the server refuses a future instant); an earlier day, its start in the lab. */
  function lastDoneAt(): string {
    if (lastDone === today) return DateTime.now().toUTC().toISO() as string;
    return atLocal(lastDone, '00:00', zone).toUTC().toISO() as string;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    const rules = { title: title.trim(), everyDays: everyDays ?? null, everyUsageHours: everyUsageHours ?? null };
    if (plan) {
      const body: MaintenancePlanPatchBody = {
        ...rules,
        ...(lastDone !== initialDate ? { lastDoneAt: lastDoneAt() } : {}),
      };
      update.mutate({ machineId, planId: plan.id, body }, { onSuccess: onSaved });
    } else {
      create.mutate(
        { machineId, body: { ...rules, ...(lastDone !== today ? { lastDoneAt: lastDoneAt() } : {}) } },
        { onSuccess: onSaved },
      );
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('maintenancePlans.title')}</span>
        <input
          required
          maxLength={200}
          placeholder={t('maintenancePlans.titleExample')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <div className="form-row">
        <label className="field">
          <span>{t('maintenancePlans.everyDaysLabel')}</span>
          <input
            type="number"
            min={1}
            max={3650}
            step={1}
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('maintenancePlans.everyUsageHoursLabel')}</span>
          <input
            type="number"
            min={1}
            max={100000}
            step={1}
            inputMode="numeric"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
          />
        </label>
      </div>
      <p className={numbersOk ? 'muted small' : 'form-error'}>
        {numbersOk ? t('maintenancePlans.ruleHint') : t('maintenancePlans.ruleInvalid')}
      </p>
      <label className="field">
        <span>{t('maintenancePlans.lastDoneLabel')}</span>
        <DateInput required max={today} value={lastDone} onChange={setLastDone} />
      </label>
      <FormError error={mutation.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={!valid || mutation.isPending}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}
