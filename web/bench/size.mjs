// `npm run size`: the gzipped size of every built JS chunk, and what each route makes the browser
// download (the entry with its static imports, plus the route's lazy chunk and its imports).
// Budget: the maker's calendar route loads at most 300 KB of gzipped JS.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const manifestFile = path.join(dist, '.vite/manifest.json');
if (!existsSync(manifestFile)) {
  console.error('web/dist/.vite/manifest.json is missing: run `npm run build` at the repository root first.');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const BUDGET_KB = 300;

const gz = new Map();
function gzipKb(file) {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length / 1024);
  return gz.get(file);
}

/** Every JS file a manifest entry brings, following static imports (what the browser fetches). */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const chunks = Object.values(manifest)
  .map((c) => c.file)
  .filter((f, i, all) => f.endsWith('.js') && all.indexOf(f) === i)
  .sort((a, b) => gzipKb(b) - gzipKb(a));

console.log('Chunks (gzip -9):');
for (const file of chunks) console.log(`  ${gzipKb(file).toFixed(1).padStart(7)} KB  ${file}`);

const entry = closure(entryKey);
const routes = {
  'entry (labs list, sign-in)': null,
  "maker's calendar (/labs/:labId)": 'src/app/routes/lab-calendar-page.tsx',
  'my bookings (/my)': 'src/app/routes/my-bookings-page.tsx',
  'lab manager (/manage)': 'src/app/routes/manage/manage-area.tsx',
  'dashboard (/dashboard)': 'src/app/routes/dashboard-page.tsx',
  'admin (/admin)': 'src/app/routes/admin-area.tsx',
};
console.log('\nLoaded by route (entry + lazy route chunk and their static imports):');
let calendarTotal = 0;
for (const [name, key] of Object.entries(routes)) {
  if (key && !manifest[key]) {
    console.log(`  ${name}: not in the manifest`);
    continue;
  }
  const files = new Set(entry);
  if (key) for (const f of closure(key)) files.add(f);
  const total = [...files].reduce((sum, f) => sum + gzipKb(f), 0);
  if (key === 'src/app/routes/lab-calendar-page.tsx') calendarTotal = total;
  console.log(`  ${total.toFixed(1).padStart(7)} KB  ${name}`);
}
const ok = calendarTotal > 0 && calendarTotal <= BUDGET_KB;
console.log(
  `\nMaker's calendar route: ${calendarTotal.toFixed(1)} KB of gzipped JS (budget ${BUDGET_KB} KB): ${ok ? 'within budget' : 'OVER BUDGET'}`,
);
process.exit(ok ? 0 : 1);
