// Static lists behind `npm run seed:bulk`: public holidays as closures, how many of each demo
// machine a bulk lab has, materials per machine type, and Vietnamese names for walk-in visitors.
import type { Gender, MemberCategory, Purpose } from '@fablab/shared';

/** Vietnamese public holidays 2025–2027 (Tết moves every year), entered as closures. */
export const BULK_CLOSURES: Array<{ from: string; to: string; reason: string }> = [
  { from: '2025-01-01', to: '2025-01-01', reason: 'Tết Dương lịch / New Year’s Day' },
  { from: '2025-01-25', to: '2025-02-02', reason: 'Tết Nguyên Đán / Lunar New Year' },
  { from: '2025-04-07', to: '2025-04-07', reason: 'Giỗ Tổ Hùng Vương / Hung Kings Commemoration' },
  {
    from: '2025-04-30',
    to: '2025-05-01',
    reason: 'Ngày Giải phóng & Quốc tế Lao động / Reunification Day & Labour Day',
  },
  { from: '2025-09-01', to: '2025-09-02', reason: 'Quốc khánh / National Day' },
  { from: '2026-01-01', to: '2026-01-01', reason: 'Tết Dương lịch / New Year’s Day' },
  { from: '2026-02-14', to: '2026-02-22', reason: 'Tết Nguyên Đán / Lunar New Year' },
  { from: '2026-04-27', to: '2026-04-27', reason: 'Giỗ Tổ Hùng Vương (nghỉ bù) / Hung Kings Commemoration' },
  {
    from: '2026-04-30',
    to: '2026-05-01',
    reason: 'Ngày Giải phóng & Quốc tế Lao động / Reunification Day & Labour Day',
  },
  { from: '2026-09-01', to: '2026-09-02', reason: 'Quốc khánh / National Day' },
  { from: '2027-01-01', to: '2027-01-01', reason: 'Tết Dương lịch / New Year’s Day' },
  { from: '2027-02-05', to: '2027-02-11', reason: 'Tết Nguyên Đán / Lunar New Year' },
  { from: '2027-04-16', to: '2027-04-16', reason: 'Giỗ Tổ Hùng Vương / Hung Kings Commemoration' },
  {
    from: '2027-04-30',
    to: '2027-05-01',
    reason: 'Ngày Giải phóng & Quốc tế Lao động / Reunification Day & Labour Day',
  },
  { from: '2027-09-01', to: '2027-09-02', reason: 'Quốc khánh / National Day' },
];

/** Machines per bulk lab: the demo catalogue's machines, repeated round-robin up to this many. */
export const MACHINES_PER_LAB = 40;

export const MATERIALS: Record<string, Array<[string, string, number]>> = {
  laser_cutter: [
    ['Mica 3 mm', 'tấm', 2],
    ['Ván ép 3 mm', 'tấm', 3],
    ['Giấy kraft', 'tờ', 10],
  ],
  fdm_printer: [
    ['PLA', 'g', 180],
    ['PETG', 'g', 120],
    ['TPU', 'g', 60],
  ],
  resin_printer: [['Nhựa resin tiêu chuẩn', 'ml', 80]],
  cnc_router: [
    ['MDF 12 mm', 'tấm', 1],
    ['Gỗ thông', 'thanh', 2],
  ],
  pcb_mill: [['Phíp đồng FR4', 'tấm', 2]],
  vinyl_cutter: [['Decal', 'm', 2]],
  embroidery_machine: [['Chỉ thêu', 'cuộn', 1]],
  electronics_bench: [['Linh kiện điện tử', 'bộ', 1]],
  biosafety_cabinet: [['Đầu tip pipet', 'hộp', 1]],
  pcr_thermal_cycler: [['Ống PCR', 'cái', 24]],
  autoclave: [['Túi hấp tiệt trùng', 'cái', 5]],
  centrifuge: [['Ống ly tâm 15 ml', 'cái', 8]],
  spectrophotometer: [['Cuvette', 'cái', 4]],
};

export const CATEGORY_WEIGHTS: ReadonlyArray<readonly [MemberCategory, number]> = [
  ['student', 45],
  ['teacher', 10],
  ['startup', 15],
  ['enterprise', 10],
  ['researcher', 10],
  ['community', 10],
];

export const GENDER_WEIGHTS: ReadonlyArray<readonly [Gender, number]> = [
  ['female', 42],
  ['male', 45],
  ['other', 2],
  ['undisclosed', 11],
];

export const GUEST_CATEGORY_WEIGHTS: ReadonlyArray<readonly [MemberCategory, number]> = [
  ['community', 50],
  ['student', 30],
  ['enterprise', 10],
  ['teacher', 10],
];

/** What each category of maker mostly books for. */
export const PURPOSES_BY_CATEGORY: Record<MemberCategory, ReadonlyArray<readonly [Purpose, number]>> = {
  student: [
    ['personal_project', 60],
    ['training', 25],
    ['research', 10],
    ['startup_prototype', 5],
  ],
  teacher: [
    ['training', 50],
    ['stem_class', 30],
    ['personal_project', 20],
  ],
  startup: [
    ['startup_prototype', 80],
    ['personal_project', 10],
    ['training', 10],
  ],
  enterprise: [
    ['enterprise_service', 80],
    ['startup_prototype', 10],
    ['research', 10],
  ],
  researcher: [
    ['research', 85],
    ['training', 15],
  ],
  community: [
    ['personal_project', 80],
    ['training', 20],
  ],
};

export const FAMILY_NAMES = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
export const MIDDLE_NAMES = ['Văn', 'Thị', 'Minh', 'Thanh', 'Ngọc', 'Quốc', 'Gia', 'Hoài', 'Đức', 'Thu', 'Hữu', 'Bảo'];
export const GIVEN_NAMES = [
  'An',
  'Anh',
  'Bình',
  'Châu',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hiếu',
  'Hòa',
  'Hùng',
  'Khang',
  'Khoa',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Ngân',
  'Nhi',
  'Phúc',
  'Quân',
  'Quyên',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tú',
  'Tùng',
  'Uyên',
  'Vy',
  'Yến',
];
