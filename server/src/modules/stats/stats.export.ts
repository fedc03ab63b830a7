// The monthly statistics as downloads. CSV: one long table (a `breakdown` column names the
// breakdown, `key` the row within it, then every figure; material rows fill `unit` and `quantity`),
// UTF-8 with a BOM so that Excel opens Vietnamese correctly. XLSX: a sheet per breakdown with
// headers in the requester's language, number formats and a frozen header row.
import type { Locale, MonthlyStats, StatsFigures } from '@fablab/shared';
import { STATS_FIGURE_KEYS } from '@fablab/shared';
// Types only: exceljs itself (some 20 MB of heap once loaded) is imported on the first XLSX download.
import type ExcelJS from 'exceljs';
import { toCsv } from '../../lib/csv.js';

type Figure = keyof StatsFigures;

const FIGURE_LABELS: Record<Figure, Record<Locale, string>> = {
  bookings: { vi: 'Lượt đặt', en: 'Bookings' },
  approved: { vi: 'Đã duyệt', en: 'Approved' },
  rejected: { vi: 'Bị từ chối', en: 'Rejected' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
  expired: { vi: 'Hết hạn', en: 'Expired' },
  noShows: { vi: 'Vắng mặt', en: 'No-shows' },
  noShowRate: { vi: 'Tỷ lệ vắng mặt', en: 'No-show rate' },
  bookedHours: { vi: 'Giờ đã đặt', en: 'Booked hours' },
  usedHours: { vi: 'Giờ sử dụng', en: 'Used hours' },
  usedOpenHours: { vi: 'Giờ sử dụng trong giờ mở cửa', en: 'Used hours within open hours' },
  openHours: { vi: 'Giờ mở cửa', en: 'Open hours' },
  utilization: { vi: 'Hiệu suất sử dụng', en: 'Utilization' },
  uniqueMakers: { vi: 'Số người sử dụng', en: 'Unique makers' },
  newMembers: { vi: 'Thành viên mới', en: 'New members' },
  classSessions: { vi: 'Buổi học', en: 'Class sessions' },
  participants: { vi: 'Người tham gia', en: 'Participants' },
  medianApprovalMinutes: { vi: 'Thời gian duyệt trung vị (phút)', en: 'Median time to approval (minutes)' },
  poweredHours: { vi: 'Giờ máy bật nguồn (đo)', en: 'Powered hours (measured)' },
  runningHours: { vi: 'Giờ máy chạy (đo)', en: 'Running hours (measured)' },
  energyKwh: { vi: 'Điện năng (kWh)', en: 'Energy (kWh)' },
};

const HOUR_FIGURES: ReadonlySet<Figure> = new Set([
  'bookedHours',
  'usedHours',
  'usedOpenHours',
  'openHours',
  'medianApprovalMinutes',
  'poweredHours',
  'runningHours',
  'energyKwh',
]);
const RATE_FIGURES: ReadonlySet<Figure> = new Set(['noShowRate', 'utilization']);

const WORDS = {
  total: { vi: 'Tổng hợp', en: 'Totals' },
  allLabs: { vi: 'Tất cả phòng lab', en: 'All labs' },
  labs: { vi: 'Theo phòng lab', en: 'By lab' },
  machines: { vi: 'Theo máy', en: 'By machine' },
  machineTypes: { vi: 'Theo loại máy', en: 'By machine type' },
  categories: { vi: 'Theo đối tượng', en: 'By category' },
  genders: { vi: 'Theo giới tính', en: 'By gender' },
  purposes: { vi: 'Theo mục đích', en: 'By purpose' },
  materials: { vi: 'Vật tư', en: 'Materials' },
  month: { vi: 'Tháng', en: 'Month' },
  lab: { vi: 'Phòng lab', en: 'Lab' },
  machine: { vi: 'Máy', en: 'Machine' },
  type: { vi: 'Loại máy', en: 'Machine type' },
  category: { vi: 'Đối tượng', en: 'Category' },
  gender: { vi: 'Giới tính', en: 'Gender' },
  purpose: { vi: 'Mục đích', en: 'Purpose' },
  key: { vi: 'Mã', en: 'Key' },
  material: { vi: 'Vật tư', en: 'Material' },
  unit: { vi: 'Đơn vị', en: 'Unit' },
  quantity: { vi: 'Số lượng', en: 'Quantity' },
} satisfies Record<string, Record<Locale, string>>;

const SLUG_LABELS: Record<string, Record<Locale, string>> = {
  student: { vi: 'Học sinh, sinh viên', en: 'Student' },
  teacher: { vi: 'Giáo viên', en: 'Teacher' },
  startup: { vi: 'Khởi nghiệp', en: 'Startup' },
  enterprise: { vi: 'Doanh nghiệp', en: 'Enterprise' },
  researcher: { vi: 'Nhà nghiên cứu', en: 'Researcher' },
  community: { vi: 'Cộng đồng', en: 'Community' },
  class_session: { vi: 'Lớp học, nhóm', en: 'Class or group' },
  female: { vi: 'Nữ', en: 'Female' },
  male: { vi: 'Nam', en: 'Male' },
  other: { vi: 'Khác', en: 'Other' },
  undisclosed: { vi: 'Không nêu', en: 'Undisclosed' },
  personal_project: { vi: 'Dự án cá nhân', en: 'Personal project' },
  startup_prototype: { vi: 'Mẫu thử khởi nghiệp', en: 'Startup prototype' },
  stem_class: { vi: 'Lớp học STEM', en: 'STEM class' },
  training: { vi: 'Đào tạo', en: 'Training' },
  research: { vi: 'Nghiên cứu', en: 'Research' },
  enterprise_service: { vi: 'Dịch vụ doanh nghiệp', en: 'Enterprise service' },
  unspecified: { vi: 'Không xác định', en: 'Unspecified' },
};

/** The key a null breakdown key is written as (walk-ins have no purpose). */
export const UNSPECIFIED = 'unspecified';

function label(slug: string | null, lang: Locale): string {
  const key = slug ?? UNSPECIFIED;
  return SLUG_LABELS[key]?.[lang] ?? key;
}

export interface ExportContext {
  lang: Locale;
  /** Slug of the lab for the file name, or `all-labs`. */
  scopeSlug: string;
  /** The machine types' names (app.machineTypes): administrators name them, not this file. */
  typeNames?: ReadonlyMap<string, { name: string; nameVi: string }>;
}

function typeLabel(type: string, ctx: ExportContext): string {
  const names = ctx.typeNames?.get(type);
  return names ? (ctx.lang === 'vi' ? names.nameVi : names.name) : type;
}

export function exportFileName(month: string, scopeSlug: string, format: 'csv' | 'xlsx'): string {
  return `fablab-stats-${month}-${scopeSlug}.${format}`;
}

interface FlatRow {
  breakdown: string;
  key: string;
  name: string;
  lab: string;
  figures: StatsFigures | null;
  unit?: string;
  quantity?: number;
}

function flatten(stats: MonthlyStats, ctx: ExportContext): FlatRow[] {
  const { lang } = ctx;
  const labSlug = new Map(stats.byLab.map((l) => [l.labId, l.slug]));
  const labName = (l: { name: string; nameVi: string }) => (lang === 'vi' ? l.nameVi : l.name);
  const rows: FlatRow[] = [];
  const only = stats.byLab.length === 1 ? stats.byLab[0] : undefined;
  rows.push({
    breakdown: 'total',
    key: only?.slug ?? 'all',
    name: only ? labName(only) : WORDS.allLabs[lang],
    lab: only?.slug ?? '',
    figures: stats.totals,
  });
  for (const l of stats.byLab) rows.push({ breakdown: 'lab', key: l.slug, name: labName(l), lab: l.slug, figures: l });
  for (const m of stats.byMachine) {
    rows.push({ breakdown: 'machine', key: m.machineId, name: m.name, lab: labSlug.get(m.labId) ?? '', figures: m });
  }
  for (const t of stats.byMachineType)
    rows.push({ breakdown: 'machine_type', key: t.type, name: typeLabel(t.type, ctx), lab: '', figures: t });
  for (const c of stats.byCategory) {
    rows.push({
      breakdown: 'category',
      key: c.category ?? UNSPECIFIED,
      name: label(c.category, lang),
      lab: '',
      figures: c,
    });
  }
  for (const g of stats.byGender) {
    rows.push({ breakdown: 'gender', key: g.gender ?? UNSPECIFIED, name: label(g.gender, lang), lab: '', figures: g });
  }
  for (const p of stats.byPurpose) {
    rows.push({
      breakdown: 'purpose',
      key: p.purpose ?? UNSPECIFIED,
      name: label(p.purpose, lang),
      lab: '',
      figures: p,
    });
  }
  for (const m of stats.materials) {
    rows.push({
      breakdown: 'material',
      key: m.material,
      name: m.material,
      lab: '',
      figures: null,
      unit: m.unit,
      quantity: m.quantity,
    });
  }
  return rows;
}

/** CSV bytes: a UTF-8 BOM, then one header line and one line per row of every breakdown. */
export function statsToCsv(stats: MonthlyStats, ctx: ExportContext): Buffer {
  const header = ['month', 'breakdown', 'key', 'name', 'lab', ...STATS_FIGURE_KEYS, 'unit', 'quantity'];
  const records = flatten(stats, ctx).map((r) => [
    stats.month,
    r.breakdown,
    r.key,
    r.name,
    r.lab,
    ...STATS_FIGURE_KEYS.map((k) => r.figures?.[k] ?? ''),
    r.unit ?? '',
    r.quantity ?? '',
  ]);
  return toCsv([header, ...records]);
}

interface SheetColumn<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | null;
  /** A format for the column, or per value (see QUANTITY_FORMAT). */
  numFmt?: string | ((value: unknown) => string);
}

