// A lab's devices (README "Devices"): a power switch and card readers per machine, registered by
// their MQTT id, with whether the server hears them and, for switches, their output and draw.
import { DEFAULT_RUNNING_THRESHOLD_W, type Device, type DeviceKind, type Machine } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, Empty, ErrorState, FormError, Loading, StatusMessage } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useDeleteDevice } from '../api/delete-device';
import { useLabDevices } from '../api/get-lab-devices';
import { useRegisterDevice } from '../api/register-device';
import { PowerReading } from './power-reading';

function RegisterForm({
  labId,
  machines,
  onDone,
}: {
  labId: string;
  machines: Machine[];
  onDone: (m: string) => void;
}) {
  const { t } = useTranslation();
  const register = useRegisterDevice(labId);
  const [machineId, setMachineId] = useState(machines[0]?.id ?? '');
  const [kind, setKind] = useState<DeviceKind>('switch');
  const [deviceId, setDeviceId] = useState('');
  const [threshold, setThreshold] = useState(String(DEFAULT_RUNNING_THRESHOLD_W));
  function submit(event: FormEvent) {
    event.preventDefault();
    const id = deviceId.trim();
    if (!machineId || !id) return;
    const watts = Number(threshold);
    register.mutate(
      {
        machineId,
        body: { kind, deviceId: id, ...(kind === 'switch' && threshold !== '' ? { runningThresholdW: watts } : {}) },
      },
      {
        onSuccess: () => {
          setDeviceId('');
          onDone(
            t('devices.registered', {
              device: id,
              machine: machines.find((m) => m.id === machineId)?.name ?? '',
            }),
          );
        },
      },
    );
  }
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="device-register-title">
      <h3 id="device-register-title">{t('devices.registerTitle')}</h3>
      <p className="muted small">{t('devices.registerHint')}</p>
      <div className="form-row">
        <label className="field">
          <span>{t('devices.machine')}</span>
          <select value={machineId} onChange={(e) => setMachineId(e.target.value)}>
            {machines.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('devices.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as DeviceKind)}>
            <option value="switch">{t('devices.kinds.switch')}</option>
            <option value="reader">{t('devices.kinds.reader')}</option>
          </select>
        </label>
      </div>
      <div className="form-row">
        <label className="field">
          <span>{t('devices.deviceId')}</span>
          <input
            value={deviceId}
            required
            maxLength={64}
            pattern="[A-Za-z0-9][A-Za-z0-9_.:\-]*"
            placeholder={kind === 'switch' ? 'shellyplusplugs-a8032ab12345' : 'reader-laser-1'}
            onChange={(e) => setDeviceId(e.target.value)}
          />
        </label>
        {kind === 'switch' && (
          <label className="field">
            <span>{t('devices.threshold')}</span>
            <input
              type="number"
              min={0}
              max={100000}
              step="any"
              value={threshold}
              onChange={(e) => setThreshold(e.target.value)}
            />
          </label>
        )}
      </div>
      <FormError error={register.error} />
      <div>
        <button type="submit" className="button button-primary" disabled={register.isPending || !deviceId.trim()}>
          {t('devices.register')}
        </button>
      </div>
    </form>
  );
}

function DeviceItem({ device, zone, labId }: { device: Device; zone: string; labId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const remove = useDeleteDevice(labId);
  return (
    <li className="list-item">
      <div className="list-item-main">
        <p>
          <strong>{t(`devices.kinds.${device.kind}`)}</strong> · <code>{device.deviceId}</code>
        </p>
        <p className="muted small">
          {device.lastSeenAt
            ? t('devices.lastSeen', { when: format.dateTime(device.lastSeenAt, zone) })
            : t('devices.neverSeen')}
          {device.kind === 'switch' && device.runningThresholdW !== null
            ? ` · ${t('devices.runningAbove', { watts: device.runningThresholdW })}`
            : ''}
        </p>
        <FormError error={remove.error} />
      </div>
      <div className="list-item-actions">
        {device.kind === 'switch' ? (
          <PowerReading
            power={{ online: device.online, output: device.output ?? null, apower: device.apower ?? null }}
          />
        ) : (
          <Badge tone={device.online ? 'success' : 'warning'}>
            {device.online ? t('devices.online') : t('devices.offline')}
          </Badge>
        )}
        <button
          type="button"
          className="button button-small"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(t('devices.removeConfirm', { device: device.deviceId }))) remove.mutate(device.id);
          }}
        >
          {t('devices.remove')}
        </button>
      </div>
    </li>
  );
}

export function LabDevices({ labId, zone, machines }: { labId: string; zone: string; machines: Machine[] }) {
  const { t } = useTranslation();
  const list = useLabDevices(labId);
  const [message, setMessage] = useState<string | null>(null);
  const active = machines.filter((m) => m.status !== 'retired');
  return (
    <section className="section" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('devices.title')}</h2>
      <div className="grid-2">
        <RegisterForm labId={labId} machines={active} onDone={setMessage} />
        <div className="card">
          <h3>{t('devices.listTitle')}</h3>
          <StatusMessage message={message} />
          {list.isPending && <Loading />}
          {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
          {list.data && list.data.items.length === 0 && <Empty>{t('devices.none')}</Empty>}
          {list.data &&
            active
              .filter((m) => list.data.items.some((d) => d.machineId === m.id))
              .map((m) => (
                <section key={m.id} aria-label={m.name}>
                  <h4>{m.name}</h4>
                  <ul className="list">
                    {list.data.items
                      .filter((d) => d.machineId === m.id)
                      .map((d) => (
                        <DeviceItem key={d.id} device={d} zone={zone} labId={labId} />
                      ))}
                  </ul>
                </section>
              ))}
        </div>
      </div>
    </section>
  );
}
