// The lab's devices and members' cards (README "Devices"), for the lab's managers.
import type { User } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { CardAssignment } from '../../../features/devices/components/card-assignment';
import { LabDevices } from '../../../features/devices/components/lab-devices';
import { UserSearch } from '../../../features/users/components/user-search';
import { useLabContext } from './lab-context';

export function DevicesTab() {
  const { t } = useTranslation();
  const { lab, machines } = useLabContext();
  const name = (id: string) => machines.find((m) => m.id === id)?.name ?? '';
  return (
    <>
      <LabDevices labId={lab.id} zone={lab.timezone} machines={machines} />
      <CardAssignment
        labId={lab.id}
        zone={lab.timezone}
        machineName={name}
        renderMemberPicker={(selected: User | null, onSelect: (user: User | null) => void) => (
          <UserSearch label={t('devices.cards.findMember')} selected={selected} onSelect={onSelect} />
        )}
      />
    </>
  );
}
