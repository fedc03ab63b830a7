// How a plan's rule and its progress read, shared by the machine's plans and the lab's due list.
import type { MaintenancePlan } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';

/** "Every 30 days · every 100 hours of use". */
export function usePlanRule() {
  const { t } = useTranslation();
  return (plan: Pick<MaintenancePlan, 'everyDays' | 'everyUsageHours'>): string =>
    [
      plan.everyDays ? t('maintenancePlans.everyDays', { count: plan.everyDays }) : null,
      plan.everyUsageHours ? t('maintenancePlans.everyUsageHours', { count: plan.everyUsageHours }) : null,
    ]
      .filter(Boolean)
      .join(' · ');
}

/** Last done, hours of use since, and when the calendar rule comes due. */
export function PlanProgress({ plan, zone }: { plan: MaintenancePlan; zone: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const parts = [t('maintenancePlans.lastDone', { date: format.date(plan.lastDoneAt, zone) })];
  parts.push(
    plan.everyUsageHours
      ? t('maintenancePlans.hoursOf', {
          used: format.number(plan.usageHoursSinceDone),
          limit: format.number(plan.everyUsageHours, 0),
        })
      : t('maintenancePlans.hoursSince', { used: format.number(plan.usageHoursSinceDone) }),
  );
  if (plan.dueAt) parts.push(t('maintenancePlans.dueAt', { date: format.date(plan.dueAt, zone) }));
  return <p className="muted small">{parts.join(' · ')}</p>;
}

export function PlanDueBadge({ plan }: { plan: MaintenancePlan }) {
  const { t } = useTranslation();
  if (!plan.due) return <Badge tone="success">{t('maintenancePlans.notDue')}</Badge>;
  return (
    <Badge tone="warning">
      {plan.dueBecause === 'usage_hours' ? t('maintenancePlans.dueByHours') : t('maintenancePlans.dueByDays')}
    </Badge>
  );
}

/** Đồng are whole numbers; the symbol follows the amount in both languages. */
export function useVnd() {
  const format = useFormat();
  return (amount: number) => `${format.number(amount, 0)} ₫`;
}
