// The rules a booking's time must pass, in the order of API.md: a new booking, a reschedule, each
// machine of a class session and each occurrence of a series go through checkBookingRules. The
// last rule, no overlap with another booking, is the database's exclusion constraint: see
// insertHoldingBooking.
import {
  addDays,
  labSettings,
  isOnSlotGrid,
  isoWeekBounds,
  localDate,
  localInstant,
  nextSlotStart,
  openPeriodsBetween,
  type LabSettings,
  type Role,
} from '@fablab/shared';
import type { DbOrTx } from '../../db/client.js';
import { can, requireGuardianConsent } from '../../plugins/policy.js';
import { conflict, forbidden, notFound, sqlState, unprocessable } from '../../lib/errors.js';
import {
  createBookingRepository,
  type BookingRow,
  type LabRow,
  type MachineRow,
  type NewBookingRow,
} from './bookings.repository.js';

const DAY_MS = 86_400_000;

/** A lab with what the rules need of it: merged settings and closures. */
export interface LabContext {
  row: LabRow;
  id: string;
  zone: string;
  settings: LabSettings;
  closures: Array<{ from: string; to: string }>;
}

/** The member a booking is for; a lab's managers (and admins) are exempt from quota and certification. */
export interface BookingSubject {
  id: string;
  managesLab: boolean;
}

export interface BookingCandidate {
  machine: MachineRow;
  lab: LabContext;
  /** Null for a booking whose owner deleted their account: nobody's quota or certification applies. */
  subject: BookingSubject | null;
  start: Date;
  end: Date;
  /** A class or a series of a lab's manager: booked as far ahead as groupAdvanceDays, not maxAdvanceDays. */
  group?: boolean;
  /** A reschedule leaves the booking itself out of the quota. */
  excludeBookingId?: string;
}

export async function loadLabContext(db: DbOrTx, labId: string): Promise<LabContext> {
  const found = await createBookingRepository(db).findLabWithClosures(labId);
  if (!found) throw notFound('Lab');
  const { lab: row, closures } = found;
  return {
    row,
    id: row.id,
    zone: row.timezone,
    settings: labSettings(row.settings),
    closures,
  };
}

/** The member a booking is for, as the rules see them. */
/**
 * Department and administrator accounts hold no bookings of their own (they are not makers, and
 * their bookings would count in the statistics as a member category's): they may not book for
 * themselves, and nobody books for them.
 */
export function refuseNonMakerAccount(role: string, forSelf: boolean): void {
  if (role === 'department' || role === 'admin') {
    throw forbidden(forSelf ? 'Department and administrator accounts do not book for themselves' : 'Department and administrator accounts cannot be booked for');
  }
}

export async function loadSubject(
  db: DbOrTx,
  userId: string,
  labId: string,
  opts: { mustBeActive: boolean; gone?: () => Error; forSelf?: boolean },
): Promise<BookingSubject> {
  const member = await createBookingRepository(db).findMember(userId);
  if (!member || (opts.mustBeActive && !member.active)) throw opts.gone ? opts.gone() : notFound('User');
  refuseNonMakerAccount(member.role, false);
  // A new booking (mustBeActive) waits for the guardian's consent; a move of one it holds does not.
  if (opts.mustBeActive) requireGuardianConsent(member, opts.forSelf ?? false);
  const subject = { id: member.id, role: member.role as Role, managedLabIds: member.managedLabIds };
  return { id: member.id, managesLab: can(subject, 'certification.exempt', { labId }) };
}

const minutes = (ms: number) => ms / 60_000;

/**
 * The rules that need no database: machine status, duration and slot grid, lead time and opening
 * hours. Throws the first broken rule.
 */
