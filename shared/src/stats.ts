// Schemas of the stats slice of the API contract (../shared/API.md, "Statistics").
// How each figure is defined is written in the README ("Monthly statistics").
import { Type, type Static, type TSchema } from 'typebox';
import { LocaleSchema, Uuid } from './schemas.js';
import { MONTH_PATTERN } from './time.js';

/** The longest range GET /api/stats/trend answers for, in months. */
export const TREND_MAX_MONTHS = 36;

export const STATS_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

export const Month = Type.String({ pattern: MONTH_PATTERN, maxLength: 7 });

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The figures every row carries; `null` where a figure means nothing for that row. */
export const StatsFigures = Type.Object({
  bookings: Type.Integer(),
  approved: Type.Integer(),
  rejected: Type.Integer(),
  cancelled: Type.Integer(),
  expired: Type.Integer(),
  noShows: Type.Integer(),
  /** noShows / bookings that reached their start approved; null when none did. */
  noShowRate: Nullable(Type.Number()),
  bookedHours: Type.Number(),
  usedHours: Type.Number(),
  /** The part of usedHours that fell inside the machine's open hours: utilization's numerator. */
  usedOpenHours: Nullable(Type.Number()),
  openHours: Nullable(Type.Number()),
  /** usedOpenHours / openHours; null when openHours is 0 or means nothing for the row. */
  utilization: Nullable(Type.Number()),
  uniqueMakers: Type.Integer(),
  newMembers: Type.Integer(),
  classSessions: Nullable(Type.Integer()),
  participants: Nullable(Type.Integer()),
  medianApprovalMinutes: Nullable(Type.Number()),
  /** Measured by the machines' power switches (README "Devices"); null where no switch measured anything. */
  poweredHours: Nullable(Type.Number()),
  runningHours: Nullable(Type.Number()),
  energyKwh: Nullable(Type.Number()),
});
export type StatsFigures = Static<typeof StatsFigures>;

export const STATS_FIGURE_KEYS = Object.keys(StatsFigures.properties) as Array<keyof StatsFigures>;

export const StatsLabRow = Type.Object({
  labId: Uuid,
  slug: Type.String(),
  name: Type.String(),
  nameVi: Type.String(),
  timezone: Type.String(),
  ...StatsFigures.properties,
});
export type StatsLabRow = Static<typeof StatsLabRow>;

export const StatsMachineRow = Type.Object({
  machineId: Uuid,
  name: Type.String(),
  type: Type.String(),
  labId: Uuid,
  status: Type.String(),
  ...StatsFigures.properties,
});
export type StatsMachineRow = Static<typeof StatsMachineRow>;

export const StatsMachineTypeRow = Type.Object({ type: Type.String(), ...StatsFigures.properties });
export type StatsMachineTypeRow = Static<typeof StatsMachineTypeRow>;

/** `category: null`: bookings of accounts deleted outright (no user row left). */
export const StatsCategoryRow = Type.Object({ category: Nullable(Type.String()), ...StatsFigures.properties });
export type StatsCategoryRow = Static<typeof StatsCategoryRow>;

export const StatsGenderRow = Type.Object({ gender: Nullable(Type.String()), ...StatsFigures.properties });
export type StatsGenderRow = Static<typeof StatsGenderRow>;

/** `purpose: null`: usage without a stated purpose (walk-ins). */
export const StatsPurposeRow = Type.Object({ purpose: Nullable(Type.String()), ...StatsFigures.properties });
export type StatsPurposeRow = Static<typeof StatsPurposeRow>;

export const StatsMaterialRow = Type.Object({ material: Type.String(), unit: Type.String(), quantity: Type.Number() });
export type StatsMaterialRow = Static<typeof StatsMaterialRow>;

export const MonthlyStats = Type.Object({
  month: Month,
  /** The lab asked for; null when the answer covers every lab the caller may see. */
  labId: Nullable(Uuid),
  totals: StatsFigures,
  byLab: Type.Array(StatsLabRow),
  byMachine: Type.Array(StatsMachineRow),
  byMachineType: Type.Array(StatsMachineTypeRow),
  byCategory: Type.Array(StatsCategoryRow),
  byGender: Type.Array(StatsGenderRow),
  byPurpose: Type.Array(StatsPurposeRow),
  materials: Type.Array(StatsMaterialRow),
});
export type MonthlyStats = Static<typeof MonthlyStats>;

export const MonthlyStatsQuery = Type.Object(
  {
    month: Month,
    labId: Type.Optional(Uuid),
    format: Type.Optional(Type.Enum(STATS_FORMATS)),
    /** Language of the XLSX headers and of the labels in CSV/XLSX; defaults to the caller's locale. */
    lang: Type.Optional(LocaleSchema),
  },
  { additionalProperties: false },
);
export type MonthlyStatsQuery = Static<typeof MonthlyStatsQuery>;

export const StatsTrendQuery = Type.Object(
  { from: Month, to: Month, labId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type StatsTrendQuery = Static<typeof StatsTrendQuery>;

export const StatsTrendItem = Type.Object({ month: Month, ...StatsFigures.properties });
export type StatsTrendItem = Static<typeof StatsTrendItem>;

export const StatsTrend = Type.Object({ labId: Nullable(Uuid), items: Type.Array(StatsTrendItem) });
export type StatsTrend = Static<typeof StatsTrend>;
