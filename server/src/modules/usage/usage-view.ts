// The API views of sessions and incidents, and who may see the names on them (Decree 13).
import type { Gender, Incident, MemberCategory, Purpose, RecordedMaterial, UsageSession } from '@fablab/shared';
import { can, type Actor } from '../../plugins/policy.js';
import type { IncidentRow, UsageRow } from './usage.repository.js';

/** May this caller see who used the machine (Decree 13: the member, the lab's managers, admins)? */
export const maySeeNames = (actor: Actor | undefined, row: { labId: string; userId: string | null }) => can(actor, 'person.see_name', row);

/** Measured hours to the second (4 decimals); null where no switch measured the session. */
function meterHours(secs: number | null): number | null {
  return secs === null ? null : Math.round(secs / 0.36) / 10_000;
}

export function toApiUsage(row: UsageRow, materials: RecordedMaterial[], names: { show: boolean; userName?: string | null }): UsageSession {
  const session: UsageSession = {
    id: row.id,
    machineId: row.machineId,
    labId: row.labId,
    bookingId: row.bookingId,
    userId: names.show ? row.userId : null,
    guest: row.userId === null && row.guestName !== null,
    category: row.category as MemberCategory,
    gender: row.gender as Gender,
    purpose: row.purpose as Purpose | null,
    start: row.startAt.toISOString(),
    end: row.endAt?.toISOString() ?? null,
    closedBySystem: row.closedBySystem,
    materials,
    createdAt: row.createdAt.toISOString(),
    poweredHours: meterHours(row.poweredSecs),
    runningHours: meterHours(row.runningSecs),
    energyKwh: row.energyWh === null ? null : Math.round(row.energyWh * 10) / 10_000,
  };
  // Notes are free text that may name people: only for those who may see names.
  if (names.show) {
    session.userName = row.guestName ?? names.userName ?? null;
    session.note = row.note;
  }
  return session;
}

/** Without `showNames` (department staff), who reported it is left out, as in toApiUsage. */
export function toApiIncident(row: IncidentRow, reporterName: string | null, showNames = true): Incident {
  const incident: Incident = {
    id: row.id,
    usageSessionId: row.usageSessionId,
    machineId: row.machineId,
    labId: row.labId,
    kind: row.kind as Incident['kind'],
    description: row.description,
    machineOutOfService: row.machineOutOfService,
    reportedBy: showNames ? row.reportedBy : null,
    createdAt: row.createdAt.toISOString(),
  };
  if (showNames) incident.reportedByName = reporterName;
  return incident;
}