export function checkTimeRules(c: Pick<BookingCandidate, 'machine' | 'lab' | 'start' | 'end' | 'group'>, now: Date): void {
  const { machine, lab, start, end } = c;
  if (machine.status !== 'available') {
    throw unprocessable(
      'MACHINE_UNAVAILABLE',
      `${machine.name} is ${machine.status === 'retired' ? 'retired' : 'out of service'}`,
    );
  }

  const length = minutes(end.getTime() - start.getTime());
  if (length <= 0) throw unprocessable('INVALID_DURATION', 'The booking must end after it starts');
  if (length < machine.minMinutes) {
    throw unprocessable('INVALID_DURATION', `${machine.name} is booked for at least ${machine.minMinutes} minutes`);
  }
  if (length > machine.maxMinutes) {
    throw unprocessable('INVALID_DURATION', `${machine.name} is booked for at most ${machine.maxMinutes} minutes`);
  }
  if (!isOnSlotGrid(start, lab.zone, machine.slotMinutes) || !isOnSlotGrid(end, lab.zone, machine.slotMinutes)) {
    throw unprocessable(
      'INVALID_DURATION',
      `Bookings of ${machine.name} start and end on a ${machine.slotMinutes}-minute grid`,
    );
  }

  if (start < now) throw unprocessable('IN_THE_PAST', 'The booking starts in the past');
  // Whole local days: a calendar that shows the next maxAdvanceDays days can book all of each.
  const horizonDays = c.group ? lab.settings.groupAdvanceDays : lab.settings.maxAdvanceDays;
  const lastDayEnds = localInstant(addDays(localDate(now, lab.zone), horizonDays + 1), 0, lab.zone);
  if (start >= lastDayEnds) {
    throw unprocessable('TOO_FAR_AHEAD', `${c.group ? 'Classes and series are booked' : 'Bookings open'} at most ${horizonDays} days ahead`);
  }

  const refusal = openingHoursRefusal({ openingHours: lab.row.openingHours, closures: lab.closures, zone: lab.zone }, machine, start, end);
  if (refusal) throw unprocessable('OUTSIDE_OPENING_HOURS', refusal);
}

/** A lab's open time: its weekly hours less its closures, on its clock. */
export interface OpenTime {
  openingHours: LabRow['openingHours'];
  closures: ReadonlyArray<{ from: string; to: string }>;
  zone: string;
}

/**
 * Why the lab's open time refuses a booking from start to end (null: it allows it). The booking
 * must lie wholly inside one open period; a machine that may run unattended only needs to start
 * inside one. The machine's buffer after the booking is not counted (cooling needs no staff). A
 * new closure or shorter hours cancel the bookings this refuses (labs module).
 */
export function openingHoursRefusal(open: OpenTime, machine: Pick<MachineRow, 'mayRunUnattended'>, start: Date, end: Date): string | null {
  // The periods around the booking, merged, so a period that runs past midnight is one period.
  const periods = openPeriodsBetween(
    new Date(start.getTime() - DAY_MS),
    new Date(Math.max(end.getTime(), start.getTime()) + DAY_MS),
    open.openingHours,
    open.closures,
    open.zone,
  );
  const period = periods.find((p) => p.start <= start && start < p.end);
  if (!period) return 'The lab is closed when the booking starts';
  if (!machine.mayRunUnattended && end > period.end) return 'The booking must end before the lab closes (or breaks)';
  return null;
}

/** Every rule except the overlap with other bookings, in API.md's order. */
/** The certifications module's answer to whether a member may use a machine type (asked, not re-derived). */
export type CertificationCheck = (
  db: DbOrTx,
  q: { userId: string; labId: string; machineType: string; at: Date; lapseMonths: number | null },
) => Promise<boolean>;