/**
 * Material quantities are integers (46 sheets) or decimals (0.125 kg): a single "0.###" format
 * shows 46 as "46." in Excel and LibreOffice, so each cell gets the format its value needs.
 */
const QUANTITY_FORMAT = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? '0.0##' : '0');

function figureColumns<T extends StatsFigures>(lang: Locale): Array<SheetColumn<T>> {
  return STATS_FIGURE_KEYS.map((k) => ({
    header: FIGURE_LABELS[k][lang],
    width: Math.max(12, Math.min(30, FIGURE_LABELS[k][lang].length + 2)),
    value: (row: T) => row[k],
    numFmt: RATE_FIGURES.has(k) ? '0.0%' : HOUR_FIGURES.has(k) ? '0.00' : '0',
  }));
}

function addSheet<T>(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: Array<SheetColumn<T>>,
  rows: readonly T[],
): void {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    // Printed, the sheets are wide tables: landscape A4, scaled to one page wide (as many pages
    // long as needed), the header row repeated on every page.
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    },
  });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    style: typeof c.numFmt === 'string' ? { numFmt: c.numFmt } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    const added = sheet.addRow(columns.map((c) => c.value(row)));
    columns.forEach((c, i) => {
      if (typeof c.numFmt === 'function') {
        const cell = added.getCell(i + 1);
        cell.numFmt = c.numFmt(cell.value);
      }
    });
  }
}

