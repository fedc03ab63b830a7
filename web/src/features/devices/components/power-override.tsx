// The lab manager's override on the status board: switch a machine's power on or off whatever the
// decision would say (a machine left running, a test after repairs). Audited by the server.
import type { LiveMachineStatus } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { useSetMachinePower } from '../api/set-machine-power';

type Power = NonNullable<LiveMachineStatus['power']>;

export function PowerOverride({
  labId,
  machineId,
  machineName,
  power,
  onDone,
}: {
  labId: string;
  machineId: string;
  machineName: string;
  power: Power;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [asked, setAsked] = useState<boolean | null>(null);
  const on = power.output !== true;
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setAsked(on)}>
        {on ? t('devices.override.switchOn') : t('devices.override.switchOff')}
      </button>
      <Dialog
        open={asked !== null}
        title={
          asked
            ? t('devices.override.onTitle', { machine: machineName })
            : t('devices.override.offTitle', { machine: machineName })
        }
        onClose={() => setAsked(null)}
      >
        {asked !== null && (
          <OverrideForm
            labId={labId}
            machineId={machineId}
            machineName={machineName}
            on={asked}
            onClose={() => setAsked(null)}
            onDone={(message) => {
              setAsked(null);
              onDone(message);
            }}
          />
        )}
      </Dialog>
    </>
  );
}

function OverrideForm({
  labId,
  machineId,
  machineName,
  on,
  onClose,
  onDone,
}: {
  labId: string;
  machineId: string;
  machineName: string;
  on: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const setPower = useSetMachinePower(labId);
  const [reason, setReason] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    setPower.mutate(
      { machineId, body: { on, ...(reason.trim() ? { reason: reason.trim() } : {}) } },
      {
        onSuccess: (result) => {
          const key = result.confirmed
            ? on
              ? 'devices.override.onDone'
              : 'devices.override.offDone'
            : 'devices.override.sent';
          onDone(t(key, { machine: machineName }));
        },
      },
    );
  }
  return (
    <form className="form" onSubmit={submit}>
      <p>{on ? t('devices.override.onHint') : t('devices.override.offHint')}</p>
      <label className="field">
        <span>{t('devices.override.reason')}</span>
        <input maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <FormError error={setPower.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className={on ? 'button button-primary' : 'button button-danger'}
          disabled={setPower.isPending}
        >
          {on ? t('devices.override.switchOn') : t('devices.override.switchOff')}
        </button>
      </div>
    </form>
  );
}
