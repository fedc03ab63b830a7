// A machine's preventive maintenance plans: add, edit, delete, and record the work as done.
// Read-only for the department, who sees the plans of every lab but keeps none.
import type { Machine, MaintenancePlan, MaintenancePlanDone } from '@fablab/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { useDeletePlan } from '../api/delete-plan';
import { useMaintenancePlans } from '../api/get-maintenance-plans';
import { MarkDoneDialog } from './mark-done-dialog';
import { PlanDialog } from './plan-dialog';
import { PlanDueBadge, PlanProgress, usePlanRule } from './plan-status';

interface Props {
  machine: Machine;
  zone: string;
  /** Shows the plans without the buttons that change them. */
  readOnly?: boolean;
}

export function MachinePlans({ machine, zone, readOnly = false }: Props) {
  const { t } = useTranslation();
  const rule = usePlanRule();
  const plans = useMaintenancePlans(machine.id);
  const remove = useDeletePlan();
  const [editing, setEditing] = useState<MaintenancePlan | 'new' | null>(null);
  const [doing, setDoing] = useState<MaintenancePlan | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  function done(result: MaintenancePlanDone) {
    setDoing(null);
    setMessage(t('maintenancePlans.doneMessage', { title: result.plan.title, machine: result.plan.machineName }));
  }

  return (
    <section className="card" aria-labelledby="plans-title">
      <div className="toolbar-row">
        <h2 id="plans-title">{t('maintenancePlans.heading', { machine: machine.name })}</h2>
        {!readOnly && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setMessage(null);
              setEditing('new');
            }}
          >
            {t('maintenancePlans.add')}
          </button>
        )}
      </div>
      <StatusMessage message={message} />
      <FormError error={remove.error} />
      {plans.isPending && <Loading />}
      {plans.isError && <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />}
      {plans.data && plans.data.length === 0 && <Empty>{t('maintenancePlans.none')}</Empty>}
      {plans.data && plans.data.length > 0 && (
        <ul className="list" aria-label={t('maintenancePlans.listLabel', { machine: machine.name })}>
          {plans.data.map((p) => (
            <li key={p.id} className="list-item">
              <div className="list-item-main">
                <p>
                  <strong>{p.title}</strong> <PlanDueBadge plan={p} />
                </p>
                <p>{rule(p)}</p>
                <PlanProgress plan={p} zone={zone} />
              </div>
              {!readOnly && (
                <div className="list-item-actions">
                  <button
                    type="button"
                    className="button button-small button-primary"
                    aria-label={t('maintenancePlans.markDoneNamed', { title: p.title })}
                    onClick={() => {
                      setMessage(null);
                      setDoing(p);
                    }}
                  >
                    {t('maintenancePlans.markDone')}
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={t('maintenancePlans.editNamed', { title: p.title })}
                    onClick={() => {
                      setMessage(null);
                      setEditing(p);
                    }}
                  >
                    {t('common.edit')}
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    disabled={remove.isPending}
                    aria-label={t('maintenancePlans.deleteNamed', { title: p.title })}
                    onClick={() => {
                      if (window.confirm(t('maintenancePlans.deleteConfirm', { title: p.title })))
                        remove.mutate({ machineId: p.machineId, planId: p.id });
                    }}
                  >
                    {t('common.delete')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <>
          <PlanDialog
            editing={editing}
            machineId={machine.id}
            zone={zone}
            onClose={() => setEditing(null)}
            onSaved={(plan) => {
              setEditing(null);
              setMessage(t('maintenancePlans.saved', { title: plan.title }));
            }}
          />
          <MarkDoneDialog plan={doing} onClose={() => setDoing(null)} onDone={done} />
        </>
      )}
    </section>
  );
}
