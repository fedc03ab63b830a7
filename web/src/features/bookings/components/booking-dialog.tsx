import type { Booking, Machine, Purpose, User } from '@fablab/shared';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { NoteField, PurposeField } from '../../../components/ui/purpose-note-fields';
import { FormError } from '../../../components/ui/states';
import { useUser } from '../../../lib/auth';
import { useFormat } from '../../../lib/datetime';
import { useNow } from '../../../lib/use-now';
import { useCreateBooking } from '../api/create-booking';
import { floorToGrid, fromLocal, localParts, toMinutes } from './time-grid';
import { choices, TimeRangeFields, useDayBusy } from './time-range-fields';

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
  const { data: me } = useUser();
  // An under-16 member books once the guardian consented (Decree 13/2023): the form says why not yet.
  const consent = !memberPicker && me?.guardianConsent?.status === 'pending' ? me.guardianConsent : null;
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

  const now = useNow();
  const { busy } = useDayBusy(machine?.labId ?? '', machine?.id ?? '', date, zone);
  const offered = machine
    ? choices({ machine, date, zone, start, dayStart, dayEnd, busy, now })
    : { starts: [], ends: [] };

  // The end follows the machine's grid and length rules whenever start or machine change, and
  // stops at the next busy period.
  const ruled = machine
    ? Math.min(Math.max(start + machine.minMinutes, Math.ceil(chosenEnd / step) * step), start + machine.maxMinutes)
    : chosenEnd;
  const lastOffered = offered.ends.length > 0 ? toMinutes(offered.ends[offered.ends.length - 1]!) : null;
  const end = lastOffered !== null && ruled > lastOffered ? lastOffered : ruled;

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
        {consent && (
          <p className="notice notice-warning">
            {consent.linkSentTo
              ? t('consent.bookingWaits', { email: consent.linkSentTo })
              : t('consent.bookingWaitsNoLink')}
          </p>
        )}
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
      <TimeRangeFields
        date={date}
        start={start}
        end={end}
        starts={offered.starts}
        ends={offered.ends}
        onDate={setDate}
        onStart={setStart}
        onEnd={setEnd}
      />
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
          disabled={create.isPending || (!!memberPicker && !member) || consent !== null}
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
