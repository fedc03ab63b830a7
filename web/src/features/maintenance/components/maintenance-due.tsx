// The lab's plans that are due now: a banner over every manage screen, and the full list with a
// way to record the work on the spot (not for the department, who only reads).
import type { MaintenancePlan, MaintenancePlanDone } from '@fablab/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading, StatusMessage } from '../../../components/ui/states';
import { useMaintenanceDue } from '../api/get-maintenance-due';
import { MarkDoneDialog } from './mark-done-dialog';
import { PlanDueBadge, PlanProgress, usePlanRule } from './plan-status';

/** One line that says how many plans are due, with a link to them; nothing when none is. */
export function MaintenanceDueBanner({ labId, href }: { labId: string; href: string }) {
  const { t } = useTranslation();
  const due = useMaintenanceDue(labId);
  if (!due.data || due.data.length === 0) return null;
  return (
    <p className="notice notice-warning section">
      {t('maintenanceDue.banner', { count: due.data.length })} <Link to={href}>{t('maintenanceDue.view')}</Link>
    </p>
  );
}

interface ListProps {
  labId: string;
  zone: string;
  /** Where the plans of one machine are shown. */
  machineHref: (machineId: string) => string;
  /** Leaves out marking a plan done. */
  readOnly?: boolean;
}

export function MaintenanceDueList({ labId, zone, machineHref, readOnly = false }: ListProps) {
  const { t } = useTranslation();
  const rule = usePlanRule();
  const due = useMaintenanceDue(labId);
  const [doing, setDoing] = useState<MaintenancePlan | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  function done(result: MaintenancePlanDone) {
    setDoing(null);
    setMessage(t('maintenancePlans.doneMessage', { title: result.plan.title, machine: result.plan.machineName }));
  }

  return (
    <section className="card section" aria-labelledby="due-title">
      <h2 id="due-title">{t('maintenanceDue.title')}</h2>
      <StatusMessage message={message} />
      {due.isPending && <Loading />}
      {due.isError && <ErrorState error={due.error} onRetry={() => void due.refetch()} />}
      {due.data && due.data.length === 0 && <Empty>{t('maintenanceDue.none')}</Empty>}
      {due.data && due.data.length > 0 && (
        <ul className="list" aria-label={t('maintenanceDue.title')}>
          {due.data.map((p) => (
            <li key={p.id} className="list-item">
              <div className="list-item-main">
                <p>
                  <strong>{p.machineName}</strong> · {p.title} <PlanDueBadge plan={p} />
                </p>
                <p>{rule(p)}</p>
                <PlanProgress plan={p} zone={zone} />
              </div>
              <div className="list-item-actions">
                {!readOnly && (
                  <button
                    type="button"
                    className="button button-small button-primary"
                    aria-label={t('maintenancePlans.markDoneNamed', { title: `${p.machineName} · ${p.title}` })}
                    onClick={() => {
                      setMessage(null);
                      setDoing(p);
                    }}
                  >
                    {t('maintenancePlans.markDone')}
                  </button>
                )}
                <Link className="button button-small" to={machineHref(p.machineId)}>
                  {t('maintenanceDue.openMachine')}
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
      {!readOnly && <MarkDoneDialog plan={doing} onClose={() => setDoing(null)} onDone={done} />}
    </section>
  );
}
