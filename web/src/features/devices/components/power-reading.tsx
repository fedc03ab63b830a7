import type { LiveMachineStatus } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';

type Power = NonNullable<LiveMachineStatus['power']>;

/** A switch's state in a few words: offline, off, or on with its draw. */
export function PowerReading({ power }: { power: Power }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!power.online) return <Badge tone="warning">{t('devices.offline')}</Badge>;
  if (power.output !== true) return <Badge>{t('devices.powerOff')}</Badge>;
  return (
    <Badge tone="success">
      {t('devices.powerOn', { watts: power.apower === null ? '–' : format.number(power.apower, 0) })}
    </Badge>
  );
}
