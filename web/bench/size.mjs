// `npm run size`: the bytes that really travel. Each built file is compressed the way the server
// sends it (@fastify/compress: brotli at quality 4, else gzip at zlib's default level; files under
// 1 KB as they are), and each route adds up what the browser downloads on a first visit:
// index.html, the entry with its static imports, the route's lazy chunk and its imports, and the
// CSS they bring. Budget: the maker's calendar route loads at most 300 KB of JS sent gzipped.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const manifestFile = path.join(dist, '.vite/manifest.json');
if (!existsSync(manifestFile)) {
  console.error('web/dist/.vite/manifest.json is missing: run `npm run build` at the repository root first.');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const BUDGET_KB = 300;
const THRESHOLD = 1024;

const sizes = new Map();
/** { raw, gzip, br } in KB, as the server sends the file. */
function sizeOf(file) {
  if (!sizes.has(file)) {
    const bytes = readFileSync(path.join(dist, file));
    const small = bytes.length < THRESHOLD;
    sizes.set(file, {
      raw: bytes.length / 1024,
      gzip: (small ? bytes.length : gzipSync(bytes).length) / 1024,
      br: (small ? bytes.length : brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }).length) / 1024,
    });
  }
  return sizes.get(file);
}

/** Every file a manifest entry brings, following static imports (what the browser fetches). */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const css of chunk.css ?? []) seen.add(css);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}

const kb = (n) => n.toFixed(1).padStart(7);
const files = [
  ...new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])])),
].filter((f) => /\.(js|css)$/.test(f));
files.sort((a, b) => sizeOf(b).gzip - sizeOf(a).gzip);
console.log('Files:       raw       gzip     brotli');
for (const file of files) {
  const s = sizeOf(file);
  console.log(`  ${kb(s.raw)} KB ${kb(s.gzip)} KB ${kb(s.br)} KB  ${file}`);
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
entry.add('index.html');
const routes = {
  'entry (labs list, sign-in)': null,
  "maker's calendar (/labs/:labId)": 'src/app/routes/lab-calendar-page.tsx',
  'my bookings (/my)': 'src/app/routes/my-bookings-page.tsx',
  'lab manager (/manage)': 'src/app/routes/manage/manage-area.tsx',
  'dashboard (/dashboard)': 'src/app/routes/dashboard-page.tsx',
  'admin (/admin)': 'src/app/routes/admin-area.tsx',
};
console.log('\nFirst visit by route (HTML, JS and CSS):  raw       gzip     brotli   (JS gzip)');
let calendarJs = 0;
for (const [name, key] of Object.entries(routes)) {
  if (key && !manifest[key]) {
    console.log(`  ${name}: not in the manifest`);
    continue;
  }
  const all = new Set(entry);
  if (key) for (const f of closure(key)) all.add(f);
  const sum = (pick, filter = () => true) => [...all].filter(filter).reduce((t, f) => t + sizeOf(f)[pick], 0);
  const js = sum('gzip', (f) => f.endsWith('.js'));
  if (key === 'src/app/routes/lab-calendar-page.tsx') calendarJs = js;
  console.log(`  ${kb(sum('raw'))} KB ${kb(sum('gzip'))} KB ${kb(sum('br'))} KB ${kb(js)} KB  ${name}`);
}
const ok = calendarJs > 0 && calendarJs <= BUDGET_KB;
console.log(
  `\nMaker's calendar route: ${calendarJs.toFixed(1)} KB of JS sent gzipped (budget ${BUDGET_KB} KB): ${ok ? 'within budget' : 'OVER BUDGET'}`,
);
process.exit(ok ? 0 : 1);
