import type { Booking, Machine, Purpose, User } from '@fablab/shared';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../../components/ui/date-field';
import { Dialog } from '../../../components/ui/dialog';
import { NoteField, PurposeField } from '../../../components/ui/purpose-note-fields';
import { FormError } from '../../../components/ui/states';
import { useFormat } from '../../../lib/datetime';
import { useCreateBooking } from '../api/create-booking';
import { floorToGrid, fromLocal, gridTimes, localParts, toHhmm, toMinutes } from './time-grid';

export interface BookingDraft {
  machineId: string;
  start: Date;
  end: Date;
}

interface BookingDialogProps {
  draft: BookingDraft | null;
  onClose: () => void;
  onBooked: (booking: Booking) => void;
  machines: Machine[];
  zone: string;
  /** The hours the calendar shows, "HH:mm": the choice of start times. */
  dayStart: string;
  dayEnd: string;
  /** Machine types the member holds a valid certification for; undefined while unknown. */
  certifiedTypes?: ReadonlySet<string>;
  machineTypeName: (type: string) => string;
  /** A lab's manager books for a member: the form asks who, and the booking is approved at once. */
  memberPicker?: (selected: User | null, onSelect: (user: User | null) => void) => ReactNode;
}

export function BookingDialog(props: BookingDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog open={props.draft !== null} title={t('booking.dialogTitle')} onClose={props.onClose}>
      {props.draft && (
        <BookingForm key={`${props.draft.machineId}-${props.draft.start.getTime()}`} {...props} draft={props.draft} />
      )}
    </Dialog>
  );
}

function BookingForm({
  draft,
  onClose,
  onBooked,
  machines,
  zone,
  dayStart,
  dayEnd,
  certifiedTypes,
  machineTypeName,
  memberPicker,
}: BookingDialogProps & { draft: BookingDraft }) {
  const { t } = useTranslation();
  const format = useFormat();
  const create = useCreateBooking();
  const bookable = machines.filter((m) => m.status === 'available');
  const [machineId, setMachineId] = useState(draft.machineId);
  const machine = bookable.find((m) => m.id === machineId) ?? bookable[0];
  const step = machine?.slotMinutes ?? 30;

  const initial = useMemo(() => {
    const s = localParts(draft.start, zone);
    const e = localParts(draft.end, zone);
    const start = floorToGrid(s.minutes, step);
    const minLength = Math.max(machine?.minMinutes ?? step, step);
    const selected = e.date === s.date ? e.minutes - start : minLength;
    const length = Math.max(minLength, Math.ceil(selected / step) * step);
    return { date: s.date, start, end: start + Math.min(length, machine?.maxMinutes ?? length) };
    // The draft is fixed for the life of this form (it is keyed on it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const [date, setDate] = useState(initial.date);
  const [start, setStart] = useState(initial.start);
  const [chosenEnd, setEnd] = useState(initial.end);
  const [purpose, setPurpose] = useState<Purpose>('personal_project');
  const [note, setNote] = useState('');
  const [member, setMember] = useState<User | null>(null);

  const dayFirst = toMinutes(dayStart);
  const dayLast = toMinutes(dayEnd);
  const startTimes = gridTimes(dayFirst, dayLast - (machine?.minMinutes ?? step), step);
  const lastEnd = machine?.mayRunUnattended ? 24 * 60 : dayLast;
  const endTimes = machine
    ? gridTimes(start + machine.minMinutes, Math.min(start + machine.maxMinutes, lastEnd), step)
    : [];

  // The end follows the machine's grid and length rules whenever start or machine change.
  const end = machine
    ? Math.min(Math.max(start + machine.minMinutes, Math.ceil(chosenEnd / step) * step), start + machine.maxMinutes)
    : chosenEnd;

  if (!machine) return <p>{t('booking.noBookableMachine')}</p>;
  const needsCertification = machine.requiresCertification;
  const holdsCertification = certifiedTypes?.has(machine.type) ?? false;
  const startAt = fromLocal(date, start, zone);
  const endAt = fromLocal(date, end, zone);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (memberPicker && !member) return;
    create.mutate(
      {
        ...(member ? { userId: member.id } : {}),
        machineId: machine!.id,
        start: startAt.toUTC().toISO() as string,
        end: endAt.toUTC().toISO() as string,
        purpose,
        ...(note.trim() ? { note: note.trim() } : {}),
      },
      { onSuccess: onBooked },
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      {memberPicker?.(member, setMember)}
      <label className="field">
        <span>{t('booking.machine')}</span>
        <select value={machine.id} onChange={(e) => setMachineId(e.target.value)}>
          {bookable.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} — {machineTypeName(m.type)}
            </option>
          ))}
        </select>
      </label>
      <div className="notices" aria-live="polite">
        {needsCertification && !memberPicker && (
          <p className={holdsCertification ? 'notice notice-ok' : 'notice notice-warning'}>
            {holdsCertification
              ? t('booking.certificationHeld')
              : t('booking.certificationNeeded', { type: machineTypeName(machine.type) })}
          </p>
        )}
        <p className="notice">
          {memberPicker
            ? t('booking.forMember')
            : machine.requiresApproval
              ? t('booking.needsApproval')
              : t('booking.instant')}
        </p>
        <p className="notice muted small">
          {t('machines.lengthRule', { min: machine.minMinutes, max: machine.maxMinutes })} ·{' '}
          {t('machines.slotRule', { slot: machine.slotMinutes })}
        </p>
      </div>
      <div className="form-row">
        <DateField value={date} onChange={setDate} />
        <label className="field">
          <span>{t('booking.start')}</span>
          <select value={toHhmm(start)} onChange={(e) => setStart(toMinutes(e.target.value))}>
            {(startTimes.includes(toHhmm(start)) ? startTimes : [toHhmm(start), ...startTimes]).map((time) => (
              <option key={time} value={time}>
                {time}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('booking.end')}</span>
          <select value={toHhmm(end)} onChange={(e) => setEnd(toMinutes(e.target.value))}>
            {(endTimes.includes(toHhmm(end)) ? endTimes : [toHhmm(end), ...endTimes]).map((time) => (
              <option key={time} value={time}>
                {time}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small">{t('booking.when', { when: format.range(startAt, endAt, zone) })}</p>
      <PurposeField value={purpose} onChange={setPurpose} />
      <NoteField label={t('booking.noteOptional')} rows={3} value={note} onChange={setNote} />
      <FormError error={create.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || (!!memberPicker && !member)}
        >
          {create.isPending
            ? t('booking.sending')
            : machine.requiresApproval && !memberPicker
              ? t('booking.request')
              : t('booking.book')}
        </button>
      </div>
    </form>
  );
}
