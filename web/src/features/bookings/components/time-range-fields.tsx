// Day, start and end of a booking on a machine's grid, offering only what can be booked: starts
// that are free for the machine's shortest booking, and ends up to the next busy period (another
// booking, maintenance, or closing time unless the machine may run unattended).
import type { BusyInterval, Machine } from '@fablab/shared';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../../components/ui/date-field';
import { localDayRange } from '../../../lib/datetime';
import { useLabAvailability } from '../api/get-lab-availability';
import { fromLocal, gridTimes, toHhmm, toMinutes } from './time-grid';

export interface Busy {
  start: number;
  end: number;
  kind: BusyInterval['kind'];
}

/** The machine's busy time of a lab's availability answer, less one booking (the one moved). */
export function busyOf(
  rows: Array<{ machineId: string; busy: BusyInterval[] }> | undefined,
  machineId: string,
  ignoreBookingStart?: number,
): Busy[] {
  const row = rows?.find((r) => r.machineId === machineId);
  return (row?.busy ?? [])
    .map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end), kind: b.kind }))
    .filter((b) => !(b.kind === 'booking' && ignoreBookingStart !== undefined && b.start === ignoreBookingStart));
}

/** The busy period a range runs into, if any (closed time counts unless the machine may run on). */
export function collision(busy: Busy[], start: number, end: number, machine?: Pick<Machine, 'mayRunUnattended'>) {
  return busy.find(
    (b) => b.start < end && start < b.end && !(b.kind === 'closed' && machine?.mayRunUnattended && b.start > start),
  );
}

/** The day's start and end times on the grid that can be chosen, as minutes of the local day. */
export function choices(options: {
  machine: Machine;
  date: string;
  zone: string;
  start: number;
  dayStart: string;
  dayEnd: string;
  busy: Busy[];
  now: number;
}) {
  const { machine, date, zone, start, busy, now } = options;
  const step = machine.slotMinutes;
  const at = (minutes: number) => fromLocal(date, minutes, zone).toMillis();
  const first = toMinutes(options.dayStart);
  const last = toMinutes(options.dayEnd);
  const starts = gridTimes(first, last - machine.minMinutes, step).filter((time) => {
    const s = at(toMinutes(time));
    if (s < now) return false;
    // The start itself must be open, and the shortest booking from it free.
    return !collision(busy, s, at(toMinutes(time) + machine.minMinutes), machine);
  });
  const lastEnd = machine.mayRunUnattended ? 24 * 60 : last;
  const s = at(start);
  // The next busy period after the start (closed time only for a machine that stops at closing).
  const next = busy
    .filter((b) => b.end > s && !(b.kind === 'closed' && machine.mayRunUnattended && b.start > s))
    .map((b) => Math.max(b.start, s))
    .reduce<number | null>((min, v) => (min === null || v < min ? v : min), null);
  const ends = gridTimes(start + machine.minMinutes, Math.min(start + machine.maxMinutes, lastEnd), step).filter(
    (time) => next === null || at(toMinutes(time)) <= next,
  );
  return { starts, ends };
}

/** The lab's busy time on one local day, for the fields below. */
export function useDayBusy(labId: string, machineId: string, date: string, zone: string, ignoreBookingStart?: number) {
  const range = localDayRange(date, zone);
  const availability = useLabAvailability(labId, range.from.toUTC().toISO()!, range.to.toUTC().toISO()!);
  return {
    busy: busyOf(availability.data?.machines, machineId, ignoreBookingStart),
    isPending: availability.isPending,
  };
}

interface FieldsProps {
  date: string;
  start: number;
  end: number;
  starts: string[];
  ends: string[];
  onDate: (date: string) => void;
  onStart: (minutes: number) => void;
  onEnd: (minutes: number) => void;
}

export function TimeRangeFields({ date, start, end, starts, ends, onDate, onStart, onEnd }: FieldsProps) {
  const { t } = useTranslation();
  const startList = starts.includes(toHhmm(start)) ? starts : [toHhmm(start), ...starts].sort();
  const endList = ends.includes(toHhmm(end)) ? ends : [toHhmm(end), ...ends].sort();
  return (
    <div className="form-row">
      <DateField value={date} onChange={onDate} />
      <label className="field">
        <span>{t('booking.start')}</span>
        <select value={toHhmm(start)} onChange={(e) => onStart(toMinutes(e.target.value))}>
          {startList.map((time) => (
            <option key={time} value={time}>
              {time}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('booking.end')}</span>
        <select value={toHhmm(end)} onChange={(e) => onEnd(toMinutes(e.target.value))}>
          {endList.map((time) => (
            <option key={time} value={time}>
              {time}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