export async function checkBookingRules(db: DbOrTx, c: BookingCandidate, now: Date, certified: CertificationCheck): Promise<void> {
  checkTimeRules(c, now);
  const repo = createBookingRepository(db);
  const { machine, lab, subject, start, end } = c;

  if (machine.requiresCertification && subject && !subject.managesLab) {
    const valid = await certified(db, {
      userId: subject.id,
      labId: lab.id,
      machineType: machine.type,
      at: start,
      lapseMonths: lab.settings.certificationLapseMonths,
    });
    if (!valid) {
      throw forbidden(
        `${machine.name} needs a valid certification for ${machine.type} in this lab`,
        'CERTIFICATION_REQUIRED',
      );
    }
  }

  if (subject && !subject.managesLab) {
    await repo.lockMember(subject.id);
    const quotaSeconds = lab.settings.weeklyQuotaHours * 3600;
    // A booking that runs past Sunday midnight counts in each week for its part there.
    let week = isoWeekBounds(start, lab.zone);
    while (week.start < end) {
      const mine =
        (Math.min(end.getTime(), week.end.getTime()) - Math.max(start.getTime(), week.start.getTime())) / 1000;
      const booked = await repo.bookedSecondsBetween({
        userId: subject.id,
        labId: lab.id,
        from: week.start,
        to: week.end,
        excludeId: c.excludeBookingId,
      });
      if (booked + mine > quotaSeconds + 1e-6) {
        throw unprocessable(
          'QUOTA_EXCEEDED',
          `This would make ${((booked + mine) / 3600).toFixed(1)} hours in one week; the lab allows ${lab.settings.weeklyQuotaHours}`,
        );
      }
      week = isoWeekBounds(week.end, lab.zone);
    }
  }

  // Maintenance may not start while the machine is still held for cleaning or cooling either.
  if (await repo.maintenanceOverlaps(machine.id, start, occupiedUntil(machine, end))) {
    throw conflict('MAINTENANCE_CONFLICT', `${machine.name} is under maintenance then`);
  }

  // Someone at the machine now (a walk-in, or a session that ran over) holds it until the next
  // slot starts: the calendar shows that time busy, and the next slot's member, at check-in,
  // closes the session that ran over.
  if ((await repo.openSessionStart(machine.id)) !== undefined && start < openSessionHoldsUntil(machine, lab, now)) {
    throw conflict('BOOKING_CONFLICT', `${machine.name} is in use now`);
  }
}

/** Until when an open usage session holds its machine against new bookings: the next slot's start. */
export function openSessionHoldsUntil(machine: Pick<MachineRow, 'slotMinutes'>, lab: Pick<LabContext, 'zone'>, now: Date): Date {
  // Strictly after now: at 09:00 sharp the 09:00 slot is the one in use.
  return nextSlotStart(new Date(now.getTime() + 1), lab.zone, machine.slotMinutes);
}

/** The instant a booking of the machine stops holding it: its end plus the machine's buffer. */
export function occupiedUntil(machine: MachineRow, end: Date): Date {
  return new Date(end.getTime() + machine.bufferMinutes * 60_000);
}

/** The database's exclusion constraint refused an overlap (SQLSTATE 23P01). */
export function isOverlapError(err: unknown): boolean {
  return sqlState(err) === '23P01';
}

export function bookingConflict(machineName?: string) {
  return conflict(
    'BOOKING_CONFLICT',
    machineName ? `${machineName} is already booked then` : 'Overlaps another booking on this machine',
  );
}

/**
 * Inserts a slot-holding booking. The exclusion constraint is the last word on overlap: of two
 * racing requests exactly one commits, the other gets BOOKING_CONFLICT. On PostgreSQL the error
 * aborts the transaction, so a caller that wants to go on (a series that skips) wraps this in a
 * savepoint.
 */
export async function insertHoldingBooking(
  db: DbOrTx,
  machine: MachineRow,
  values: NewBookingRow,
): Promise<BookingRow> {
  try {
    return await createBookingRepository(db).insertBooking(values);
  } catch (err) {
    if (isOverlapError(err)) throw bookingConflict(machine.name);
    throw err;
  }
}

/**
 * The cancellation cut-off: a member may give up a booking's slot (cancel it, or move it away)
 * until cancelCutoffMinutes before its start; after that, only the lab's managers may.
 */
export function refuseAfterCutoff(b: Pick<BookingRow, 'startAt'>, lab: LabContext, now: Date, what: 'cancelled' | 'moved'): void {
  const cutoff = b.startAt.getTime() - lab.settings.cancelCutoffMinutes * 60_000;
  if (now.getTime() > cutoff) {
    throw unprocessable(
      'CANCELLATION_TOO_LATE',
      `Bookings can be ${what} until ${lab.settings.cancelCutoffMinutes} minutes before the start; ask the lab`,
    );
  }
}
