// Records a walk-in: someone used a machine without a booking (a member, or a visitor without
// an account). It records what happened, so it may lie in the past.
import {
  GENDERS,
  MEMBER_CATEGORIES,
  type Gender,
  type Machine,
  type MemberCategory,
  type Purpose,
  type User,
  type WalkInBody,
} from '@fablab/shared';
import { DateTime } from 'luxon';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../../components/ui/date-field';
import { Dialog } from '../../../components/ui/dialog';
import { MaterialsEditor, materialUses, type MaterialDraft } from '../../../components/ui/materials-editor';
import { NoteField, PurposeField } from '../../../components/ui/purpose-note-fields';
import { SelectField } from '../../../components/ui/select-field';
import { FormError } from '../../../components/ui/states';
import { TimeSelect } from '../../../components/ui/time-select';
import { atLocal } from '../../../lib/datetime';
import { useCreateWalkIn } from '../api/create-walk-in';

export interface WalkInDraft {
  machineId: string;
  start: Date;
  end: Date | null;
}

interface Props {
  draft: WalkInDraft | null;
  machines: Machine[];
  zone: string;
  onClose: () => void;
  onDone: () => void;
  renderMemberPicker: (selected: User | null, onSelect: (user: User | null) => void) => ReactNode;
}

export function WalkInDialog(props: Props) {
  const { t } = useTranslation();
  return (
    <Dialog open={props.draft !== null} title={t('walkIn.title')} onClose={props.onClose} wide>
      {props.draft && <WalkInForm {...props} draft={props.draft} />}
    </Dialog>
  );
}

function WalkInForm({ draft, machines, zone, onClose, onDone, renderMemberPicker }: Props & { draft: WalkInDraft }) {
  const { t } = useTranslation();
  const create = useCreateWalkIn();
  const start0 = DateTime.fromJSDate(draft.start, { zone });
  const end0 = draft.end ? DateTime.fromJSDate(draft.end, { zone }) : null;
  const [machineId, setMachineId] = useState(draft.machineId);
  const [date, setDate] = useState(start0.toISODate() as string);
  const [startTime, setStartTime] = useState(start0.toFormat('HH:mm'));
  const [endTime, setEndTime] = useState(end0 ? end0.toFormat('HH:mm') : '');
  const [who, setWho] = useState<'member' | 'guest'>('member');
  const [member, setMember] = useState<User | null>(null);
  const [guestName, setGuestName] = useState('');
  const [guestCategory, setGuestCategory] = useState<MemberCategory>('community');
  const [guestGender, setGuestGender] = useState<Gender>('undisclosed');
  const [purpose, setPurpose] = useState<Purpose>('personal_project');
  const [materials, setMaterials] = useState<MaterialDraft[]>([]);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The machines offered are one lab's: its catalogue is the one to pick from.
  const labId = machines.find((m) => m.id === machineId)?.labId ?? machines[0]?.labId;

  function submit(event: FormEvent) {
    event.preventDefault();
    const start = atLocal(date, startTime, zone);
    const end = endTime ? atLocal(date, endTime, zone) : null;
    if (end && end <= start) return setProblem(t('maintenance.endAfterStart'));
    if (who === 'member' && !member) return setProblem(t('walkIn.pickMember'));
    if (who === 'guest' && !guestName.trim()) return setProblem(t('walkIn.guestNameNeeded'));
    setProblem(null);
    const body: WalkInBody = {
      machineId,
      start: start.toUTC().toISO() as string,
      ...(end ? { end: end.toUTC().toISO() as string } : {}),
      ...(who === 'member' && member ? { userId: member.id } : {}),
      ...(who === 'guest' ? { guest: { name: guestName.trim(), category: guestCategory, gender: guestGender } } : {}),
      purpose,
      materials: materialUses(materials),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    create.mutate(body, { onSuccess: onDone });
  }

  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>{t('booking.machine')}</span>
        <select value={machineId} onChange={(e) => setMachineId(e.target.value)}>
          {machines.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <div className="form-row">
        <DateField value={date} onChange={setDate} />
        <label className="field">
          <span>{t('booking.start')}</span>
          <TimeSelect value={startTime} onChange={setStartTime} step={5} />
        </label>
        <label className="field">
          <span>{t('walkIn.endOptional')}</span>
          <TimeSelect value={endTime} onChange={setEndTime} step={5} emptyLabel={t('walkIn.stillInUse')} />
        </label>
      </div>
      <fieldset className="fieldset">
        <legend>{t('walkIn.who')}</legend>
        <label className="check">
          <input type="radio" name="who" checked={who === 'member'} onChange={() => setWho('member')} />
          <span>{t('walkIn.member')}</span>
        </label>
        <label className="check">
          <input type="radio" name="who" checked={who === 'guest'} onChange={() => setWho('guest')} />
          <span>{t('walkIn.guest')}</span>
        </label>
        {who === 'member' ? (
          renderMemberPicker(member, setMember)
        ) : (
          <div className="form-row">
            <label className="field">
              <span>{t('walkIn.guestName')}</span>
              <input required maxLength={200} value={guestName} onChange={(e) => setGuestName(e.target.value)} />
            </label>
            <SelectField
              label={t('auth.category')}
              value={guestCategory}
              options={MEMBER_CATEGORIES}
              optionLabel={(c) => t(`categories.${c}`)}
              onChange={setGuestCategory}
            />
            <SelectField
              label={t('auth.genderOptional')}
              value={guestGender}
              options={GENDERS}
              optionLabel={(g) => t(`genders.${g}`)}
              onChange={setGuestGender}
            />
          </div>
        )}
      </fieldset>
      <PurposeField value={purpose} onChange={setPurpose} />
      {labId && <MaterialsEditor labId={labId} rows={materials} onChange={setMaterials} />}
      <NoteField label={t('usage.noteOptional')} rows={2} value={note} onChange={setNote} />
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <FormError error={create.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('walkIn.save')}
        </button>
      </div>
    </form>
  );
}
