import type { MachineBody, OpeningHours } from '@fablab/shared';

const weekdays = (periods: Array<[string, string]>, sat: Array<[string, string]> = []): OpeningHours => ({
  mon: periods,
  tue: periods,
  wed: periods,
  thu: periods,
  fri: periods,
  sat,
  sun: [],
});

type DemoMachine = Omit<MachineBody, 'status'>;

const m = (
  name: string,
  type: string,
  rules: { approval: boolean; cert: boolean; slot?: number; min?: number; max?: number; unattended?: boolean },
): DemoMachine => ({
  name,
  type,
  requiresApproval: rules.approval,
  requiresCertification: rules.cert,
  slotMinutes: rules.slot ?? 30,
  minMinutes: rules.min ?? 30,
  maxMinutes: rules.max ?? 240,
  bufferMinutes: 0,
  mayRunUnattended: rules.unattended ?? false,
});

export interface DemoLab {
  slug: string;
  name: string;
  nameVi: string;
  host: string;
  openingHours: OpeningHours;
  machines: DemoMachine[];
}

export const DEMO_LABS: DemoLab[] = [
  {
    slug: 'mechatronics',
    name: 'Binh Duong Mechatronics Fab Lab',
    nameVi: 'Phòng thí nghiệm chế tạo cơ điện Bình Dương',
    host: 'Vietnam – Singapore Vocational College (Trường Cao đẳng nghề Việt Nam - Singapore)',
    openingHours: weekdays([['07:30', '17:30']], [['08:00', '12:00']]),
    machines: [
      m('CO2 laser cutter 60W (A)', 'laser_cutter', { approval: true, cert: true }),
      m('CO2 laser cutter 100W (B)', 'laser_cutter', { approval: true, cert: true }),
      m('Prusa MK4 #1', 'fdm_printer', { approval: false, cert: false, slot: 60, min: 60, max: 480, unattended: true }),
      m('Prusa MK4 #2', 'fdm_printer', { approval: false, cert: false, slot: 60, min: 60, max: 480, unattended: true }),
      m('Bambu Lab X1C', 'fdm_printer', { approval: true, cert: false, slot: 60, min: 60, max: 480, unattended: true }),
      m('CNC router 1325', 'cnc_router', { approval: true, cert: true, slot: 30, min: 60, max: 240 }),
      m('PCB mill LPKF', 'pcb_mill', { approval: true, cert: false }),
      m('Electronics bench 1', 'electronics_bench', { approval: false, cert: false, slot: 30, min: 30, max: 240 }),
      m('Electronics bench 2', 'electronics_bench', { approval: false, cert: false, slot: 30, min: 30, max: 240 }),
    ],
  },
  {
    slug: 'biotech',
    name: 'Binh Duong Applied Biotechnology Fab Lab',
    nameVi: 'Phòng thí nghiệm chế tạo công nghệ sinh học ứng dụng Bình Dương',
    host: 'Thu Dau Mot University (Trường Đại học Thủ Dầu Một)',
    openingHours: weekdays([['08:00', '17:00']]),
    machines: [
      m('Biosafety cabinet class II (A)', 'biosafety_cabinet', { approval: true, cert: true }),
      m('Biosafety cabinet class II (B)', 'biosafety_cabinet', { approval: true, cert: true }),
      m('PCR thermal cycler', 'pcr_thermal_cycler', { approval: true, cert: false, slot: 30, min: 60, max: 240 }),
      m('Autoclave 50 L', 'autoclave', { approval: false, cert: true, slot: 30, min: 60, max: 180 }),
      m('Centrifuge 5430', 'centrifuge', { approval: false, cert: false, slot: 15, min: 15, max: 120 }),
      m('UV-Vis spectrophotometer', 'spectrophotometer', { approval: false, cert: false, slot: 15, min: 15, max: 120 }),
    ],
  },
  {
    slug: 'biic',
    name: 'Multidisciplinary Fab Lab at BIIC',
    nameVi: 'Phòng thí nghiệm chế tạo đa ngành',
    host: 'Binh Duong Center for Community Initiatives and Startup Support (BIIC — Trung tâm Sáng kiến cộng đồng và Hỗ trợ khởi nghiệp tỉnh Bình Dương)',
    openingHours: weekdays([['08:00', '17:00']], [['08:00', '12:00']]),
    machines: [
      m('Laser cutter 80W', 'laser_cutter', { approval: true, cert: true }),
      m('Creality K1 #1', 'fdm_printer', { approval: false, cert: false, slot: 60, min: 60, max: 480, unattended: true }),
      m('Creality K1 #2', 'fdm_printer', { approval: false, cert: false, slot: 60, min: 60, max: 480, unattended: true }),
      m('Formlabs Form 3', 'resin_printer', { approval: true, cert: false, slot: 60, min: 60, max: 480, unattended: true }),
      m('CNC router Shapeoko', 'cnc_router', { approval: true, cert: true, slot: 30, min: 60, max: 240 }),
      m('Vinyl cutter Roland', 'vinyl_cutter', { approval: false, cert: false }),
      m('Embroidery machine Brother', 'embroidery_machine', { approval: true, cert: false }),
    ],
  },
];

