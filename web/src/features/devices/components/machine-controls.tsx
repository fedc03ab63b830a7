// The Start and Stop buttons of a machine's page (what its QR code opens): the same decision as a
// card tap at its reader; a refusal says why, in the member's language.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, StatusMessage } from '../../../components/ui/states';
import { useStartMachine } from '../api/start-machine';
import { useStopMachine } from '../api/stop-machine';

export function MachineControls({ machineId, inUse }: { machineId: string; inUse: boolean }) {
  const { t } = useTranslation();
  const start = useStartMachine(machineId);
  const stop = useStopMachine(machineId);
  const [message, setMessage] = useState<string | null>(null);
  const busy = start.isPending || stop.isPending;
  return (
    <div className="form">
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => {
            setMessage(null);
            stop.reset();
            start.mutate(undefined, {
              onSuccess: (result) =>
                setMessage(
                  result.booking ? t('devices.machinePage.startedBooking') : t('devices.machinePage.startedWalkIn'),
                ),
            });
          }}
        >
          {t('devices.machinePage.start')}
        </button>
        {inUse && (
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => {
              setMessage(null);
              start.reset();
              stop.mutate(undefined, { onSuccess: () => setMessage(t('devices.machinePage.stopped')) });
            }}
          >
            {t('devices.machinePage.stop')}
          </button>
        )}
      </div>
      <FormError error={start.error ?? stop.error} />
      <StatusMessage message={message} />
    </div>
  );
}
