// Create (admin) or edit a lab: names, host, zone, weekly opening hours (several periods a day,
// so a lunch break is two periods) and booking settings.
import {
  DEFAULT_TIMEZONE,
  WEEKDAYS,
  type Booking,
  type Lab,
  type LabBody,
  type LabPatchBody,
  type LabSettings,
  type OpeningHours,
} from '@fablab/shared';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CancellationPreview } from '../../../components/ui/cancellation-preview';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { TimeSelect } from '../../../components/ui/time-select';
import { useFormat } from '../../../lib/datetime';
import { useCreateLab } from '../api/create-lab';
import { labMachinesQueryOptions } from '../api/get-lab-machines';
import { usePreviewLabUpdate, useUpdateLab } from '../api/update-lab';
import { OpeningHoursList } from './opening-hours';

/** What the signed-in user may change of a lab: the form offers nothing the server would refuse. */
export interface LabEditRights {
  /** Slug, names, host and time zone. */
  identity: boolean;
  /** Weekly opening hours and booking rules. */
  rules: boolean;
}

const EMPTY_HOURS: OpeningHours = {
  mon: [['08:00', '17:00']],
  tue: [['08:00', '17:00']],
  wed: [['08:00', '17:00']],
  thu: [['08:00', '17:00']],
  fri: [['08:00', '17:00']],
  sat: [],
  sun: [],
};

type Period = [string, string];