/** Public holidays entered as closures (Tết moves every year). */
export const DEMO_CLOSURES: Array<{ from: string; to: string; reason: string }> = [
  { from: '2026-01-01', to: '2026-01-01', reason: 'Tết Dương lịch / New Year’s Day' },
  { from: '2026-02-14', to: '2026-02-22', reason: 'Tết Nguyên Đán / Lunar New Year' },
  { from: '2026-04-27', to: '2026-04-27', reason: 'Giỗ Tổ Hùng Vương (nghỉ bù) / Hung Kings Commemoration' },
  { from: '2026-04-30', to: '2026-05-01', reason: 'Ngày Giải phóng & Quốc tế Lao động / Reunification Day & Labour Day' },
  { from: '2026-09-01', to: '2026-09-02', reason: 'Quốc khánh / National Day' },
  { from: '2027-01-01', to: '2027-01-01', reason: 'Tết Dương lịch / New Year’s Day' },
  { from: '2027-02-05', to: '2027-02-11', reason: 'Tết Nguyên Đán / Lunar New Year' },
  { from: '2027-04-16', to: '2027-04-16', reason: 'Giỗ Tổ Hùng Vương / Hung Kings Commemoration' },
  { from: '2027-04-30', to: '2027-05-01', reason: 'Ngày Giải phóng & Quốc tế Lao động / Reunification Day & Labour Day' },
  { from: '2027-09-01', to: '2027-09-02', reason: 'Quốc khánh / National Day' },
];

export interface DemoAccount {
  email: string;
  fullName: string;
  role: 'member' | 'manager' | 'department' | 'admin';
  category: 'student' | 'teacher' | 'startup' | 'enterprise' | 'researcher' | 'community';
  gender: 'female' | 'male' | 'other' | 'undisclosed';
  organization?: string;
  manages?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@fablab.local', fullName: 'Quản trị viên', role: 'admin', category: 'community', gender: 'undisclosed' },
  { email: 'department@fablab.local', fullName: 'Sở Khoa học và Công nghệ Bình Dương', role: 'department', category: 'community', gender: 'undisclosed', organization: 'Sở KH&CN Bình Dương' },
  { email: 'manager.mechatronics@fablab.local', fullName: 'Nguyễn Văn Hùng', role: 'manager', category: 'teacher', gender: 'male', manages: 'mechatronics', organization: 'Trường Cao đẳng nghề Việt Nam - Singapore' },
  { email: 'manager.biotech@fablab.local', fullName: 'Trần Thị Mai', role: 'manager', category: 'researcher', gender: 'female', manages: 'biotech', organization: 'Trường Đại học Thủ Dầu Một' },
  { email: 'manager.biic@fablab.local', fullName: 'Lê Quốc Bảo', role: 'manager', category: 'startup', gender: 'male', manages: 'biic', organization: 'BIIC' },
  { email: 'maker1@fablab.local', fullName: 'Phạm Minh Anh', role: 'member', category: 'student', gender: 'female', organization: 'Trường Đại học Thủ Dầu Một' },
  { email: 'maker2@fablab.local', fullName: 'Võ Thanh Tùng', role: 'member', category: 'startup', gender: 'male', organization: 'Startup Lúa Xanh' },
  { email: 'maker3@fablab.local', fullName: 'Đặng Thu Hà', role: 'member', category: 'teacher', gender: 'female', organization: 'THPT Chuyên Hùng Vương' },
  { email: 'maker4@fablab.local', fullName: 'Huỳnh Gia Khang', role: 'member', category: 'enterprise', gender: 'male', organization: 'Công ty TNHH Cơ khí Tân Uyên' },
  { email: 'maker5@fablab.local', fullName: 'Ngô Bích Ngọc', role: 'member', category: 'researcher', gender: 'other', organization: 'Viện Công nghệ sinh học' },
];