/** XLSX bytes: one sheet per breakdown. */
export async function statsToXlsx(stats: MonthlyStats, ctx: ExportContext): Promise<Buffer> {
  const { lang } = ctx;
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'FabLab Bình Dương';
  const labName = (l: { name: string; nameVi: string }) => (lang === 'vi' ? l.nameVi : l.name);
  const labNameById = new Map(stats.byLab.map((l) => [l.labId, labName(l)]));

  const only = stats.byLab.length === 1 ? stats.byLab[0] : undefined;
  addSheet(
    workbook,
    WORDS.total[lang],
    [
      { header: WORDS.month[lang], width: 10, value: () => stats.month },
      { header: WORDS.lab[lang], width: 40, value: () => (only ? labName(only) : WORDS.allLabs[lang]) },
      ...figureColumns<StatsFigures>(lang),
    ],
    [stats.totals],
  );
  addSheet(
    workbook,
    WORDS.labs[lang],
    [
      { header: WORDS.key[lang], width: 16, value: (r) => r.slug },
      { header: WORDS.lab[lang], width: 50, value: (r) => labName(r) },
      ...figureColumns<MonthlyStats['byLab'][number]>(lang),
    ],
    stats.byLab,
  );
  addSheet(
    workbook,
    WORDS.machines[lang],
    [
      { header: WORDS.lab[lang], width: 40, value: (r) => labNameById.get(r.labId) ?? '' },
      { header: WORDS.machine[lang], width: 32, value: (r) => r.name },
      { header: WORDS.type[lang], width: 22, value: (r) => typeLabel(r.type, ctx) },
      ...figureColumns<MonthlyStats['byMachine'][number]>(lang),
    ],
    stats.byMachine,
  );
  addSheet(
    workbook,
    WORDS.machineTypes[lang],
    [
      { header: WORDS.key[lang], width: 20, value: (r) => r.type },
      { header: WORDS.type[lang], width: 24, value: (r) => typeLabel(r.type, ctx) },
      ...figureColumns<MonthlyStats['byMachineType'][number]>(lang),
    ],
    stats.byMachineType,
  );
  addSheet(
    workbook,
    WORDS.categories[lang],
    [
      { header: WORDS.key[lang], width: 14, value: (r) => r.category ?? UNSPECIFIED },
      { header: WORDS.category[lang], width: 22, value: (r) => label(r.category, lang) },
      ...figureColumns<MonthlyStats['byCategory'][number]>(lang),
    ],
    stats.byCategory,
  );
  addSheet(
    workbook,
    WORDS.genders[lang],
    [
      { header: WORDS.key[lang], width: 14, value: (r) => r.gender ?? UNSPECIFIED },
      { header: WORDS.gender[lang], width: 18, value: (r) => label(r.gender, lang) },
      ...figureColumns<MonthlyStats['byGender'][number]>(lang),
    ],
    stats.byGender,
  );
  addSheet(
    workbook,
    WORDS.purposes[lang],
    [
      { header: WORDS.key[lang], width: 20, value: (r) => r.purpose ?? UNSPECIFIED },
      { header: WORDS.purpose[lang], width: 24, value: (r) => label(r.purpose, lang) },
      ...figureColumns<MonthlyStats['byPurpose'][number]>(lang),
    ],
    stats.byPurpose,
  );
  addSheet(
    workbook,
    WORDS.materials[lang],
    [
      { header: WORDS.material[lang], width: 30, value: (r) => r.material },
      { header: WORDS.unit[lang], width: 12, value: (r) => r.unit },
      { header: WORDS.quantity[lang], width: 14, value: (r) => r.quantity, numFmt: QUANTITY_FORMAT },
    ],
    stats.materials,
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