function OpeningHoursEditor({ value, onChange }: { value: OpeningHours; onChange: (v: OpeningHours) => void }) {
  const { t } = useTranslation();
  const setDay = (day: (typeof WEEKDAYS)[number], periods: Period[]) => onChange({ ...value, [day]: periods });
  return (
    <fieldset className="fieldset">
      <legend>{t('labs.openingHours')}</legend>
      <p className="muted small">{t('labSettings.hoursHint')}</p>
      {WEEKDAYS.map((day) => {
        const periods = value[day] as Period[];
        return (
          <div key={day} className="hours-day" role="group" aria-label={t(`weekdays.${day}`)}>
            <strong className="hours-day-name">{t(`weekdays.${day}`)}</strong>
            <div className="hours-periods">
              {periods.length === 0 && <span className="muted small">{t('labs.closedDay')}</span>}
              {periods.map(([a, b], i) => (
                <span key={i} className="hours-period">
                  <label>
                    <span className="visually-hidden">
                      {t('labSettings.opens', { day: t(`weekdays.${day}`), n: i + 1 })}
                    </span>
                    <TimeSelect
                      value={a}
                      onChange={(v) =>
                        setDay(
                          day,
                          periods.map((p, j) => (j === i ? [v, p[1]] : p)),
                        )
                      }
                    />
                  </label>
                  –
                  <label>
                    <span className="visually-hidden">
                      {t('labSettings.closes', { day: t(`weekdays.${day}`), n: i + 1 })}
                    </span>
                    <TimeSelect
                      value={b}
                      onChange={(v) =>
                        setDay(
                          day,
                          periods.map((p, j) => (j === i ? [p[0], v] : p)),
                        )
                      }
                      allowMidnightEnd
                    />
                  </label>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() =>
                      setDay(
                        day,
                        periods.filter((_, j) => j !== i),
                      )
                    }
                    aria-label={t('labSettings.removePeriod', { day: t(`weekdays.${day}`), n: i + 1 })}
                  >
                    ×
                  </button>
                </span>
              ))}
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  const last = periods[periods.length - 1];
                  setDay(day, [...periods, last ? [last[1], '17:00'] : ['08:00', '17:00']]);
                }}
              >
                {t('labSettings.addPeriod')}
              </button>
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}

function NumberField({
  label,
  value,
  onChange,
  min = 0,
  step = 1,
}: {
  label: string;
  value: number;
  onChange: (n: number) => void;
  min?: number;
  step?: number;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={min}
        step={step}
        required
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </label>
  );
}

function ReadOnly({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function LabForm({
  lab,
  onSaved,
  rights = { identity: true, rules: true },
}: {
  lab?: Lab;
  onSaved?: (lab: Lab) => void;
  rights?: LabEditRights;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const create = useCreateLab();
  const update = useUpdateLab(lab?.id ?? '');
  const preview = usePreviewLabUpdate(lab?.id ?? '');
  const machines = useQuery({ ...labMachinesQueryOptions(lab?.id ?? ''), enabled: Boolean(lab) });
  const mutation = lab ? update : create;
  // New opening hours (or zone) are first tried as a dry run: what they would cancel is confirmed.
  const [checked, setChecked] = useState<{ body: LabPatchBody; cancelled: Booking[] } | null>(null);
  const [cancelledCount, setCancelledCount] = useState<number | null>(null);
  const [slug, setSlug] = useState(lab?.slug ?? '');
  const [name, setName] = useState(lab?.name ?? '');
  const [nameVi, setNameVi] = useState(lab?.nameVi ?? '');
  const [host, setHost] = useState(lab?.host ?? '');
  const [timezone, setTimezone] = useState(lab?.timezone ?? DEFAULT_TIMEZONE);
  const [hours, setHours] = useState<OpeningHours>(lab?.openingHours ?? EMPTY_HOURS);
  // A new lab starts with the server's default rules; they are edited once it exists.
  const [settings, setSettings] = useState<LabSettings | undefined>(lab?.settings);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof LabSettings>(key: K, v: LabSettings[K]) =>
    setSettings((s) => (s ? { ...s, [key]: v } : s));

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    setCancelledCount(null);
    const identity = {
      slug: slug.trim(),
      name: name.trim(),
      nameVi: nameVi.trim(),
      host: host.trim(),
      timezone: timezone.trim(),
    };
    const rules = { openingHours: hours, ...(settings ? { settings } : {}) };
    const done = (result: Lab) => {
      setSaved(true);
      onSaved?.(result);
    };
    if (!lab) {
      create.mutate({ ...identity, ...rules } satisfies LabBody, { onSuccess: done });
      return;
    }
    // Only what this user may change is sent.
    const body: LabPatchBody = { ...(rights.identity ? identity : {}), ...(rights.rules ? rules : {}) };
    const movesOpenTime =
      (body.openingHours !== undefined && JSON.stringify(body.openingHours) !== JSON.stringify(lab.openingHours)) ||
      (body.timezone !== undefined && body.timezone !== lab.timezone);
    if (!movesOpenTime) {
      update.mutate(body, { onSuccess: done });
      return;
    }
    preview.mutate(body, { onSuccess: (result) => setChecked({ body, cancelled: result.cancelledBookings }) });
  }

  function confirmUpdate() {
    if (!checked) return;
    update.mutate(checked.body, {
      onSuccess: (result) => {
        setChecked(null);
        setSaved(true);
        setCancelledCount(result.cancelledBookings.length);
        onSaved?.(result);
      },
    });
  }
  const closeCheck = () => {
    update.reset();
    setChecked(null);
  };
  const machineName = (id: string) => machines.data?.find((m) => m.id === id)?.name ?? '';

  return (
    <form className="form" onSubmit={submit}>
      {!rights.identity && lab && (
        <dl className="details">
          <ReadOnly label={t('labSettings.nameVi')} value={lab.nameVi} />
          <ReadOnly label={t('labSettings.nameEn')} value={lab.name} />
          <ReadOnly label={t('labSettings.slug')} value={lab.slug} />
          <ReadOnly label={t('labSettings.timezone')} value={format.zone(lab.timezone)} />
          <ReadOnly label={t('labs.host')} value={lab.host} />
        </dl>
      )}
      {rights.identity && (
        <>
          <div className="form-row">
            <label className="field">
              <span>{t('labSettings.nameVi')}</span>
              <input required maxLength={200} value={nameVi} onChange={(e) => setNameVi(e.target.value)} />
            </label>
            <label className="field">
              <span>{t('labSettings.nameEn')}</span>
              <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
            </label>
          </div>
          <div className="form-row">
            <label className="field">
              <span>{t('labSettings.slug')}</span>
              <input
                required
                pattern="[a-z0-9][a-z0-9_\-]*"
                maxLength={64}
                value={slug}
                onChange={(e) => setSlug(e.target.value)}
              />
            </label>
            <label className="field">
              <span>{t('labSettings.timezone')}</span>
              <input required maxLength={64} value={timezone} onChange={(e) => setTimezone(e.target.value)} />
            </label>
          </div>
          <label className="field">
            <span>{t('labs.host')}</span>
            <input maxLength={300} value={host} onChange={(e) => setHost(e.target.value)} />
          </label>
        </>
      )}
      {rights.rules ? (
        <OpeningHoursEditor value={hours} onChange={setHours} />
      ) : (
        <section aria-labelledby="lab-hours-title">
          <h3 id="lab-hours-title">{t('labs.openingHours')}</h3>
          <OpeningHoursList openingHours={hours} />
        </section>
      )}
      {settings && !rights.rules && (
        <section aria-labelledby="lab-rules-title">
          <h3 id="lab-rules-title">{t('labSettings.rules')}</h3>
          <dl className="details">
            <ReadOnly label={t('labSettings.maxAdvanceDays')} value={String(settings.maxAdvanceDays)} />
            <ReadOnly label={t('labSettings.weeklyQuotaHours')} value={String(settings.weeklyQuotaHours)} />
            <ReadOnly label={t('labSettings.cancelCutoffMinutes')} value={String(settings.cancelCutoffMinutes)} />
            <ReadOnly label={t('labSettings.checkInEarlyMinutes')} value={String(settings.checkInEarlyMinutes)} />
            <ReadOnly label={t('labSettings.noShowGraceMinutes')} value={String(settings.noShowGraceMinutes)} />
            <ReadOnly
              label={t('labSettings.certificationLapseMonths')}
              value={
                settings.certificationLapseMonths === null
                  ? t('labSettings.never')
                  : String(settings.certificationLapseMonths)
              }
            />
          </dl>
        </section>
      )}
      {!rights.identity && !rights.rules && <p className="muted small">{t('labSettings.adminOnly')}</p>}
      {settings && rights.rules && (
        <fieldset className="fieldset">
          <legend>{t('labSettings.rules')}</legend>
          <div className="form-row">
            <NumberField
              label={t('labSettings.maxAdvanceDays')}
              value={settings.maxAdvanceDays}
              onChange={(n) => set('maxAdvanceDays', n)}
            />
            <NumberField
              label={t('labSettings.weeklyQuotaHours')}
              value={settings.weeklyQuotaHours}
              step={0.5}
              onChange={(n) => set('weeklyQuotaHours', n)}
            />
            <NumberField
              label={t('labSettings.cancelCutoffMinutes')}
              value={settings.cancelCutoffMinutes}
              onChange={(n) => set('cancelCutoffMinutes', n)}
            />
          </div>
          <div className="form-row">
            <NumberField
              label={t('labSettings.checkInEarlyMinutes')}
              value={settings.checkInEarlyMinutes}
              onChange={(n) => set('checkInEarlyMinutes', n)}
            />
            <NumberField
              label={t('labSettings.noShowGraceMinutes')}
              value={settings.noShowGraceMinutes}
              onChange={(n) => set('noShowGraceMinutes', n)}
            />
            <label className="field">
              <span>{t('labSettings.certificationLapseMonths')}</span>
              <input
                type="number"
                min={1}
                max={120}
                value={settings.certificationLapseMonths ?? ''}
                placeholder={t('labSettings.never')}
                onChange={(e) => set('certificationLapseMonths', e.target.value ? Number(e.target.value) : null)}
              />
            </label>
          </div>
        </fieldset>
      )}
      <FormError error={checked ? preview.error : (preview.error ?? mutation.error)} />
      {saved && (
        <p className="feedback-ok" role="status">
          {cancelledCount === null ? t('common.saved') : t('labSettings.savedCancelled', { count: cancelledCount })}
        </p>
      )}
      {(rights.identity || rights.rules) && (
        <div>
          <button type="submit" className="button button-primary" disabled={mutation.isPending || preview.isPending}>
            {mutation.isPending
              ? t('common.saving')
              : preview.isPending
                ? t('cancellationPreview.checking')
                : lab
                  ? t('common.save')
                  : t('labSettings.create')}
          </button>
        </div>
      )}
      <Dialog open={checked !== null} title={t('labSettings.confirmHoursTitle')} onClose={closeCheck}>
        {checked && lab && (
          <div className="form">
            <p>{t('labSettings.confirmHoursLead')}</p>
            <CancellationPreview bookings={checked.cancelled} zone={lab.timezone} machineName={machineName} />
            <FormError error={update.error} />
            <div className="form-actions">
              <button type="button" className="button" onClick={closeCheck}>
                {t('common.back')}
              </button>
              <button
                type="button"
                className={checked.cancelled.length > 0 ? 'button button-danger' : 'button button-primary'}
                disabled={update.isPending}
                onClick={confirmUpdate}
              >
                {checked.cancelled.length > 0
                  ? t('labSettings.confirmHoursCancelling', { count: checked.cancelled.length })
                  : t('labSettings.confirmHours')}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </form>
  );
}