/**
 * Devices of the demo (README "Devices"), registered only when devices are on (MQTT_URL): a Shelly
 * switch and a card reader on a few machines of each lab. `npm run devices:sim -- --demo` plays
 * them, each switch drawing the power profile named here.
 */
export interface DemoDevice {
  lab: string;
  machine: string;
  switchId: string;
  readerId: string;
  profile: 'laser' | 'print' | 'idle';
  runningThresholdW: number;
}

export const DEMO_DEVICES: DemoDevice[] = [
  { lab: 'mechatronics', machine: 'CO2 laser cutter 60W (A)', switchId: 'shellypro1pm-demo-mech-laser-a', readerId: 'reader-demo-mech-laser-a', profile: 'laser', runningThresholdW: 100 },
  { lab: 'mechatronics', machine: 'Prusa MK4 #1', switchId: 'shellyplusplugs-demo-mech-prusa-1', readerId: 'reader-demo-mech-prusa-1', profile: 'print', runningThresholdW: 30 },
  { lab: 'mechatronics', machine: 'Electronics bench 1', switchId: 'shellyplusplugs-demo-mech-bench-1', readerId: 'reader-demo-mech-bench-1', profile: 'idle', runningThresholdW: 10 },
  { lab: 'biotech', machine: 'Centrifuge 5430', switchId: 'shellyplusplugs-demo-bio-centrifuge', readerId: 'reader-demo-bio-centrifuge', profile: 'idle', runningThresholdW: 10 },
  { lab: 'biic', machine: 'Laser cutter 80W', switchId: 'shellypro1pm-demo-biic-laser', readerId: 'reader-demo-biic-laser', profile: 'laser', runningThresholdW: 100 },
  { lab: 'biic', machine: 'Creality K1 #1', switchId: 'shellyplusplugs-demo-biic-k1-1', readerId: 'reader-demo-biic-k1-1', profile: 'print', runningThresholdW: 30 },
];

/** Cards of the demo makers who hold certifications (1–3), to tap at the demo readers. */
export const DEMO_CARDS: Array<{ email: string; uid: string }> = [
  { email: 'maker1@fablab.local', uid: '04A1B2C3D4E501' },
  { email: 'maker2@fablab.local', uid: '04A1B2C3D4E502' },
  { email: 'maker3@fablab.local', uid: '04A1B2C3D4E503' },
];

/** A demo materials catalogue entry: name, unit, price in VND per unit (null: the lab set none). */
export type DemoMaterial = [name: string, unit: string, typical: number, priceVnd: number | null];

/**
 * The materials each machine type consumes, with a typical quantity per session: a lab's demo
 * catalogue holds those of its machines' types, and demo sessions record them.
 */
export const DEMO_MATERIALS: Record<string, DemoMaterial[]> = {
  laser_cutter: [
    ['acrylic 3 mm', 'sheet', 2, 120_000],
    ['plywood 3 mm', 'sheet', 3, 45_000],
  ],
  fdm_printer: [
    ['PLA', 'g', 180, 400],
    ['PETG', 'g', 120, 450],
  ],
  resin_printer: [['standard resin', 'ml', 80, 1_200]],
  cnc_router: [['MDF 12 mm', 'sheet', 1, 180_000]],
  pcb_mill: [['FR4 copper board', 'piece', 2, 35_000]],
  vinyl_cutter: [['vinyl film', 'm', 2, 30_000]],
  embroidery_machine: [['thread', 'spool', 1, null]],
  biosafety_cabinet: [['pipette tips', 'box', 1, 150_000]],
  pcr_thermal_cycler: [['PCR tubes', 'piece', 24, 2_000]],
};
